"""sqsadmin's SQS layer: plain Python over a boto3 client, no Django.

It receives a client from outside, returns frozen dataclasses and raises SqsError subclasses.
"""

from __future__ import annotations

from .errors import (
    AccessDenied,
    EndpointUnreachable,
    InvalidInput,
    PurgeInProgress,
    QueueDeletedRecently,
    QueueNameTaken,
    QueueNotFound,
    SqsError,
    Throttled,
)
from .sqs import SqsService
from .types import (
    Queue,
    QueueAttributes,
    QueueCounts,
    QueuePage,
    RedriveAllowPolicy,
    RedrivePolicy,
    human_bytes,
    human_duration,
)

__all__ = [
    "AccessDenied",
    "EndpointUnreachable",
    "InvalidInput",
    "PurgeInProgress",
    "Queue",
    "QueueAttributes",
    "QueueCounts",
    "QueueDeletedRecently",
    "QueueNameTaken",
    "QueueNotFound",
    "QueuePage",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "SqsError",
    "SqsService",
    "Throttled",
    "human_bytes",
    "human_duration",
]
