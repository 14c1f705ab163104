"""The dead-letter workbench through its views, over a real SQS server: DLQ redrive (SQS's
message move tasks, which only LocalStack has), move, copy, edit and resend."""

from __future__ import annotations

import time
from html import unescape

import pytest

from queues.models import AuditEvent
from tests.helpers import HTMX, page_url, redrive, visible

THREE_ATTRIBUTES = {
    "event": {"DataType": "String", "StringValue": "order-created"},
    "amount": {"DataType": "Number", "StringValue": "12.5"},
    "tenant": {"DataType": "String.id", "StringValue": "acme"},
}


@pytest.fixture
def operator(client, operator_user):
    client.force_login(operator_user)
    return client


def dead_lettered(
    raw_sqs, count: int, *, name: str = "work", fifo: bool = False, groups: int = 0
) -> tuple[str, str]:
    """A source queue `name` whose `count` messages went genuinely to its DLQ `name`-dlq:
    received past maxReceiveCount (1) under a visibility timeout of 1 s. Returns (source URL,
    DLQ URL). LocalStack keeps a queue ARN's move tasks after the queue is deleted: a test that
    reads the task history uses a name of its own. FIFO messages each have a group of their own,
    or with `groups`, message i is in group g{i % groups}."""
    suffix = ".fifo" if fifo else ""
    extra = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    dlq = f"{name}-dlq{suffix}"
    dlq_url = raw_sqs.create_queue(QueueName=dlq, Attributes=extra)["QueueUrl"]
    source_url = raw_sqs.create_queue(
        QueueName=f"{name}{suffix}",
        Attributes={**extra, "RedrivePolicy": redrive(raw_sqs, dlq, 1)},
    )["QueueUrl"]
    for start in range(0, count, 10):
        raw_sqs.send_message_batch(
            QueueUrl=source_url,
            Entries=[
                {
                    "Id": str(i),
                    "MessageBody": f"failed {i}",
                    **({"MessageGroupId": f"g{i % groups if groups else i}"} if fifo else {}),
                }
                for i in range(start, min(start + 10, count))
            ],
        )
    # First receive: count 1 of 1. The receives after the 1 s lease move them to the DLQ.
    deadline = time.monotonic() + 60
    while visible(raw_sqs, dlq_url) < count:
        assert time.monotonic() < deadline, "the messages did not reach the dead-letter queue"
        raw_sqs.receive_message(QueueUrl=source_url, MaxNumberOfMessages=10, VisibilityTimeout=1)
        time.sleep(0.3)
    return source_url, dlq_url


def wait_for(check, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.5)
    return result


# DLQ redrive.

LOCALSTACK_MOVE_TASKS = pytest.mark.localstack_only(
    reason="AWS and LocalStack run message move tasks (StartMessageMoveTask); moto does not "
    "implement them and answers HTTP 500"
)


@pytest.mark.moto_only(
    reason="moto answers message move task calls with a bare HTTP 500; AWS and LocalStack run them"
)
def test_without_move_tasks_the_panel_and_start_say_the_endpoint_does_not_support_them(
    operator, profile, raw_sqs, redrive_url
):
    panel = operator.get(page_url("redrive", profile, "orders-dlq"), headers=HTMX)
    assert panel.status_code == 286
    assert "does not support message move tasks" in panel.content.decode()
    start = operator.post(
        page_url("redrive-start", profile, "orders-dlq"),
        {"destination": "source", "velocity": "system"},
        headers=HTMX,
    )
    assert start.status_code == 400
    html = start.content.decode()
    assert "This endpoint does not support message move tasks" in html
    assert "Move selected" in html  # what to do instead
    event = AuditEvent.objects.get(action="start_redrive")
    assert event.outcome == AuditEvent.Outcome.FAILURE
    assert "does not support message move tasks" in event.error


def test_the_dlq_page_offers_the_redrive_panel_and_other_queues_do_not(
    operator, profile, raw_sqs, redrive_url
):
    dlq = operator.get(page_url("queue-detail", profile, "orders-dlq")).content.decode()
    source = operator.get(page_url("queue-detail", profile, "retried")).content.decode()
    assert 'id="redrive"' in dlq and page_url("redrive", profile, "orders-dlq") in dlq
    assert 'id="redrive"' not in source


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        pytest.param(
            {"destination": "custom", "destination_queue": "payments.fifo", "velocity": "system"},
            "redrives it only to Standard queues",
            id="custom-destination-of-the-other-type",
        ),
        pytest.param(
            {"destination": "source", "velocity": "custom", "max_per_second": "501"},
            "less than or equal to 500",
            id="custom-velocity-over-500",
        ),
    ],
)
def test_a_redrive_form_mistake_is_refused_before_any_call(
    operator, profile, redrive_url, fifo_url, data, refusal
):
    response = operator.post(page_url("redrive-start", profile, "orders-dlq"), data, headers=HTMX)
    assert response.status_code == 400
    assert refusal in response.content.decode()
    assert not AuditEvent.objects.filter(action="start_redrive").exists()


