"""The Send and receive messages page over a real moto server: by role, happy paths, bad input
and faults. Nothing here is mocked."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from queues.models import AuditEvent
from tests.helpers import HTMX, REGION, form_errors, page_url, send, send_from_page, visible


@pytest.fixture
def operator(client, operator_user):
    client.force_login(operator_user)
    return client


def test_the_page_shows_the_queue_its_counts_and_both_panels(operator, profile, standard_url):
    html = operator.get(page_url("messages", profile, "orders")).content.decode()
    assert "Send message" in html and "Poll for messages" in html
    assert "Messages available" in html and "Standard" in html
    assert "Delivery delay" in html and "Message deduplication ID" not in html
    assert "Message group ID" in html and "turns on fair queues" in html
    assert reverse("console:queue-list", args=[profile.slug, REGION]) in html


def test_a_fifo_queue_asks_for_group_and_knows_about_content_based_deduplication(
    operator, profile, fifo_url
):
    html = operator.get(page_url("messages", profile, "payments.fifo")).content.decode()
    assert "Message group ID" in html and "Delivery delay" not in html
    assert "content-based deduplication is on" in html


def test_each_kind_of_queue_gets_its_own_send_fields_whatever_forms_came_before():
    from queues.console.forms.messages import ConsumeForm, PollForm, SendMessageForm
    from queues.console.forms.workbench import ResendForm
    from queues.sqs import Queue

    fifo = Queue("pay.fifo", "", {"FifoQueue": "true"})
    fifo_hashed = Queue("hash.fifo", "", {"FifoQueue": "true", "ContentBasedDeduplication": "true"})
    standard = Queue("orders", "", {})
    forms = [SendMessageForm(queue=q) for q in (fifo, standard, fifo_hashed, fifo)]
    help_texts = [{name: f.help_text for name, f in form.fields.items()} for form in forms]
    assert list(help_texts[0]) == ["body", "body_format", "group_id", "deduplication_id", "copies"]
    assert list(help_texts[1]) == ["body", "body_format", "delay_seconds", "group_id", "copies"]
    assert help_texts[0]["group_id"] == "Required for FIFO queues."
    assert "turns on fair queues" in help_texts[1]["group_id"]
    assert help_texts[0]["deduplication_id"].startswith("Required: content-based")
    assert help_texts[2]["deduplication_id"].startswith("Optional: content-based")
    assert help_texts[0]["copies"].endswith(
        "Each copy gets its own deduplication ID so SQS keeps them all."
    )
    assert help_texts[1]["copies"].endswith("with progress and a Stop button.")
    assert help_texts[3] == help_texts[0]
    assert ResendForm(queue=standard).fields["body_format"].required is False
    assert SendMessageForm(queue=standard).fields["body_format"].required is True
    assert ConsumeForm()["count"].initial == 1 and PollForm()["count"].initial == 10


@pytest.mark.parametrize("name", ["messages"])
def test_a_viewer_gets_a_403_naming_the_operator_role(client, viewer_user, profile, name):
    client.force_login(viewer_user)
    response = client.get(page_url(name, profile, "orders"))
    assert response.status_code == 403
    assert "<strong>Operator</strong> role" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    ["messages-send", "messages-poll", "messages-delete", "messages-consume", "messages-export"],
)
def test_viewers_cannot_send_receive_or_delete(client, viewer_user, profile, raw_sqs, name):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 1)
    client.force_login(viewer_user)
    response = client.post(page_url(name, profile, "orders"), {"body": "x", "count": 1})
    assert response.status_code == 403
    assert "Operator" in response.content.decode()
    assert visible(raw_sqs, url) == 1


def test_a_missing_queue_is_a_404_page_that_says_so(operator, profile):
    response = operator.get(page_url("messages", profile, "nope"))
    assert response.status_code == 404
    assert "does not exist" in response.content.decode()


def test_sending_shows_the_message_id_and_refreshes_the_counts(
    operator, profile, raw_sqs, standard_url
):
    response = send_from_page(operator, profile, "orders", "hello")
    html = response.content.decode()
    assert response["HX-Trigger"] == '{"countsChanged": {}}'
    counts = operator.get(page_url("messages-counts", profile, "orders"), headers=HTMX)
    assert "Messages available</dt><dd>1</dd>" in counts.content.decode()
    (message,) = raw_sqs.receive_message(QueueUrl=standard_url)["Messages"]
    assert f"Message ID <code data-message-id>{message['MessageId']}</code>" in html
    event = AuditEvent.objects.get(action="send_message")
    assert event.parameters["message_ids"] == [message["MessageId"]]
    assert "hello" not in json.dumps(event.parameters)


def test_a_send_the_form_has_nothing_to_say_about_answers_with_what_it_did_alone(
    operator, profile, raw_sqs, standard_url
):
    response = send_from_page(operator, profile, "orders", "hello")
    html = response.content.decode()
    # The form stays as the operator left it; only the outcome is swapped in.
    assert response["HX-Retarget"] == "#send-outcome" and response["HX-Reswap"] == "outerHTML"
    assert html.strip().startswith('<div id="send-outcome">') and "Message sent." in html
    assert "<form" not in html and "hello" not in html


def test_a_send_with_errors_redraws_the_form_and_so_does_the_send_that_corrects_them(
    operator, profile, raw_sqs, standard_url
):
    wrong = send_from_page(operator, profile, "orders", "", copies=0)
    html = wrong.content.decode()
    assert "HX-Retarget" not in wrong and '<section id="send-panel"' in html
    assert "Enter a message body; SQS does not send empty messages." in html
    assert list(form_errors(html)) == ["copies"]
    assert '<input type="hidden" name="redraw" value="1">' in html
    assert visible(raw_sqs, standard_url) == 0

    # The page shows those errors: the answer to the corrected send clears them.
    right = send_from_page(operator, profile, "orders", "hello", redraw="1")
    html = right.content.decode()
    assert "HX-Retarget" not in right and '<section id="send-panel"' in html
    assert "Message sent." in html and form_errors(html) == {}
    assert "Enter a message body" not in html
    assert 'name="redraw"' not in html
    assert right["HX-Trigger"] == '{"countsChanged": {}}'
    assert visible(raw_sqs, standard_url) == 1


def test_a_send_from_the_page_waits_on_sendmessage_alone(
    operator, profile, raw_sqs, standard_url, calls
):
    operator.get(page_url("messages", profile, "orders"))
    calls.clear()
    send_from_page(operator, profile, "orders", "one")
    send_from_page(operator, profile, "orders", "two")
    # The page's look at the queue is what the form checks against: no GetQueueAttributes first.
    assert calls == ["SendMessage", "SendMessage"]
    assert visible(raw_sqs, standard_url) == 2


def test_a_send_with_nothing_remembered_reads_the_queue_first(
    operator, profile, raw_sqs, standard_url, calls
):
    response = send_from_page(operator, profile, "orders", "cold")
    assert "Message sent." in response.content.decode()
    assert calls == ["GetQueueUrl", "GetQueueAttributes", "SendMessage"]


def test_a_limit_raised_since_the_page_loaded_does_not_refuse_the_send(
    operator, profile, raw_sqs, standard_url, calls
):
    raw_sqs.set_queue_attributes(QueueUrl=standard_url, Attributes={"MaximumMessageSize": "1024"})
    operator.get(page_url("messages", profile, "orders"))
    raw_sqs.set_queue_attributes(QueueUrl=standard_url, Attributes={"MaximumMessageSize": "4096"})
    calls.clear()
    html = send_from_page(operator, profile, "orders", "x" * 2000).content.decode()
    # Too big for the remembered limit: checked again against the queue as it is now, and sent.
    assert "Message sent." in html and form_errors(html) == {}
    assert calls == ["GetQueueAttributes", "SendMessage"]
    assert visible(raw_sqs, standard_url) == 1


def test_a_limit_lowered_since_the_page_loaded_is_sqss_refusal_then_the_forms(
    operator, profile, raw_sqs, standard_url
):
    operator.get(page_url("messages", profile, "orders"))
    raw_sqs.set_queue_attributes(QueueUrl=standard_url, Attributes={"MaximumMessageSize": "1024"})
    first = send_from_page(operator, profile, "orders", "x" * 2000).content.decode()
    # The form passed it (it knew the old limit); SQS refused it, and says so.
    assert 'class="error" role="alert"' in first and "Message sent." not in first
    assert AuditEvent.objects.get(action="send_message").outcome == AuditEvent.Outcome.FAILURE
    # The next try is checked against the queue as it is now, next to the field.
    second = send_from_page(operator, profile, "orders", "x" * 2000, redraw="1").content.decode()
    assert "maximum message size is 1,024 bytes" in second
    assert visible(raw_sqs, standard_url) == 0


def test_editing_the_queue_makes_the_next_send_check_it_afresh(
    operator, profile, raw_sqs, standard_url, calls
):
    from tests.console.test_queue_pages import FORM_DEFAULTS

    operator.get(page_url("messages", profile, "orders"))
    saved = operator.post(
        page_url("queue-edit", profile, "orders"),
        {**FORM_DEFAULTS, "maximum_message_size": "1024"},
    )
    assert saved.status_code == 302
    calls.clear()
    html = send_from_page(operator, profile, "orders", "x" * 2000).content.decode()
    assert "maximum message size is 1,024 bytes" in html
    assert calls == ["GetQueueAttributes"] and visible(raw_sqs, standard_url) == 0


def test_without_htmx_a_send_redraws_the_page_with_counts_after_it(
    operator, profile, raw_sqs, standard_url
):
    operator.get(page_url("messages", profile, "orders"))
    send(raw_sqs, standard_url, 2)
    response = operator.post(
        page_url("messages-send", profile, "orders"),
        {"body": "plain", "body_format": "text", "copies": 1},
    )
    html = response.content.decode()
    assert "Message sent." in html and "Poll for messages" in html
    assert "Messages available</dt><dd>3</dd>" in html


def test_a_standard_queue_takes_a_group_id_for_fair_queues(
    operator, profile, raw_sqs, standard_url
):
    send_from_page(operator, profile, "orders", "tenant work", group_id="tenant-7")
    (message,) = raw_sqs.receive_message(
        QueueUrl=standard_url, MessageSystemAttributeNames=["MessageGroupId"]
    )["Messages"]
    assert message["Attributes"]["MessageGroupId"] == "tenant-7"
    raw_sqs.change_message_visibility(
        QueueUrl=standard_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    html = operator.post(
        page_url("messages-poll", profile, "orders"), {"count": 1, "wait": 0}, headers=HTMX
    ).content.decode()
    assert "<th>Group</th>" in html and ">tenant-7</td>" in html


def test_a_fifo_send_shows_the_sequence_number(operator, profile, raw_sqs, fifo_url):
    html = send_from_page(
        operator, profile, "payments.fifo", "pay", group_id="c1", deduplication_id="pay-1"
    ).content.decode()
    assert "Sequence number <code>" in html
    (message,) = raw_sqs.receive_message(
        QueueUrl=fifo_url, MessageSystemAttributeNames=["MessageGroupId"]
    )["Messages"]
    assert message["Attributes"]["MessageGroupId"] == "c1"


def test_attributes_and_json_are_sent_as_typed(operator, profile, raw_sqs, standard_url):
    operator.post(
        page_url("messages-send", profile, "orders"),
        {
            "body": '{"order": 1}',
            "body_format": "json",
            "copies": 1,
            "attribute_name": ["amount", "raw", ""],
            "attribute_type": ["Number", "Binary", "String"],
            "attribute_custom": ["float", "", ""],
            "attribute_value": ["12.50", "aGk=", ""],
        },
    )
    (message,) = raw_sqs.receive_message(QueueUrl=standard_url, MessageAttributeNames=["All"])[
        "Messages"
    ]
    assert message["Body"] == '{"order": 1}'
    assert message["MessageAttributes"]["amount"] == {
        "DataType": "Number.float",
        "StringValue": "12.50",
    }
    assert message["MessageAttributes"]["raw"]["BinaryValue"] == b"hi"


def test_copies_are_sent_in_batches(operator, profile, raw_sqs, standard_url):
    html = send_from_page(operator, profile, "orders", "copy", copies=23).content.decode()
    assert "Sent 23 of 23 messages." in html
    assert visible(raw_sqs, standard_url) == 23


def test_fifo_copies_each_get_a_deduplication_id_so_all_arrive(
    operator, profile, raw_sqs, fifo_url
):
    send_from_page(operator, profile, "payments.fifo", "same", copies=5, group_id="g")
    assert visible(raw_sqs, fifo_url) == 5


def test_copies_too_big_for_one_batch_are_split_and_all_sent(
    operator, profile, raw_sqs, standard_url
):
    # A 700 KB message fits the queue, but two do not fit one 1 MiB batch.
    body = "x" * 700_000
    raw_sqs.set_queue_attributes(
        QueueUrl=standard_url, Attributes={"MaximumMessageSize": "1048576"}
    )
    html = send_from_page(operator, profile, "orders", body, copies=2).content.decode()
    assert "Sent 2 of 2 messages." in html


def test_copies_that_fail_are_listed_one_by_one(rf, operator_user, profile):
    # moto accepts whatever the form lets through, so render a partial failure directly.
    from django.template.loader import render_to_string

    from queues.console.forms.messages import SendMessageForm
    from queues.sqs import BatchEntryResult, BatchResult, Queue

    queue = Queue("orders", "http://sqs/orders", {})
    batch = BatchResult(
        (
            BatchEntryResult(0, "id-0"),
            BatchEntryResult(1, error="Throttled: slow down", code="Throttling"),
        )
    )
    request = rf.post("/")
    request.user = operator_user
    request.workspace = type("W", (), {"profile": profile, "region": REGION})()
    html = render_to_string(
        "console/messages.html#send-panel",
        {"queue": queue, "send_form": SendMessageForm(queue=queue), "batch": batch},
        request=request,
    )
    assert "Sent 1 of 2 messages." in html
    assert "1 failed and were not sent:" in html and "Copy 2: Throttled: slow down" in html


def test_fifo_copies_leave_room_for_their_deduplication_suffix(
    operator, profile, raw_sqs, fifo_url
):
    html = send_from_page(
        operator, profile, "payments.fifo", "b", copies=10, group_id="g", deduplication_id="d" * 126
    ).content.decode()
    assert "at most 125 characters when sending 10 copies" in html
    assert visible(raw_sqs, fifo_url) == 0
