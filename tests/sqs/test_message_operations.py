"""The message half of SqsService against moto over HTTP, for standard and FIFO queues."""

from __future__ import annotations

import threading
import time

import pytest

from queues.sqs import InvalidInput, OutgoingMessage, QueueNotFound
from tests import sqs_lanes
from tests.helpers import send, visible

QUEUES = ["standard_url", "fifo_url"]


@pytest.fixture(params=QUEUES)
def url(request) -> str:
    return request.getfixturevalue(request.param)


def outgoing(url: str, body: str, **extra) -> OutgoingMessage:
    if url.endswith(".fifo"):
        extra.setdefault("group_id", "g")
    return OutgoingMessage(body, **extra)


def test_send_message_returns_the_id_and_for_fifo_the_sequence_number(sqs, raw_sqs, url):
    # moto numbers FIFO messages only when given an explicit deduplication ID.
    group = {"group_id": "g", "deduplication_id": "d1"} if url.endswith(".fifo") else {}
    result = sqs.send_message(url, OutgoingMessage("hello", **group))
    assert len(result.message_id) == 36
    assert bool(result.sequence_number) == url.endswith(".fifo")
    assert visible(raw_sqs, url) == 1


def test_send_batch_sends_every_message_in_calls_of_ten(sqs, raw_sqs, url):
    result = sqs.send_batch(url, [outgoing(url, f"copy {i}") for i in range(25)])
    assert [e.index for e in result.entries] == list(range(25))
    assert len(result.succeeded) == 25 and not result.failed
    assert len({e.message_id for e in result.entries}) == 25
    assert visible(raw_sqs, url) == 25


@sqs_lanes.delay_over_900
def test_send_batch_reports_each_failed_entry(sqs, raw_sqs, standard_url):
    messages = [OutgoingMessage(f"m{i}") for i in range(12)]
    messages[3] = OutgoingMessage("too late", delay_seconds=1000)
    result = sqs.send_batch(standard_url, messages)
    assert [e.index for e in result.failed] == [3]
    assert "DelaySeconds" in result.failed[0].error
    assert visible(raw_sqs, standard_url) == 11


def test_send_batch_to_a_missing_queue_raises(sqs, standard_url):
    with pytest.raises(QueueNotFound):
        sqs.send_batch(standard_url + "-gone", [OutgoingMessage("x")] * 12)


def test_a_peek_leaves_the_visible_count_unchanged(sqs, raw_sqs, url):
    send(raw_sqs, url, 25)
    result = sqs.peek(url, 25)
    assert len({m.message_id for m in result.messages}) == 25
    assert result.unreleased == 0
    assert visible(raw_sqs, url) == 25


def test_peeking_hands_over_the_messages_and_leaves_them_visible_when_the_block_ends(
    sqs, raw_sqs, url
):
    send(raw_sqs, url, 12)
    with sqs.peeking(url, 12) as peeked:
        seen = sorted(m.body for m in peeked.messages)
    assert seen == sorted(f"message {i}" for i in range(12))
    assert peeked.unreleased == 0
    assert visible(raw_sqs, url) == 12


def test_peeking_releases_the_messages_when_the_block_fails(sqs, raw_sqs, standard_url):
    send(raw_sqs, standard_url, 3)
    with pytest.raises(RuntimeError, match="rendering failed"), sqs.peeking(standard_url, 3):
        raise RuntimeError("rendering failed")
    assert visible(raw_sqs, standard_url) == 3


def test_peeking_a_missing_queue_raises_before_the_block_runs(sqs, standard_url):
    ran = []
    with pytest.raises(QueueNotFound), sqs.peeking(standard_url + "-gone", 5):
        ran.append(True)
    assert ran == []


def test_a_peek_reaches_past_the_first_ten_without_repeats(sqs, raw_sqs, url):
    send(raw_sqs, url, 30)
    result = sqs.peek(url, 100)
    assert sorted(m.body for m in result.messages) == sorted(f"message {i}" for i in range(30))


def test_a_fifo_peek_sees_only_the_head_of_a_message_group(sqs, raw_sqs, fifo_url):
    # SQS hands out a group's later messages only once its earlier ones are gone.
    send(raw_sqs, fifo_url, 15, groups=1)
    result = sqs.peek(fifo_url, 15)
    assert [m.body for m in result.messages] == [f"message {i}" for i in range(10)]
    assert visible(raw_sqs, fifo_url) == 15


def test_a_peek_stops_at_the_count_asked(sqs, raw_sqs, standard_url):
    send(raw_sqs, standard_url, 15)
    assert len(sqs.peek(standard_url, 5).messages) == 5


def test_each_peek_adds_one_to_the_receive_count(sqs, raw_sqs, standard_url):
    send(raw_sqs, standard_url, 1)
    sqs.peek(standard_url, 1)
    (message,) = sqs.peek(standard_url, 1).messages
    assert message.receive_count == 2
    assert message.first_received_at is not None and message.first_received_at > 1e9


