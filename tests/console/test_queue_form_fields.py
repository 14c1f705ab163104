"""The queue form's fields as an operator types them: durations and sizes as a number and a unit,
limits said in words, tags removed and added by row."""

from __future__ import annotations

import re

import pytest

from queues.console.forms.queues import QueueForm
from queues.sqs import InvalidInput, QueueAttributes, TagChanges
from tests.helpers import attributes

# Every field at its default, posted as the browser posts it: number and unit.
TYPED = {
    "name": "typed",
    "queue_type": "standard",
    "visibility_timeout_0": "30",
    "visibility_timeout_1": "1",
    "message_retention_period_0": "4",
    "message_retention_period_1": "86400",
    "delay_seconds_0": "0",
    "delay_seconds_1": "1",
    "maximum_message_size_0": "1",
    "maximum_message_size_1": "1048576",
    "receive_message_wait_time_seconds_0": "0",
    "receive_message_wait_time_seconds_1": "1",
    "encryption": "sse-sqs",
}


def bound(**fields) -> QueueForm:
    form = QueueForm({**TYPED, **fields})
    form.is_valid()
    return form


def test_a_number_and_a_unit_post_as_seconds_and_bytes():
    form = bound(
        visibility_timeout_0="1.5",
        visibility_timeout_1="3600",
        message_retention_period_0="14",
        maximum_message_size_0="256",
        maximum_message_size_1="1024",
    )
    assert form.errors == {}
    settings = form.attributes()
    assert settings.visibility_timeout == 5400
    assert settings.message_retention_period == 1209600
    assert settings.maximum_message_size == 262144


def test_plain_seconds_posted_under_the_fields_name_still_work():
    form = QueueForm(
        {
            "name": "plain",
            "queue_type": "standard",
            "encryption": "none",
            "visibility_timeout": "45",
            "message_retention_period": "345600",
            "delay_seconds": "0",
            "maximum_message_size": "2048",
            "receive_message_wait_time_seconds": "20",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visibility_timeout"] == 45
    assert form.cleaned_data["maximum_message_size"] == 2048


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"visibility_timeout_0": "13", "visibility_timeout_1": "3600"},
            "visibility_timeout",
            "Use at most 12 hours.",
        ),
        (
            {"message_retention_period_0": "59", "message_retention_period_1": "1"},
            "message_retention_period",
            "Use at least 1 minute.",
        ),
        ({"message_retention_period_0": "15"}, "message_retention_period", "Use at most 14 days."),
        (
            {"delay_seconds_0": "16", "delay_seconds_1": "60"},
            "delay_seconds",
            "Use at most 15 minutes.",
        ),
        ({"maximum_message_size_0": "2"}, "maximum_message_size", "Use at most 1 MiB."),
        (
            {"maximum_message_size_0": "0.5", "maximum_message_size_1": "1024"},
            "maximum_message_size",
            "Use at least 1 KiB.",
        ),
        (
            {"maximum_message_size_0": "1.0001", "maximum_message_size_1": "1024"},
            "maximum_message_size",
            "Use a whole number of bytes (this is 1024.1024).",
        ),
        (
            {"visibility_timeout_0": "1.25"},
            "visibility_timeout",
            "Use a whole number of seconds (this is 1.25).",
        ),
        (
            {"visibility_timeout_0": "soon"},
            "visibility_timeout",
            "Enter a number, such as 4 (and pick its unit).",
        ),
        (
            {"visibility_timeout_0": "9" * 5000},
            "visibility_timeout",
            "Enter a number, such as 4 (and pick its unit).",
        ),
        (
            {"visibility_timeout_0": "NaN"},
            "visibility_timeout",
            "Enter a number, such as 4 (and pick its unit).",
        ),
        ({"visibility_timeout_1": "86400"}, "visibility_timeout", "Pick a unit from the list."),
        ({"visibility_timeout_0": ""}, "visibility_timeout", "This field is required."),
    ],
)
def test_limits_and_typing_mistakes_are_said_in_words(fields, field, message):
    assert bound(**fields).errors[field] == [message]


