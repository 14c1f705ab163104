"""Polling, deleting, receiving-and-deleting and exporting through the page, over moto."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from queues.models import AuditEvent
from tests.helpers import HTMX, page_url, send, visible

QUEUES = [("standard_url", "orders"), ("fifo_url", "payments.fifo")]


@pytest.fixture
def operator(client, operator_user):
    client.force_login(operator_user)
    return client


@pytest.fixture(params=QUEUES, ids=["standard", "fifo"])
def queue(request) -> tuple[str, str]:
    fixture, name = request.param
    return request.getfixturevalue(fixture), name


def poll(client, profile, name: str, **data) -> str:
    data = {"count": 10, "wait": 0, **data}
    return client.post(
        page_url("messages-poll", profile, name), data, headers=HTMX
    ).content.decode()


def selections(html: str) -> list[str]:
    return re.findall(r'name="selected" value="([^"]+)"', html)


def test_a_poll_shows_the_messages_and_leaves_the_visible_count_unchanged(
    operator, profile, raw_sqs, queue
):
    url, name = queue
    send(raw_sqs, url, 12)
    html = poll(operator, profile, name, count=12)
    assert "12 messages received and released" in html
    assert all(f"message {i}<" in html for i in range(12))
    assert visible(raw_sqs, url) == 12
    event = AuditEvent.objects.get(action="peek_messages")
    assert event.parameters["received"] == 12 and len(event.parameters["message_ids"]) == 12
    assert "message 1" not in json.dumps(event.parameters)


def test_an_opened_message_shows_pretty_json_attributes_and_system_attributes(
    operator, profile, raw_sqs, standard_url
):
    raw_sqs.send_message(
        QueueUrl=standard_url,
        MessageBody='{"order":{"id":7}}',
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "order-created"}},
    )
    html = poll(operator, profile, "orders")
    assert '{\n  "order": {\n    "id": 7\n  }\n}' in unescape(html)
    assert "order-created" in html and "ApproximateReceiveCount" in html
    assert 'data-copy="body-1"' in html


def test_deleting_two_selected_messages_removes_exactly_those(operator, profile, raw_sqs, queue):
    url, name = queue
    send(raw_sqs, url, 5)
    picked = selections(poll(operator, profile, name))
    assert len(picked) == 5
    html = operator.post(
        page_url("messages-delete", profile, name),
        {"selected": [picked[0], picked[3]]},
        headers=HTMX,
    ).content.decode()
    assert "Deleted 2 messages." in html
    deleted = {picked[0], picked[3]}
    assert all(f'hx-swap-oob="delete:#message-{i}"' in html for i in deleted)
    remaining = raw_sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert {m["MessageId"] for m in remaining} == set(picked) - deleted
    event = AuditEvent.objects.get(action="delete_messages")
    assert sorted(event.parameters["message_ids"]) == sorted(deleted)


def test_a_row_delete_button_deletes_only_that_message_even_with_others_ticked(
    operator, profile, raw_sqs, standard_url
):
    send(raw_sqs, standard_url, 3)
    picked = selections(poll(operator, profile, "orders"))
    operator.post(
        page_url("messages-delete", profile, "orders"),
        {"selected": picked, "only": picked[1]},
        headers=HTMX,
    )
    assert visible(raw_sqs, standard_url) == 2


def test_deleting_nothing_selected_says_so(operator, profile, raw_sqs, standard_url):
    send(raw_sqs, standard_url, 1)
    html = operator.post(
        page_url("messages-delete", profile, "orders"), {}, headers=HTMX
    ).content.decode()
    assert "Select at least one message to delete." in html
    assert visible(raw_sqs, standard_url) == 1


def test_a_message_gone_since_the_poll_is_explained_with_a_poll_again_button(
    operator, profile, raw_sqs, standard_url
):
    send(raw_sqs, standard_url, 1)
    picked = selections(poll(operator, profile, "orders"))
    raw_sqs.purge_queue(QueueUrl=standard_url)
    html = operator.post(
        page_url("messages-delete", profile, "orders"), {"selected": picked}, headers=HTMX
    ).content.decode()
    assert "could not be deleted" in html and "did not hand this message out again" in html
    assert ">Poll again</button>" in html


def test_the_audit_names_the_messages_sqs_deleted_not_what_the_form_claimed(
    operator, profile, raw_sqs, standard_url
):
    send(raw_sqs, standard_url, 2)
    picked = selections(poll(operator, profile, "orders"))
    made_up = "00000000-0000-0000-0000-000000000000"
    html = operator.post(
        page_url("messages-delete", profile, "orders"),
        {"selected": [picked[0], made_up]},
        headers=HTMX,
    ).content.decode()
    assert "Deleted 1 message." in html and made_up in html
    assert visible(raw_sqs, standard_url) == 1
    event = AuditEvent.objects.get(action="delete_messages")
    assert event.parameters["message_ids"] == [picked[0]]
    assert (event.outcome, event.parameters["not_found"]) == ("partial", 1)


def test_receive_counts_show_against_max_receive_count_and_the_limit_warns(
    operator, profile, raw_sqs, redrive_url
):
    send(raw_sqs, redrive_url, 1)
    first = poll(operator, profile, "retried")
    assert "1 of 2" in first and "one receive from the limit" in first
    assert "moves a message to the dead-letter queue <strong>orders-dlq</strong>" in first
    second = poll(operator, profile, "retried", at_limit=0)
    assert "2 of 2" in second and "next receive moves it to the DLQ" in second
    assert "1 message at the receive limit." in second
    assert 'name="at_limit" value="1"' in second

    refused = poll(operator, profile, "retried", at_limit=1)
    assert "Polling again moves it to the dead-letter queue" in refused
    assert visible(raw_sqs, redrive_url) == 1

    poll(operator, profile, "retried", at_limit=1, move_to_dlq_ok="on")
    dlq = raw_sqs.get_queue_url(QueueName="orders-dlq")["QueueUrl"]
    assert visible(raw_sqs, redrive_url) == 0 and visible(raw_sqs, dlq) == 1


def in_queue(raw_sqs, url: str) -> int:
    """Messages still in the queue: visible or hidden by a receive."""
    counts = raw_sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(v) for v in counts.values())


def receive(client, profile, name: str, **data) -> str:
    data = {"count": 2, "wait": 0, "lease": 60, **data}
    return client.post(
        page_url("messages-consume", profile, name), data, headers=HTMX
    ).content.decode()


def leased_tokens(html: str) -> list[str]:
    return re.findall(r'name="leased" value="([^"]+)"', html)


def test_receive_and_delete_deletes_only_what_the_operator_saw(operator, profile, raw_sqs, queue):
    url, name = queue
    send(raw_sqs, url, 4)
    shown = receive(operator, profile, name)
    assert "Received 2 messages" in shown and "nothing is deleted yet" in shown
    # Received, shown, hidden from consumers, and still in the queue.
    assert (visible(raw_sqs, url), in_queue(raw_sqs, url)) == (2, 4)
    received = AuditEvent.objects.get(action="receive_messages").parameters["message_ids"]
    assert len(received) == 2 and all(f"message-{i}" in shown for i in received)
    html = operator.post(
        page_url("messages-decide", profile, name),
        {"leased": leased_tokens(shown), "decision": "delete"},
        headers=HTMX,
    ).content.decode()
    assert "Deleted 2 messages." in html
    assert in_queue(raw_sqs, url) == 2
    event = AuditEvent.objects.get(action="consume_messages")
    assert sorted(event.parameters["message_ids"]) == sorted(received)


def test_received_messages_left_undecided_stay_in_the_queue(
    operator, profile, raw_sqs, standard_url
):
    # The browser goes away after the receive: nothing was deleted, and the lease ends.
    send(raw_sqs, standard_url, 3)
    receive(operator, profile, "orders", count=3, lease=5)
    assert in_queue(raw_sqs, standard_url) == 3
    assert not AuditEvent.objects.filter(action="consume_messages").exists()


def test_received_messages_can_be_put_back_at_once(operator, profile, raw_sqs, standard_url):
    send(raw_sqs, standard_url, 2)
    shown = receive(operator, profile, "orders")
    assert visible(raw_sqs, standard_url) == 0
    html = operator.post(
        page_url("messages-decide", profile, "orders"),
        {"leased": leased_tokens(shown), "decision": "release"},
        headers=HTMX,
    ).content.decode()
    assert "Put 2 messages back in the queue." in html
    assert visible(raw_sqs, standard_url) == 2


def test_a_forged_or_foreign_lease_deletes_nothing(operator, profile, raw_sqs, standard_url):
    send(raw_sqs, standard_url, 2)
    token, _ = leased_tokens(receive(operator, profile, "orders"))
    handle = token.split("|")[4].rsplit(":", 1)[0]
    forged = f"{profile.pk}|us-east-1|orders|fake-id|{handle}:not-our-signature"
    for leased in ([forged], [token.replace("|orders|", "|elsewhere|")]):
        html = operator.post(
            page_url("messages-decide", profile, "orders"),
            {"leased": leased, "decision": "delete"},
            headers=HTMX,
        ).content.decode()
        assert "not received here" in html
    assert in_queue(raw_sqs, standard_url) == 2


def test_export_downloads_a_fresh_peek_as_ndjson(operator, profile, raw_sqs, standard_url):
    raw_sqs.send_message(
        QueueUrl=standard_url,
        MessageBody="first",
        MessageAttributes={"n": {"DataType": "Number", "StringValue": "3"}},
    )
    raw_sqs.send_message(QueueUrl=standard_url, MessageBody="second")
    response = operator.post(
        page_url("messages-export", profile, "orders"), {"count": 10, "wait": 0}
    )
    assert response["Content-Disposition"] == 'attachment; filename="orders-messages.ndjson"'
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert sorted(line["Body"] for line in lines) == ["first", "second"]
    first = next(line for line in lines if line["Body"] == "first")
    assert first["MessageAttributes"] == {"n": {"DataType": "Number", "StringValue": "3"}}
    assert "SentTimestamp" in first["Attributes"]
    assert visible(raw_sqs, standard_url) == 2
    assert AuditEvent.objects.get(action="export_messages").parameters["received"] == 2


def test_a_poll_without_javascript_renders_the_whole_page(operator, profile, raw_sqs, standard_url):
    send(raw_sqs, standard_url, 1)
    html = operator.post(
        page_url("messages-poll", profile, "orders"), {"count": 1, "wait": 0}
    ).content.decode()
    assert "<html" in html and "message 0" in html and "Send message" in html
    assert 'id="consume-form"' in html and "hx-preserve" not in html


def test_a_polls_answer_leaves_the_forms_to_the_page(operator, profile, raw_sqs, standard_url):
    send(raw_sqs, standard_url, 2)
    # A poll the form has nothing to say about: only the results are swapped in, and the Poll
    # and Receive forms stay as the operator left them.
    response = operator.post(
        page_url("messages-poll", profile, "orders"), {"count": 5, "wait": 0}, headers=HTMX
    )
    html = response.content.decode()
    assert response["HX-Retarget"] == "#poll-results"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith('<div id="poll-results">')
    assert "2 messages received and released" in html and len(selections(html)) == 2
    assert 'id="poll-form"' not in html and "receive-and-delete" not in html
    # After an error on show the panel is redrawn (so the error goes); htmx keeps the page's own
    # Receive form (open or not, with what was typed) in place of this one.
    shown = poll(operator, profile, "orders", count=0)
    assert 'id="poll-form"' in shown and 'name="redraw"' in shown
    html = poll(operator, profile, "orders", count=5, redraw="1")
    assert 'id="poll-form"' in html and "2 messages received and released" in html
    assert '<details class="consume" id="receive-and-delete" hx-preserve></details>' in html
    assert 'id="consume-form"' not in html
    # Receive's own answer shows its form: its errors, or what it received with.
    received = operator.post(
        page_url("messages-consume", profile, "orders"),
        {"count": 0, "wait": 0, "lease": 60},
        headers=HTMX,
    ).content.decode()
    assert 'id="consume-form"' in received and "hx-preserve" not in received


def test_a_long_poll_on_an_empty_queue_says_nothing_arrived(operator, profile, standard_url):
    html = poll(operator, profile, "orders", wait=1)
    assert "No messages were received: the queue is empty" in html