def test_a_peeked_message_carries_its_attributes_and_system_attributes(sqs, fifo_url):
    sqs.send_message(
        fifo_url,
        OutgoingMessage(
            '{"order": 7}',
            group_id="customer-1",
            deduplication_id="order-7",
            attributes={
                "amount": {"DataType": "Number.float", "StringValue": "12.5"},
                "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
            },
        ),
    )
    (message,) = sqs.peek(fifo_url, 10).messages
    assert message.group_id == "customer-1" and message.sequence_number
    assert isinstance(message.sent_at, float) and message.sent is not None
    assert {a.name: a.display_value for a in message.attributes} == {
        "amount": "12.5",
        "blob": "AAE=",
    }
    assert message.pretty_body == '{\n  "order": 7\n}'
    assert message.size == len('{"order": 7}') + len("amount") + len("Number.float") + 4 + 4 + 6 + 2
    assert message.system_attributes["MessageGroupId"] == "customer-1"


def test_deleting_by_the_handles_of_a_peek_works_on_a_standard_queue(sqs, raw_sqs, standard_url):
    # On FIFO queues a peek's released handles have expired: delete_selected (below) is the
    # way there, and the dashboard uses it for both types.
    url = standard_url
    send(raw_sqs, url, 6)
    messages = sqs.peek(url, 6).messages
    chosen = messages[1], messages[4]
    results = sqs.delete_messages(url, [m.receipt_handle for m in chosen])
    assert all(r.ok for r in results)
    remaining = sqs.peek(url, 10).messages
    assert {m.message_id for m in remaining} == {m.message_id for m in messages} - {
        m.message_id for m in chosen
    }
    assert visible(raw_sqs, url) == 4


@sqs_lanes.purged_receipt_handle
def test_a_stale_receipt_handle_is_reported_as_stale(sqs, raw_sqs, standard_url):
    send(raw_sqs, standard_url, 2)
    messages = sqs.peek(standard_url, 2).messages
    raw_sqs.purge_queue(QueueUrl=standard_url)
    results = sqs.delete_messages(standard_url, [m.receipt_handle for m in messages])
    assert all(r.stale for r in results)
    assert "Poll again" in results[0].error


def test_a_leased_receive_deletes_nothing_until_asked(sqs, raw_sqs, url):
    send(raw_sqs, url, 12)
    received = sqs.receive_leased(url, 5, lease=60)
    assert len(received) == 5 and visible(raw_sqs, url) == 7
    results = sqs.delete_messages(url, [m.receipt_handle for m in received[:3]])
    assert all(r.ok for r in results)
    assert sqs.release(url, [m.receipt_handle for m in received[3:]]) == 0
    assert visible(raw_sqs, url) == 9


def test_a_long_poll_on_an_empty_queue_waits_and_returns_nothing(sqs, standard_url):
    started = time.monotonic()
    assert sqs.peek(standard_url, 5, wait=1).messages == ()
    assert time.monotonic() - started >= 0.9


def test_a_long_poll_returns_a_message_sent_while_it_waits(sqs, raw_sqs, standard_url):
    timer = threading.Timer(0.5, lambda: send(raw_sqs, standard_url, 1))
    timer.start()
    result = sqs.peek(standard_url, 1, wait=5)
    timer.join()
    assert [m.body for m in result.messages] == ["message 0"]


@pytest.mark.parametrize(("count", "wait"), [(0, 0), (101, 0), (1, 21), (1, -1)])
def test_receives_outside_sqs_limits_are_refused_before_any_call(sqs, standard_url, count, wait):
    with pytest.raises(InvalidInput):
        sqs.peek(standard_url, count, wait=wait)


@pytest.mark.parametrize("fixture", ["standard_url", "fifo_url"])
def test_selected_messages_are_deleted_after_a_peek_on_both_queue_types(
    sqs, raw_sqs, request, fixture
):
    # A peek releases its messages; on FIFO queues that expires their receipt handles, so
    # deleting needs the messages handed out again (AWS: DeleteMessage on an expired FIFO
    # handle fails with InvalidParameterValue).
    url = request.getfixturevalue(fixture)
    send(raw_sqs, url, 4, groups=2)
    peeked = [m.message_id for m in sqs.peek(url, 10).messages]
    assert len(peeked) == 4
    chosen = [peeked[0], peeked[3]]
    result = sqs.delete_selected(url, [*chosen, "not-a-message-id"])
    assert sorted(result.deleted) == sorted(chosen)
    assert result.missing == ("not-a-message-id",) and not result.failed
    left = {m.message_id for m in sqs.peek(url, 10).messages}
    assert left == set(peeked) - set(chosen)
