"""How the console words message values: relative and exact times, short sizes, and the console's
names for system attributes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from queues.console.templatetags.units import system_attribute_table
from queues.console.units import short_bytes, system_attribute_rows, time_ago, utc_time
from queues.sqs import Message

NOW = datetime(2026, 12, 2, 5, 18, 26, 361000, tzinfo=UTC)


def test_time_ago_uses_the_largest_whole_unit():
    cases = {
        timedelta(0): "just now",
        timedelta(seconds=-5): "just now",
        timedelta(seconds=1): "1 second ago",
        timedelta(seconds=42): "42 seconds ago",
        timedelta(minutes=5, seconds=59): "5 minutes ago",
        timedelta(hours=1, minutes=2): "1 hour ago",
        timedelta(hours=3, minutes=2): "3 hours ago",
        timedelta(days=1, hours=2): "1 day ago",
        timedelta(days=13): "13 days ago",
    }
    assert {d: time_ago(NOW - d, now=NOW) for d in cases} == cases
    assert time_ago(None) == ""


def test_utc_time_keeps_the_milliseconds():
    assert utc_time(NOW) == "2026-12-02 05:18:26.361 UTC"
    assert utc_time(None) == ""
    # A moment given in another zone reads in UTC; microseconds are cut, not rounded.
    paris = timezone.get_fixed_timezone(60)
    assert utc_time(datetime(2026, 12, 2, 6, 18, 26, 361999, tzinfo=paris)) == (
        "2026-12-02 05:18:26.361 UTC"
    )


def test_a_short_message_id_is_what_truncatechars_9_makes_of_it():
    for message_id in ("f96bb3d3-a924-43eb-990f-98462134523f", "123456789", "1234567890", "a"):
        message = Message.from_response({"MessageId": message_id, "ReceiptHandle": "h"})
        assert message.short_id == truncatechars(message_id, 9)


def test_short_bytes_fits_a_narrow_column():
    sizes = [short_bytes(n) for n in (0, 312, 1536, 1 << 20)]
    assert sizes == ["0 B", "312 B", "1.5 KiB", "1.0 MiB"]


def test_system_attributes_carry_console_names_in_console_order_and_readable_times():
    rows = system_attribute_rows(
        {
            "SequenceNumber": "18889",
            "ApproximateReceiveCount": "3",
            "SentTimestamp": "1796109858361",
            "SomethingNew": "x",
            "SenderId": "123456789012",
            "MessageGroupId": "tenant-1",
            "ApproximateFirstReceiveTimestamp": "1796109860000",
            "MessageDeduplicationId": "d-1",
        }
    )
    assert [r.label for r in rows] == [
        "Sent",
        "First received",
        "Receive count",
        "Sender account ID",
        "Message group ID",
        "Sequence number",
        "Deduplication ID",
        "SomethingNew",
    ]
    sent = rows[0]
    assert (sent.name, sent.value) == ("SentTimestamp", "1796109858361")
    assert utc_time(sent.time) == "2026-12-01 07:24:18.361 UTC"
    assert rows[2].time is None


def test_a_garbled_timestamp_is_shown_raw_without_a_time():
    (row,) = system_attribute_rows({"SentTimestamp": "soon"})
    assert (row.label, row.value, row.time) == ("Sent", "soon", None)


def test_the_system_attributes_table_shows_times_in_utc_and_escapes_what_sqs_sent():
    html = system_attribute_table(
        {"SentTimestamp": "1796109858361", "SenderId": "<b>AIDA</b>", "Custom&": "1"}
    )
    rows = html.split("\n<tr>")
    assert rows[0] == (
        '<tr><th scope="row">Sent <code class="api-name">SentTimestamp</code></th>\n'
        '      <td><time datetime="2026-12-01T07:24:18.361000+00:00" '
        'title="SentTimestamp 1796109858361">2026-12-01 07:24:18.361 UTC</time><br>'
        '<time class="muted" datetime="2026-12-01T07:24:18.361000+00:00" data-local-time>'
        "</time></td></tr>"
    )
    assert "<code>&lt;b&gt;AIDA&lt;/b&gt;</code>" in rows[1]
    # An unknown attribute is labelled by its API name, shown once.
    assert rows[2] == '<th scope="row">Custom&amp;</th>\n      <td><code>1</code></td></tr>'


def _table_with_format_html(attributes: dict[str, str]) -> str:
    """The system attributes table as it was built with format_html per cell: the reference."""

    def row(a):
        head = (
            format_html('<th scope="row">{}</th>', a.label)
            if a.label == a.name
            else format_html(
                '<th scope="row">{} <code class="api-name">{}</code></th>', a.label, a.name
            )
        )
        if a.time is None:
            return format_html("{}\n      <td><code>{}</code></td>", head, a.value)
        iso = date_format(template_localtime(a.time), "c")
        return format_html(
            '{}\n      <td><time datetime="{}" title="{} {}">{}</time><br>'
            '<time class="muted" datetime="{}" data-local-time></time></td>',
            *(head, iso, a.name, a.value, utc_time(a.time), iso),
        )

    return format_html_join(
        "\n", "<tr>{}</tr>", ((row(a),) for a in system_attribute_rows(attributes))
    )


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_the_system_attributes_table_is_the_html_format_html_builds(zone):
    attributes = {
        "SentTimestamp": "1796109858361",
        "ApproximateFirstReceiveTimestamp": "soon & later",
        "ApproximateReceiveCount": "3",
        "SenderId": "<b>AIDA</b>",
        "MessageGroupId": 'it\'s "quoted"',
        "AWSTraceHeader": "Root=1-5e1b4151;Parent=x&y",
        "Custom&<'\">": "1",
    }
    with timezone.override(zone):
        html = system_attribute_table(attributes)
        assert html == _table_with_format_html(attributes)
    assert isinstance(html, SafeString)
    assert system_attribute_table({}) == ""
