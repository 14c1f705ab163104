"""Moving and copying selected messages between queues, over a real SQS server (moto or
LocalStack): what arrives, what is gone, and that nothing is deleted before its copy exists."""

from __future__ import annotations

import base64

import pytest

from queues.sqs import InvalidInput
from queues.sqs.browse import MessageSearch
from tests.helpers import receive_all, visible

ATTRIBUTES = {
    "event": {"DataType": "String", "StringValue": "order-created"},
    "amount": {"DataType": "Number", "StringValue": "12.5"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01binary"},
}


def test_move_keeps_body_and_attributes_and_removes_the_original(sqs, raw_sqs, standard_url):
    target_url = raw_sqs.create_queue(QueueName="orders-replay")["QueueUrl"]
    sent = raw_sqs.send_message(
        QueueUrl=standard_url, MessageBody='{"order": 7}', MessageAttributes=ATTRIBUTES
    )
    result = sqs.transfer_selected(
        standard_url, [sent["MessageId"]], sqs.get_queue("orders-replay"), move=True
    )
    assert [o.message_id for o in result.deleted] == [sent["MessageId"]]
    assert result.complete
    (arrived,) = receive_all(raw_sqs, target_url)
    assert arrived["Body"] == '{"order": 7}'
    assert arrived["MessageId"] == result.outcomes[0].new_message_id
    assert arrived["MessageAttributes"]["event"]["StringValue"] == "order-created"
    assert arrived["MessageAttributes"]["amount"] == {"DataType": "Number", "StringValue": "12.5"}
    assert arrived["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01binary"
    assert visible(raw_sqs, standard_url) == 0
    assert receive_all(raw_sqs, standard_url) == []


def test_copy_leaves_the_original_visible(sqs, raw_sqs, standard_url):
    raw_sqs.create_queue(QueueName="orders-copy")
    sent = raw_sqs.send_message(QueueUrl=standard_url, MessageBody="keep me")
    result = sqs.transfer_selected(
        standard_url, [sent["MessageId"]], sqs.get_queue("orders-copy"), move=False
    )
    assert len(result.sent) == 1 and result.deleted == ()
    assert visible(raw_sqs, standard_url) == 1  # released at once, not left under the lease
    assert [m["Body"] for m in receive_all(raw_sqs, sqs.get_queue_url("orders-copy"))] == [
        "keep me"
    ]


def test_a_fifo_target_refuses_a_message_without_a_group_and_the_original_stays(
    sqs, raw_sqs, standard_url, fifo_url
):
    sent = raw_sqs.send_message(QueueUrl=standard_url, MessageBody="no group")
    result = sqs.transfer_selected(
        standard_url, [sent["MessageId"]], sqs.get_queue("payments.fifo"), move=True
    )
    (outcome,) = result.outcomes
    assert not outcome.sent and "needs a message group ID" in outcome.send_error
    assert visible(raw_sqs, standard_url) == 1
    assert visible(raw_sqs, fifo_url) == 0


def test_into_fifo_the_group_is_kept_or_given(sqs, raw_sqs, standard_url):
    target_url = raw_sqs.create_queue(QueueName="strict.fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    source_url = raw_sqs.create_queue(QueueName="grouped.fifo", Attributes={"FifoQueue": "true"})[
        "QueueUrl"
    ]
    grouped = raw_sqs.send_message(
        QueueUrl=source_url, MessageBody="a", MessageGroupId="tenant-1", MessageDeduplicationId="d1"
    )
    plain = raw_sqs.send_message(QueueUrl=standard_url, MessageBody="b")
    target = sqs.get_queue("strict.fifo")
    moved = sqs.transfer_selected(source_url, [grouped["MessageId"]], target, move=True)
    given = sqs.transfer_selected(
        standard_url, [plain["MessageId"]], target, move=True, group_id="fallback"
    )
    assert moved.complete and given.complete
    groups = {
        m["Body"]: m["Attributes"]["MessageGroupId"] for m in receive_all(raw_sqs, target_url)
    }
    assert groups == {"a": "tenant-1", "b": "fallback"}


def test_a_deleted_target_sends_nothing_and_deletes_nothing(sqs, raw_sqs, standard_url):
    target_url = raw_sqs.create_queue(QueueName="gone-soon")["QueueUrl"]
    target = sqs.get_queue("gone-soon")
    raw_sqs.delete_queue(QueueUrl=target_url)
    sent = raw_sqs.send_message(QueueUrl=standard_url, MessageBody="precious")
    result = sqs.transfer_selected(standard_url, [sent["MessageId"]], target, move=True)
    (outcome,) = result.outcomes
    assert not outcome.sent and not outcome.deleted
    assert "does not exist" in outcome.send_error
    assert visible(raw_sqs, standard_url) == 1


def test_moving_to_the_same_queue_is_refused(sqs, raw_sqs, standard_url):
    sent = raw_sqs.send_message(QueueUrl=standard_url, MessageBody="x")
    with pytest.raises(InvalidInput, match="Choose another queue"):
        sqs.transfer_selected(standard_url, [sent["MessageId"]], sqs.get_queue("orders"), move=True)
    assert visible(raw_sqs, standard_url) == 1


def test_only_the_selected_of_many_move(sqs, raw_sqs, standard_url):
    raw_sqs.create_queue(QueueName="picked")
    ids = [
        raw_sqs.send_message(QueueUrl=standard_url, MessageBody=f"m{i}")["MessageId"]
        for i in range(15)
    ]
    result = sqs.transfer_selected(standard_url, ids[3:6], sqs.get_queue("picked"), move=True)
    assert sorted(o.message_id for o in result.deleted) == sorted(ids[3:6])
    assert visible(raw_sqs, standard_url) == 12
    bodies = sorted(m["Body"] for m in receive_all(raw_sqs, sqs.get_queue_url("picked")))
    assert bodies == ["m3", "m4", "m5"]


def test_binary_attributes_round_trip_through_the_resend_rows(raw_sqs, standard_url, sqs):
    """Edit and resend shows a Binary attribute as base64; sending it decodes the same bytes."""
    from queues.console.forms.workbench import ResendForm

    sent = raw_sqs.send_message(
        QueueUrl=standard_url, MessageBody="x", MessageAttributes=ATTRIBUTES
    )
    message = sqs.find_message(standard_url, sent["MessageId"])
    rows = {row.name: row for row in ResendForm.rows_for(message)}
    assert rows["blob"].type == "Binary"
    assert base64.b64decode(rows["blob"].value) == b"\x00\x01binary"
    assert rows["blob"].check() == {"DataType": "Binary", "BinaryValue": b"\x00\x01binary"}
    assert visible(raw_sqs, standard_url) == 1


def test_a_browse_that_holds_its_matches_moves_them_with_no_second_receive(
    sqs, raw_sqs, standard_url
):
    target_url = raw_sqs.create_queue(QueueName="orders-replay")["QueueUrl"]
    for i in range(30):
        raw_sqs.send_message(
            QueueUrl=standard_url,
            MessageBody=f"{'failed' if i % 3 == 0 else 'fine'} order {i}",
            MessageAttributes=ATTRIBUTES,
        )
    walk = sqs.browse(standard_url, 30, MessageSearch.parse("failed"), hold=True)
    for _ in walk:
        pass
    assert len(walk.held) == 10
    # The 20 that did not match are visible again; the 10 held are not.
    assert visible(raw_sqs, standard_url) == 20
    receives = walk.receives
    result = sqs.transfer_held(standard_url, walk.held, sqs.get_queue("orders-replay"), move=True)
    assert result.complete and len(result.deleted) == 10
    assert sorted(m["Body"] for m in receive_all(raw_sqs, target_url)) == sorted(
        f"failed order {i}" for i in range(0, 30, 3)
    )
    assert all(
        m["MessageAttributes"]["event"]["StringValue"] == "order-created"
        for m in receive_all(raw_sqs, target_url)
    )
    assert walk.receives == receives
    # Only the 20 that did not match are left, each received once (by the browse).
    left = receive_all(raw_sqs, standard_url)
    assert len(left) == 20 and all(m["Body"].startswith("fine") for m in left)


def test_a_held_copy_releases_the_originals_and_a_stopped_browse_holds_nothing(
    sqs, raw_sqs, standard_url
):
    raw_sqs.create_queue(QueueName="orders-copy")
    for i in range(20):
        raw_sqs.send_message(QueueUrl=standard_url, MessageBody=f"order {i}")
    walk = sqs.browse(standard_url, 20, MessageSearch(), hold=True)
    for _ in walk:
        pass
    result = sqs.transfer_held(standard_url, walk.held, sqs.get_queue("orders-copy"), move=False)
    assert len(result.sent) == 20 and result.deleted == ()
    assert visible(raw_sqs, standard_url) == 20  # released at once

    stopped = sqs.browse(standard_url, 20, MessageSearch(), hold=True, should_stop=lambda: True)
    for _ in stopped:
        pass
    assert stopped.held == [] and visible(raw_sqs, standard_url) == 20