def _redrive_to_the_source(operator, profile, dlq: str) -> None:
    response = operator.post(
        page_url("redrive-start", profile, dlq),
        {"destination": "source", "velocity": "system"},
        headers=HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    assert "Redrive started" in response.content.decode()


@LOCALSTACK_MOVE_TASKS
def test_redrive_to_the_source_moves_every_dead_lettered_message_back(operator, profile, raw_sqs):
    source_url, dlq_url = dead_lettered(raw_sqs, 20, name="back")
    _redrive_to_the_source(operator, profile, "back-dlq")

    def finished():
        panel = operator.get(page_url("redrive", profile, "back-dlq"), headers=HTMX)
        return panel if panel.status_code == 286 else None

    panel = wait_for(finished, "the redrive to finish").content.decode()
    assert "COMPLETED" in panel
    assert 'hx-trigger="every 2s"' not in panel
    wait_for(lambda: visible(raw_sqs, source_url) == 20, "20 messages back in the source")
    assert visible(raw_sqs, dlq_url) == 0
    event = AuditEvent.objects.get(action="start_redrive")
    assert event.outcome == AuditEvent.Outcome.SUCCESS and event.parameters["task_handle"]


@LOCALSTACK_MOVE_TASKS
def test_a_slow_redrive_cancelled_keeps_every_message(operator, profile, raw_sqs):
    source_url, dlq_url = dead_lettered(raw_sqs, 20, name="slow")
    started = operator.post(
        page_url("redrive-start", profile, "slow-dlq"),
        {"destination": "source", "velocity": "custom", "max_per_second": "1"},
        headers=HTMX,
    )
    html = started.content.decode()
    assert started.status_code == 200, html
    assert 'hx-trigger="every 2s"' in html and "RUNNING" in html
    assert "Cancel" in html
    running = operator.get(page_url("redrive", profile, "slow-dlq"), headers=HTMX)
    assert running.status_code == 200  # still polling
    handle = raw_sqs.list_message_move_tasks(SourceArn=_arn(raw_sqs, dlq_url))["Results"][0][
        "TaskHandle"
    ]
    cancelled = operator.post(
        page_url("redrive-cancel", profile, "slow-dlq"), {"task_handle": handle}, headers=HTMX
    )
    text = cancelled.content.decode()
    assert cancelled.status_code == 200, text
    assert "Redrive cancelled" in text and ("CANCELLED" in text or "CANCELLING" in text)
    event = AuditEvent.objects.get(action="cancel_redrive")
    moved = event.parameters["moved"]
    assert f"{moved} message" in text
    assert moved < 20
    wait_for(
        lambda: visible(raw_sqs, source_url) + visible(raw_sqs, dlq_url) == 20,
        "every message in the source or the DLQ",
    )
    assert visible(raw_sqs, dlq_url) > 0


@LOCALSTACK_MOVE_TASKS
def test_a_second_start_while_one_runs_is_explained(operator, profile, raw_sqs):
    _, dlq_url = dead_lettered(raw_sqs, 5, name="twice")
    arn = _arn(raw_sqs, dlq_url)
    raw_sqs.start_message_move_task(SourceArn=arn, MaxNumberOfMessagesPerSecond=1)
    response = operator.post(
        page_url("redrive-start", profile, "twice-dlq"),
        {"destination": "source", "velocity": "system"},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "SQS rejected the request" in response.content.decode()
    (task,) = [
        t
        for t in raw_sqs.list_message_move_tasks(SourceArn=arn)["Results"]
        if t["Status"] == "RUNNING"
    ]
    raw_sqs.cancel_message_move_task(TaskHandle=task["TaskHandle"])


@LOCALSTACK_MOVE_TASKS
def test_a_fifo_dlq_redrives_back_to_its_fifo_source_in_group_order(operator, profile, raw_sqs):
    """A redrive keeps each message's deduplication ID, and a FIFO queue drops a message whose
    ID it saw in the last 5 minutes: redriven back at once, these would be dropped (LocalStack
    then reports the task COMPLETED with nothing arrived). The source is made again, as one
    whose messages were sent more than 5 minutes ago (LocalStack allows it at once)."""
    source_url, dlq_url = dead_lettered(raw_sqs, 12, name="ledger", fifo=True, groups=3)
    raw_sqs.delete_queue(QueueUrl=source_url)
    source_url = raw_sqs.create_queue(
        QueueName="ledger.fifo",
        Attributes={
            "FifoQueue": "true",
            "ContentBasedDeduplication": "true",
            "RedrivePolicy": redrive(raw_sqs, "ledger-dlq.fifo", 1),
        },
    )["QueueUrl"]
    _redrive_to_the_source(operator, profile, "ledger-dlq.fifo")
    wait_for(lambda: visible(raw_sqs, source_url) == 12, "12 messages back in ledger.fifo")
    assert visible(raw_sqs, dlq_url) == 0
    # A consumer of the source gets each group's messages in the order they were first sent.
    order: dict[str, list[int]] = {}
    deadline = time.monotonic() + 30
    while sum(len(v) for v in order.values()) < 12:
        assert time.monotonic() < deadline, f"only {order} came back"
        got = raw_sqs.receive_message(
            QueueUrl=source_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=30,
            MessageSystemAttributeNames=["MessageGroupId"],
        ).get("Messages", [])
        for m in got:
            order.setdefault(m["Attributes"]["MessageGroupId"], []).append(
                int(m["Body"].removeprefix("failed "))
            )
            raw_sqs.delete_message(QueueUrl=source_url, ReceiptHandle=m["ReceiptHandle"])
    assert order == {f"g{g}": list(range(g, 12, 3)) for g in range(3)}


def test_a_fifo_dlq_redrive_to_a_standard_queue_is_refused_before_any_call(
    operator, profile, raw_sqs, standard_url
):
    """AWS refuses to move a FIFO DLQ's messages into a standard queue; LocalStack starts the
    task. The dashboard refuses it itself, with the reason, and calls nothing."""
    dead_lettered(raw_sqs, 0, name="ledger", fifo=True)
    response = operator.post(
        page_url("redrive-start", profile, "ledger-dlq.fifo"),
        {"destination": "custom", "destination_queue": "orders", "velocity": "system"},
        headers=HTMX,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "ledger-dlq.fifo is a FIFO queue: SQS redrives it only to FIFO queues, and orders is "
        "Standard." in html
    )
    assert "sent to their queue less than 5 minutes ago can be dropped" in html
    assert not AuditEvent.objects.filter(action="start_redrive").exists()


def _arn(raw_sqs, url: str) -> str:
    return raw_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]


# Move, copy, edit and resend.


def _poll_ids(raw_sqs, url: str) -> list[str]:
    return [
        m["MessageId"]
        for m in raw_sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0
        ).get("Messages", [])
    ]


