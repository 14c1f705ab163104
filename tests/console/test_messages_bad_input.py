"""Bad input and faults end in a clear message by the field or at the top of the panel, the form
keeps what was typed, and nothing is sent."""

from __future__ import annotations

from html import unescape

import pytest

from queues.models import AuditEvent
from tests.helpers import HTMX, page_url, visible


@pytest.fixture
def operator(client, operator_user):
    client.force_login(operator_user)
    return client


def post_send(client, profile, name: str = "orders", **data) -> tuple[int, str]:
    data = {"body": "hello", "body_format": "text", "copies": 1, **data}
    response = client.post(page_url("messages-send", profile, name), data, headers=HTMX)
    return response.status_code, response.content.decode()


def attributes(rows: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    return {
        "attribute_name": [r[0] for r in rows],
        "attribute_type": [r[1] for r in rows],
        "attribute_custom": ["" for _ in rows],
        "attribute_value": [r[2] for r in rows],
    }


def test_a_body_over_the_queues_maximum_size_is_refused(operator, profile, raw_sqs, standard_url):
    raw_sqs.set_queue_attributes(QueueUrl=standard_url, Attributes={"MaximumMessageSize": "1024"})
    status, html = post_send(
        operator, profile, body="x" * 1000, **attributes([("note", "String", "y" * 30)])
    )
    assert status == 200
    assert "The message is 1,040 bytes (body 1,000 + attributes 40)" in html
    assert "maximum message size is 1,024 bytes" in html
    assert 'value="note"' in html and "x" * 1000 in html
    assert visible(raw_sqs, standard_url) == 0


def test_characters_sqs_rejects_are_named(operator, profile, raw_sqs, standard_url):
    status, html = post_send(operator, profile, body="ok\x01then\ufffe")
    assert status == 200
    assert "characters SQS does not accept: U+0001 at position 3, U+FFFE at position 8" in html
    assert visible(raw_sqs, standard_url) == 0


def test_an_eleventh_attribute_is_refused(operator, profile, raw_sqs, standard_url):
    rows = [(f"a{i}", "String", "v") for i in range(11)]
    _, html = post_send(operator, profile, **attributes(rows))
    assert "A message has at most 10 attributes; remove 1." in html
    assert 'value="a10"' in html
    assert visible(raw_sqs, standard_url) == 0


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("AWS.trace", "reserved by AWS"),
        ("amazon.thing", "reserved by AWS"),
        ("has space", "Use only letters, digits"),
        ("double..dot", "two periods in a row"),
        (".leading", "start or end with a period"),
        ("x" * 257, "at most 256 characters"),
    ],
)
def test_attribute_names_follow_sqs_rules(operator, profile, raw_sqs, standard_url, name, problem):
    _, html = post_send(operator, profile, **attributes([(name, "String", "v")]))
    assert problem in html
    assert visible(raw_sqs, standard_url) == 0


def test_a_number_attribute_must_be_a_number(operator, profile, raw_sqs, standard_url):
    _, html = post_send(operator, profile, **attributes([("amount", "Number", "12,5")]))
    assert "'12,5' is not a number." in unescape(html)
    assert visible(raw_sqs, standard_url) == 0


def test_a_binary_attribute_must_be_base64(operator, profile, raw_sqs, standard_url):
    _, html = post_send(operator, profile, **attributes([("blob", "Binary", "not base64!")]))
    assert "Binary values are entered as base64" in html


def test_json_mode_refuses_what_is_not_json(operator, profile, raw_sqs, standard_url):
    _, html = post_send(operator, profile, body='{"a": ', body_format="json")
    assert "This is not valid JSON" in html
    assert visible(raw_sqs, standard_url) == 0


def test_a_fifo_send_without_a_group_id_is_refused(operator, profile, raw_sqs, fifo_url):
    _, html = post_send(operator, profile, "payments.fifo", body="pay")
    assert "FIFO queues need a message group ID." in html
    assert visible(raw_sqs, fifo_url) == 0


def test_a_fifo_queue_without_content_based_deduplication_needs_an_id(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="strict.fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    _, html = post_send(operator, profile, "strict.fifo", group_id="g")
    assert "Enter a message deduplication ID" in html
    assert visible(raw_sqs, url) == 0


def test_a_queue_deleted_meanwhile_is_said_at_the_top_and_the_form_keeps_the_text(
    operator, profile, raw_sqs, standard_url
):
    raw_sqs.delete_queue(QueueUrl=standard_url)
    status, html = post_send(operator, profile, body="keep me")
    assert status == 200
    assert 'class="error" role="alert">Queue \'orders\' does not exist' in unescape(html)
    # Only the outcome is swapped in: the form on the page keeps the text.
    assert "<form" not in html
    # Without JavaScript the page comes back, its form holding the text.
    data = {"body": "keep me", "body_format": "text", "copies": 1}
    html = operator.post(page_url("messages-send", profile, "orders"), data).content.decode()
    assert 'class="error" role="alert">Queue \'orders\' does not exist' in unescape(html)
    assert "keep me</textarea>" in html


def test_a_queue_deleted_after_the_page_loaded_is_said_at_the_top(
    operator, profile, raw_sqs, standard_url
):
    operator.get(page_url("messages", profile, "orders"))
    raw_sqs.delete_queue(QueueUrl=standard_url)
    for name, data in [
        ("messages-send", {"body": "x", "body_format": "text", "copies": 1}),
        ("messages-poll", {"count": 1, "wait": 0}),
        ("messages-delete", {"selected": ["id handle"]}),
    ]:
        html = operator.post(page_url(name, profile, "orders"), data, headers=HTMX).content
        assert b"does not exist" in html, name


def test_polling_a_queue_deleted_meanwhile_says_so(operator, profile, raw_sqs, standard_url):
    raw_sqs.delete_queue(QueueUrl=standard_url)
    html = operator.post(
        page_url("messages-poll", profile, "orders"), {"count": 5, "wait": 0}, headers=HTMX
    ).content.decode()
    assert html.lstrip().startswith('<section id="poll-panel"')
    assert "does not exist" in html


@pytest.fixture
def endpoint_down(profile, settings):
    settings.AWS_MAX_ATTEMPTS = 1
    profile.endpoint_url = "http://127.0.0.1:9"
    profile.save()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("messages-send", {"body": "typed text", "body_format": "text", "copies": 1}),
        ("messages-poll", {"count": 5, "wait": 0}),
        ("messages-consume", {"count": 5, "wait": 0, "lease": 60}),
        ("messages-export", {"count": 5, "wait": 0}),
    ],
)
def test_an_endpoint_that_is_down_is_a_clear_message(operator, profile, endpoint_down, name, data):
    response = operator.post(page_url(name, profile, "orders"), data, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "the SQS endpoint cannot be reached" in html
    if name == "messages-send":
        # Only the outcome is swapped in: the form on the page keeps what was typed.
        assert response["HX-Retarget"] == "#send-outcome" and "<form" not in html


def test_the_page_itself_explains_an_endpoint_that_is_down(operator, profile, endpoint_down):
    response = operator.get(page_url("messages", profile, "orders"))
    assert response.status_code == 503
    assert "the SQS endpoint cannot be reached" in response.content.decode()


def test_deleting_when_the_endpoint_is_down_is_a_clear_message(operator, profile, endpoint_down):
    html = operator.post(
        page_url("messages-delete", profile, "orders"), {"selected": ["id handle"]}, headers=HTMX
    ).content.decode()
    assert "the SQS endpoint cannot be reached" in html
    event = AuditEvent.objects.get(action="delete_messages")
    assert event.outcome == AuditEvent.Outcome.FAILURE
