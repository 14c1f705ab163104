"""Browsing beyond one poll (queues/sqs/browse.py) against a real SQS server: the walk leases,
searches and releases; on LocalStack it reads without receiving."""

from __future__ import annotations

import json

import pytest

from queues.sqs.browse import MessageSearch, is_localstack
from tests.helpers import redrive, send, visible


def _receive_counts(raw_sqs, url: str, count: int) -> list[int]:
    """Receive counts as the next consumer sees them (this receive adds one to each)."""
    seen: dict[str, int] = {}
    while len(seen) < count:
        got = raw_sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=60,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        if not got:
            break
        for m in got:
            seen[m["MessageId"]] = int(m["Attributes"]["ApproximateReceiveCount"])
    return list(seen.values())


@pytest.mark.moto_only(
    reason="moto's receive is O(queue depth), so the walk is kept to 200 here; LocalStack's "
    "lane browses 1,000 through its message view"
)
def test_a_walk_of_200_leaves_every_message_visible_and_says_what_it_cost(sqs, raw_sqs):
    url = raw_sqs.create_queue(QueueName="deep")["QueueUrl"]
    send(raw_sqs, url, 200)
    walk = sqs.browse(url, 200, MessageSearch.parse("message 137"))
    for _ in walk:
        pass
    assert walk.walked == 200 and walk.ended == "done"
    assert [m.body for m in walk.matches] == ["message 137"]
    assert walk.receives >= 20  # 10 messages a receive at most
    assert walk.unreleased == 0
    assert visible(raw_sqs, url) == 200
    # Each browsed message was received once by the walk: the next receive is its second.
    assert sorted(set(_receive_counts(raw_sqs, url, 200))) == [2]


def test_stop_ends_a_walk_early_and_releases_what_it_leased(sqs, raw_sqs):
    url = raw_sqs.create_queue(QueueName="deep")["QueueUrl"]
    send(raw_sqs, url, 60)
    steps = 0

    def after_three_steps() -> bool:
        return steps >= 3

    walk = sqs.browse(url, 60, MessageSearch(), should_stop=after_three_steps)
    for _ in walk:
        steps += 1
    assert walk.ended == "stopped"
    assert 0 < walk.walked < 60
    assert visible(raw_sqs, url) == 60


def test_a_walk_closed_half_way_releases_what_it_leased(sqs, raw_sqs):
    """What happens when the browser goes away: the stream closes the walk."""
    url = raw_sqs.create_queue(QueueName="deep")["QueueUrl"]
    send(raw_sqs, url, 60)
    walk = sqs.browse(url, 60, MessageSearch())
    steps = iter(walk)
    next(steps)
    next(steps)
    steps.close()
    assert walk.ended == "stopped" and 0 < walk.walked < 60
    assert visible(raw_sqs, url) == 60


def test_a_walk_stops_before_pushing_messages_into_the_dead_letter_queue(sqs, raw_sqs):
    raw_sqs.create_queue(QueueName="orders-dlq")
    policy = redrive(raw_sqs, "orders-dlq", 3)
    url = raw_sqs.create_queue(QueueName="retried", Attributes={"RedrivePolicy": policy})[
        "QueueUrl"
    ]
    send(raw_sqs, url, 30)
    first = sqs.browse(url, 30, MessageSearch(), redrive_limit=3)
    for _ in first:
        pass
    assert first.ended == "done"  # one receive each: 1 of 3
    second = sqs.browse(url, 30, MessageSearch(), redrive_limit=3)
    for _ in second:
        pass
    # Now they are at 2 of 3: one more receive and the next consumer's moves them.
    assert second.ended == "receive-limit" and second.walked < 30 and second.near_limit > 0
    assert visible(raw_sqs, url) == 30
    confirmed = sqs.browse(url, 30, MessageSearch(), redrive_limit=3, risk_ok=True)
    for _ in confirmed:
        pass
    assert confirmed.walked == 30


def test_the_search_matches_text_in_attributes_and_json_fields(sqs, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    for n in range(12):
        raw_sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps({"order": {"id": n, "items": [{"sku": f"S-{n}"}]}}),
            MessageAttributes={"tenant": {"DataType": "String", "StringValue": f"Tenant-{n}"}},
        )
    raw_sqs.send_message(QueueUrl=url, MessageBody="not json, order.id=42")

    def found(text: str = "", field_match: str = "") -> list[str]:
        walk = sqs.browse(url, 20, MessageSearch.parse(text, field_match))
        for _ in walk:
            pass
        return sorted(m.body for m in walk.matches)

    assert found(field_match="order.id=7") == [
        json.dumps({"order": {"id": 7, "items": [{"sku": "S-7"}]}})
    ]
    assert len(found(field_match="order.items.0.sku=S-3")) == 1
    assert found(field_match="order.id=42") == []
    assert len(found(text="tenant-11")) == 1  # an attribute's value, case-insensitive
    assert found(text="NOT JSON") == ["not json, order.id=42"]


def test_only_localstack_answers_the_localstack_probe(sqs, sqs_implementation):
    assert is_localstack(sqs.endpoint) is (sqs_implementation == "localstack")


@pytest.mark.localstack_only(
    reason="LocalStack serves a side-effect-free view of a queue's messages "
    "(/_aws/sqs/messages); AWS and moto have none, so there a browse receives"
)
def test_a_browse_of_1000_on_localstack_finds_the_match_and_changes_nothing(sqs, raw_sqs):
    url = raw_sqs.create_queue(QueueName="deep")["QueueUrl"]
    send(raw_sqs, url, 1000)
    walk = sqs.browse(
        url, 1000, MessageSearch.parse("message 777"), peek=lambda: sqs.peek_without_receiving(url)
    )
    for _ in walk:
        pass
    assert walk.walked == 1000 and walk.receives == 0
    assert [m.body for m in walk.matches] == ["message 777"]
    assert visible(raw_sqs, url) == 1000
    counts = {
        m.system_attributes.get("ApproximateReceiveCount") for m in sqs.peek_without_receiving(url)
    }
    assert counts <= {"0", None}
    # The next consumer's receive is the first one.
    assert set(_receive_counts(raw_sqs, url, 20)) == {1}
