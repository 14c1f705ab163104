"""Queues on the moto HTTP server, and the service over the same server."""

from __future__ import annotations

import json

import pytest

from queues.sqs import SqsService


@pytest.fixture
def sqs(raw_sqs) -> SqsService:
    return SqsService(raw_sqs)


@pytest.fixture
def standard_url(raw_sqs) -> str:
    return raw_sqs.create_queue(QueueName="orders")["QueueUrl"]


@pytest.fixture
def fifo_url(raw_sqs) -> str:
    return raw_sqs.create_queue(
        QueueName="payments.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]


@pytest.fixture
def redrive_url(raw_sqs) -> str:
    """A queue whose messages move to `orders-dlq` after two receives."""
    dlq = raw_sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    arn = raw_sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": "2"})
    return raw_sqs.create_queue(QueueName="retried", Attributes={"RedrivePolicy": policy})[
        "QueueUrl"
    ]


def visible(raw_sqs, url: str) -> int:
    attributes = raw_sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def send(raw_sqs, url: str, count: int, *, groups: int = 0, **extra) -> None:
    """`count` messages; on a FIFO queue spread over `groups` groups (default one each)."""
    fifo = url.endswith(".fifo")
    groups = groups or count
    for start in range(0, count, 10):
        entries = [
            {
                "Id": str(i),
                "MessageBody": f"message {i}",
                **({"MessageGroupId": f"g{i % groups}"} if fifo else {}),
                **extra,
            }
            for i in range(start, min(start + 10, count))
        ]
        raw_sqs.send_message_batch(QueueUrl=url, Entries=entries)
