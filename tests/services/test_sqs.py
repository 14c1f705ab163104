"""SqsService against in-process moto: dataclasses out, the layer's own errors out."""

from __future__ import annotations

import json

import pytest

from queues.sqs import OutgoingMessage, QueueNameTaken, QueueNotFound, SqsService


@pytest.fixture
def sqs(mocked_sqs) -> SqsService:
    return SqsService(mocked_sqs)


def test_it_lists_queues_by_prefix(sqs):
    for name in ("orders", "orders-dlq", "payments"):
        sqs.create_queue(name)
    page = sqs.list_queues("orders")
    assert sorted(page.names) == ["orders", "orders-dlq"]
    assert page.next_token is None


def test_it_pages_through_queues_with_next_token(sqs):
    for i in range(5):
        sqs.create_queue(f"q-{i}")
    first = sqs.list_queues(max_results=3)
    assert len(first.names) == 3 and first.next_token
    second = sqs.list_queues(max_results=3, next_token=first.next_token)
    assert set(first.names) | set(second.names) == {f"q-{i}" for i in range(5)}


def test_it_reads_a_queue_with_counts_and_timestamps(sqs):
    url = sqs.create_queue("work")
    sqs.send_message(url, OutgoingMessage("one"))
    sqs.send_message(url, OutgoingMessage("two", delay_seconds=60))
    queue = sqs.get_queue("work")
    assert queue.url == url and queue.type_label == "Standard"
    assert queue.counts.available == 1 and queue.counts.delayed == 1
    assert queue.created is not None and queue.arn.endswith(":work")


def test_a_fifo_queue_is_created_as_fifo(sqs):
    sqs.create_queue("jobs.fifo", {"ContentBasedDeduplication": "true"})
    queue = sqs.get_queue("jobs.fifo")
    assert queue.is_fifo and queue.attributes["FifoQueue"] == "true"


def test_a_dead_letter_source_is_marked(sqs):
    dlq = sqs.get_queue_by_url(sqs.create_queue("dead"))
    policy = json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": "3"})
    sqs.create_queue("live", {"RedrivePolicy": policy})
    assert sqs.get_queue("live").dead_letter_queue_name == "dead"
    assert dlq.dead_letter_queue_name == ""


def test_a_missing_queue_is_queue_not_found(sqs):
    with pytest.raises(QueueNotFound, match="does not exist"):
        sqs.get_queue("nope")


def test_a_name_taken_with_other_attributes_is_explained(sqs):
    sqs.create_queue("taken", {"VisibilityTimeout": "30"})
    with pytest.raises(QueueNameTaken, match="already exists with different attributes"):
        sqs.create_queue("taken", {"VisibilityTimeout": "45"})