def _transfer(operator, profile, sent: dict, transfer: str, target: str):
    """The workbench's Move or Copy of one selected message of "orders" to `target`."""
    return operator.post(
        page_url("messages-transfer", profile, "orders"),
        {"selected": [sent["MessageId"]], "transfer": transfer, "target": target},
        headers=HTMX,
    )


def test_move_selected_sends_with_attributes_then_deletes_and_audits_the_new_ids(
    operator, profile, raw_sqs, standard_url
):
    target_url = raw_sqs.create_queue(QueueName="replay")["QueueUrl"]
    sent = raw_sqs.send_message(
        QueueUrl=standard_url, MessageBody="payload", MessageAttributes=THREE_ATTRIBUTES
    )
    response = _transfer(operator, profile, sent, "move", "replay")
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "Moved 1 of 1 message to" in html
    assert f'hx-swap-oob="delete:#message-{sent["MessageId"]}"' in html
    (arrived,) = raw_sqs.receive_message(
        QueueUrl=target_url, MessageAttributeNames=["All"], WaitTimeSeconds=1
    )["Messages"]
    assert arrived["Body"] == "payload"
    assert arrived["MessageAttributes"] == THREE_ATTRIBUTES
    assert visible(raw_sqs, standard_url) == 0
    event = AuditEvent.objects.get(action="move_messages")
    assert event.parameters["message_ids"] == [sent["MessageId"]]
    assert event.parameters["new_message_ids"] == [arrived["MessageId"]]
    assert event.parameters["target"] == "replay"


def test_move_to_a_fifo_queue_without_a_group_is_refused_and_the_message_stays(
    operator, profile, raw_sqs, standard_url, fifo_url
):
    sent = raw_sqs.send_message(
        QueueUrl=standard_url, MessageBody="payload", MessageAttributes=THREE_ATTRIBUTES
    )
    response = _transfer(operator, profile, sent, "move", "payments.fifo")
    html = response.content.decode()
    assert "Moved 0 of 1 message" in html
    assert "needs a message group ID" in html and "It is still in orders" in html
    assert "hx-swap-oob" not in html
    assert visible(raw_sqs, standard_url) == 1 and visible(raw_sqs, fifo_url) == 0
    event = AuditEvent.objects.get(action="move_messages")
    assert event.outcome == AuditEvent.Outcome.FAILURE and "group" in event.error


