"""Property-based tests: junk posted to every form is refused with an error, never a 500.

Each FORM names a URL, the role that may use it, its fields, and the fields that always get a
value the form must reject (so no example is accidentally valid). Hypothesis fills every field
with arbitrary strings, huge values, numbers out of range, repeated values (a list where one value
is expected) or nothing at all. Every response must be a page that shows an error, and nothing
may change: no queue, no message, no profile, no successful audit event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queues.console.forms.confirm import TypedConfirmationForm
from queues.console.forms.messages import MAX_BULK_COPIES
from queues.models import AuditEvent, AwsProfile
from queues.profiles.forms import ProfileForm
from tests.helpers import REGION

QUEUE, FIFO_QUEUE = "props-queue", "props-queue.fifo"

SPECIAL = [
    "",
    " ",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "NaN",
    "true",
    "null",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\x00",
    "AWS.Trace",
    "arn:aws:iam::12:role/x",
    "x" * 300_000,
]
junk = st.one_of(
    st.text(max_size=60),
    st.sampled_from(SPECIAL),
    st.integers().map(str),
    st.text(min_size=1, max_size=3).map(lambda s: s * 100_000),
)
value = st.one_of(junk, st.lists(junk, min_size=2, max_size=3))


def not_matching(pattern: str) -> st.SearchStrategy[str]:
    return st.one_of(junk.filter(lambda s: not re.fullmatch(pattern, s)), st.just(""))


@dataclass(frozen=True)
class Form:
    url_name: str
    role: str
    fields: tuple[str, ...]
    must_fail: dict[str, st.SearchStrategy] = field(default_factory=dict)


def not_an_int_in(low: int, high: int) -> st.SearchStrategy[str]:
    """Values a form's integer field between low and high must refuse."""
    field = forms.IntegerField(min_value=low, max_value=high)

    def refused(text: str) -> bool:
        try:
            field.clean(text)
        except forms.ValidationError:
            return True
        return False

    return st.one_of(junk, st.integers().map(str)).filter(refused)


not_the_queue_name = junk.filter(lambda s: s != QUEUE)
QUEUE_FIELDS = (
    "name",
    "queue_type",
    "visibility_timeout",
    "message_retention_period",
    "delay_seconds",
    "maximum_message_size",
    "receive_message_wait_time_seconds",
    "dead_letter_queue",
    "max_receive_count",
    "redrive_permission",
    "redrive_source_arns",
    "encryption",
    "kms_master_key_id",
    "kms_data_key_reuse_period_seconds",
    "content_based_deduplication",
    "deduplication_scope",
    "fifo_throughput_limit",
    "tag_key_0",
    "tag_value_0",
)

not_an_http_url = junk.filter(
    lambda s: s.strip() and not s.strip().lower().startswith(("http://", "https://"))
)
PROFILE_FIELDS = tuple(ProfileForm.Meta.fields)

FORMS = [
    Form(
        "accounts:login",
        "anonymous",
        ("username", "password", "next"),
        {"password": st.text(max_size=40).filter(lambda s: s != "not-the-password")},
    ),
    Form("profiles:create", "admin", PROFILE_FIELDS, {"endpoint_url": not_an_http_url}),
    Form("profiles:edit", "admin", PROFILE_FIELDS, {"endpoint_url": not_an_http_url}),
    Form("profiles:test-draft", "admin", PROFILE_FIELDS, {"endpoint_url": not_an_http_url}),
    Form(
        "console:queue-create",
        "operator",
        QUEUE_FIELDS,
        {"visibility_timeout": not_an_int_in(0, 43_200)},
    ),
    Form(
        "console:queue-edit",
        "operator",
        QUEUE_FIELDS,
        {"maximum_message_size": not_an_int_in(1024, 1_048_576)},
    ),
    Form(
        "console:queue-purge", "operator", ("confirm_name",), {"confirm_name": not_the_queue_name}
    ),
    Form(
        "console:queue-delete", "operator", ("confirm_name",), {"confirm_name": not_the_queue_name}
    ),
    Form(
        "console:messages-send",
        "operator",
        (
            "body",
            "body_format",
            "delay_seconds",
            "copies",
            "attribute_name",
            "attribute_type",
            "attribute_custom",
            "attribute_value",
        ),
        # Above MAX_COPIES a send is a bulk send, with progress: only past the bulk limit is junk.
        {"copies": not_an_int_in(1, MAX_BULK_COPIES)},
    ),
    Form("console:messages-poll", "operator", ("count", "wait"), {"count": not_an_int_in(1, 100)}),
    Form(
        "console:messages-consume",
        "operator",
        ("count", "wait", "lease"),
        {"wait": not_an_int_in(0, 20)},
    ),
    Form("console:messages-delete", "operator", ("selected", "only"), {"selected": junk}),
    Form(
        "profiles:delete",
        "admin",
        ("confirm_name",),
        {"confirm_name": junk.filter(lambda s: s.strip() != "Test moto")},
    ),
]