def test_a_stored_value_shows_in_its_largest_whole_unit():
    form = QueueForm(
        initial={
            "visibility_timeout": 5400,
            "message_retention_period": 345600,
            "delay_seconds": 90,
            "maximum_message_size": 262144,
        }
    )

    def shown(name: str) -> tuple[str, str]:
        html = str(form[name])
        number = re.search(r'<input type="number" name="\w+" value="([^"]*)"', html)[1]
        return number, re.search(r'<option value="(\d+)" selected>', html)[1]

    assert shown("visibility_timeout") == ("90", "60")
    assert shown("message_retention_period") == ("4", "86400")
    assert shown("delay_seconds") == ("90", "1")
    assert shown("maximum_message_size") == ("256", "1024")
    # The exact size on hover.
    assert 'title="262,144 bytes"' in str(form["maximum_message_size"])


def test_each_field_offers_only_units_within_its_limit():
    form = QueueForm()
    units = {
        name: [label for _, label in form.fields[name].widget.widgets[1].choices]
        for name in ("visibility_timeout", "delay_seconds", "receive_message_wait_time_seconds")
    }
    assert units == {
        "visibility_timeout": ["seconds", "minutes", "hours"],
        "delay_seconds": ["seconds", "minutes"],
        "receive_message_wait_time_seconds": ["seconds"],
    }


def test_what_was_typed_comes_back_with_its_error_beside_it():
    html = bound(visibility_timeout_0="13", visibility_timeout_1="3600")[
        "visibility_timeout"
    ].as_field_group()
    assert 'value="13"' in html and '<option value="3600" selected>' in html
    error = html.index("Use at most 12 hours.")
    assert html.index('id="id_visibility_timeout_0"') < error
    assert 'aria-describedby="id_visibility_timeout_helptext id_visibility_timeout_error"' in html


# Tags


def test_clearing_a_stored_tags_key_removes_it_without_an_error():
    initial = {"tag_key_0": "env", "tag_value_0": "prod", "tag_key_1": "team", "tag_value_1": "a"}
    form = QueueForm(
        {**TYPED, "tag_key_0": "", "tag_value_0": "prod", "tag_key_1": "team", "tag_value_1": "a"},
        initial=initial,
    )
    assert form.is_valid(), form.errors
    assert form.tags() == {"team": "a"}


def test_a_value_typed_in_a_new_row_without_a_key_is_not_dropped_silently():
    form = bound(tag_key_0="", tag_value_0="orphan")
    assert form.errors["tag_key_0"] == ["Enter a key for this value, or clear the value too."]


def test_rows_are_read_by_their_numbers_with_gaps_left_by_removed_rows():
    form = bound(tag_key_0="a", tag_value_0="1", tag_key_4="b", tag_value_4="2", tag_key_60="c")
    assert form.is_valid(), form.errors
    assert form.tags() == {"a": "1", "b": "2", "c": ""}
    assert form.next_tag_index == 61


def test_more_than_fifty_tags_are_refused_with_the_limit_named():
    rows = {f"tag_key_{i}": f"k{i}" for i in range(51)}
    form = bound(**rows)
    assert form.non_field_errors() == ["A queue has at most 50 tags; this form has 51."]


def test_a_new_form_offers_three_blank_rows_and_a_template_row_for_the_script():
    form = QueueForm()
    assert len(form.tag_rows) == 3
    key, value = form.tag_row_template
    assert 'name="tag_key___index__"' in str(key)
    assert 'name="tag_value___index__"' in str(value)


# The service checks the whole change before its first call.


def test_update_queue_refuses_a_51st_tag_before_changing_anything(sqs, raw_sqs):
    url = sqs.create_queue("tagged", tags={f"k{i}": "v" for i in range(50)})
    changes = TagChanges.between(
        {f"k{i}": "v" for i in range(50)}, {**{f"k{i}": "v" for i in range(50)}, "one": "more"}
    )
    with pytest.raises(InvalidInput, match="at most 50 tags"):
        sqs.update_queue(url, QueueAttributes(visibility_timeout=99).to_raw(), changes)
    # Not even the attributes, which came first, were changed.
    assert attributes(raw_sqs, "tagged")["VisibilityTimeout"] == "30"
    assert len(raw_sqs.list_queue_tags(QueueUrl=url)["Tags"]) == 50


def test_update_queue_refuses_a_reserved_key_before_changing_anything(sqs, raw_sqs):
    url = sqs.create_queue("tagged")
    changes = TagChanges.between({}, {"aws:owner": "x"})
    with pytest.raises(InvalidInput, match="reserved"):
        sqs.update_queue(url, {"VisibilityTimeout": "99"}, changes)
    assert attributes(raw_sqs, "tagged")["VisibilityTimeout"] == "30"