def test_move_to_a_queue_that_does_not_exist_changes_nothing(
    operator, profile, raw_sqs, standard_url
):
    sent = raw_sqs.send_message(QueueUrl=standard_url, MessageBody="payload")
    response = _transfer(operator, profile, sent, "move", "no-such-queue")
    assert response.status_code == 400
    assert "There is no queue 'no-such-queue'" in unescape(response.content.decode())
    assert visible(raw_sqs, standard_url) == 1


def test_copy_selected_keeps_the_original(operator, profile, raw_sqs, standard_url):
    target_url = raw_sqs.create_queue(QueueName="replay")["QueueUrl"]
    sent = raw_sqs.send_message(QueueUrl=standard_url, MessageBody="payload")
    response = _transfer(operator, profile, sent, "copy", "replay")
    assert "Copied 1 of 1 message" in response.content.decode()
    assert visible(raw_sqs, standard_url) == 1 and visible(raw_sqs, target_url) == 1
    assert AuditEvent.objects.get(action="copy_messages").parameters["message_ids"] == [
        sent["MessageId"]
    ]


def _resend_and_delete(operator, profile, sent: dict, target: str, body: str, **fields):
    """Edit and resend's Send of `sent` (a message of "orders") to `target`, deleting the
    original."""
    return operator.post(
        page_url("messages-resend", profile, "orders"),
        {
            "original_id": sent["MessageId"],
            "target": target,
            "body": body,
            "delete_original": "on",
            **fields,
        },
        headers=HTMX,
    )


def test_edit_and_resend_opens_the_message_then_sends_the_edit_and_deletes_the_original(
    operator, profile, raw_sqs, standard_url
):
    target_url = raw_sqs.create_queue(QueueName="replay")["QueueUrl"]
    sent = raw_sqs.send_message(
        QueueUrl=standard_url, MessageBody='{"fixed": false}', MessageAttributes=THREE_ATTRIBUTES
    )
    opened = operator.post(
        page_url("messages-resend", profile, "orders"),
        {"selected": [sent["MessageId"]]},
        headers=HTMX,
    ).content.decode()
    # The body, as the edit box shows it (however the HTML escapes its quotes).
    assert '{"fixed": false}' in unescape(opened) and 'value="order-created"' in opened
    assert visible(raw_sqs, standard_url) == 1  # opening released it
    response = _resend_and_delete(
        operator,
        profile,
        sent,
        "replay",
        '{"fixed": true}',
        body_format="json",
        attribute_name=["event", "tenant"],
        attribute_type=["String", "String"],
        attribute_custom=["", "id"],
        attribute_value=["order-fixed", "acme"],
    )
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "Message sent to <strong>replay</strong>" in html
    assert "The original was deleted" in html
    (arrived,) = raw_sqs.receive_message(
        QueueUrl=target_url, MessageAttributeNames=["All"], WaitTimeSeconds=1
    )["Messages"]
    assert arrived["Body"] == '{"fixed": true}'
    assert arrived["MessageAttributes"] == {
        "event": {"DataType": "String", "StringValue": "order-fixed"},
        "tenant": {"DataType": "String.id", "StringValue": "acme"},
    }
    assert visible(raw_sqs, standard_url) == 0
    event = AuditEvent.objects.get(action="resend_message")
    assert event.parameters["message_id"] == arrived["MessageId"]
    assert event.parameters["deleted"] is True


def test_edit_and_resend_checks_the_target_queues_rules_and_sends_nothing(
    operator, profile, raw_sqs, standard_url, fifo_url
):
    sent = raw_sqs.send_message(QueueUrl=standard_url, MessageBody="x")
    response = _resend_and_delete(operator, profile, sent, "payments.fifo", "edited")
    assert response.status_code == 400
    assert "FIFO queues need a message group ID." in response.content.decode()
    assert visible(raw_sqs, standard_url) == 1 and visible(raw_sqs, fifo_url) == 0


def test_destination_suggestions_are_queues_starting_with_what_is_typed_of_the_type_asked(
    operator, profile, raw_sqs
):
    for name in ("pay-a", "pay-b", "pay-c.fifo", "other"):
        extra = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
        raw_sqs.create_queue(QueueName=name, Attributes=extra)
    answer = operator.get(
        page_url("queue-options", profile),
        {"target": "pay", "type": "standard", "own": "pay-a"},
        headers=HTMX,
    ).content.decode()
    assert answer.strip() == '<option value="pay-b">'