def _url(form: Form, profile) -> str:
    kwargs = {"profile": profile.slug, "region": REGION, "queue": QUEUE, "slug": profile.slug}
    from tests.test_permissions import _pattern

    wanted = _pattern(form.url_name).pattern.converters
    return reverse(form.url_name, kwargs={k: v for k, v in kwargs.items() if k in wanted})


def _world(raw_sqs) -> tuple:
    """Everything a form could change, as one comparable value."""
    queues = []
    for url in sorted(raw_sqs.list_queues().get("QueueUrls", [])):
        attributes = raw_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
            "Attributes"
        ]
        attributes.pop("LastModifiedTimestamp", None)
        tags = raw_sqs.list_queue_tags(QueueUrl=url).get("Tags", {})
        queues.append((url, sorted(attributes.items()), tags))
    profiles = list(AwsProfile.objects.values_list("name", "version").order_by("name"))
    successes = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.SUCCESS).count()
    return queues, profiles, successes


def _shows_an_error(html: str) -> bool:
    """An error message is on the page: a field's error list or an alert. (Classes that merely
    start with "error", like the size counter's error-text, do not count.)"""
    return bool(re.search(r'class="errorlist[" ]|class="error"|role="alert"', html))


@pytest.fixture
def world(profile, raw_sqs, admin_user, operator_user):
    raw_sqs.create_queue(QueueName=QUEUE)
    raw_sqs.create_queue(QueueName=FIFO_QUEUE, Attributes={"FifoQueue": "true"})
    for i in range(3):
        raw_sqs.send_message(
            QueueUrl=raw_sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"], MessageBody=f"m{i}"
        )
    return {"admin": admin_user, "operator": operator_user, "profile": profile}


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.url_name)
def test_junk_in_a_form_shows_an_error_and_changes_nothing(client, world, raw_sqs, form):
    _junk_is_refused(client, world, raw_sqs, form)


def _confirms_anything(monkeypatch):
    monkeypatch.setattr(TypedConfirmationForm, "clean_confirm_name", lambda self: self.expected)


@pytest.mark.parametrize(
    ("url_name", "break_it"),
    [("console:queue-purge", _confirms_anything), ("profiles:delete", _confirms_anything)],
)
def test_the_property_catches_a_form_that_lets_junk_through(
    client, world, raw_sqs, monkeypatch, url_name, break_it
):
    """The property can fail: with a form's check removed, junk gets through and it says so."""
    break_it(monkeypatch)
    form = next(f for f in FORMS if f.url_name == url_name)
    with pytest.raises(AssertionError):
        _junk_is_refused(client, world, raw_sqs, form)


@pytest.mark.parametrize("view", ["messages", "queue-detail", "queue-create"])
def test_a_page_without_errors_is_not_mistaken_for_one_with_errors(client, world, view):
    client.force_login(world["operator"])
    html = client.get(reverse(f"console:{view}", args=_args(view, world["profile"]))).content
    assert not _shows_an_error(html.decode())


def _args(view: str, profile) -> list[str]:
    return [profile.slug, REGION] + ([] if view == "queue-create" else [QUEUE])


def _junk_is_refused(client, world, raw_sqs, form) -> None:
    if form.role != "anonymous":
        client.force_login(world[form.role])
    url = _url(form, world["profile"])
    before = _world(raw_sqs)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        data=st.fixed_dictionaries(
            form.must_fail,
            optional={name: value for name in form.fields if name not in form.must_fail},
        )
    )
    def post_junk(data):
        response = client.post(url, data)
        assert response.status_code < 500
        # 429: the sign-in form, after the same made-up username failed LOGIN_MAX_FAILURES times.
        assert response.status_code in (200, 400, 422, 429), response.status_code
        assert _shows_an_error(response.content.decode()), data

    post_junk()
    assert _world(raw_sqs) == before
