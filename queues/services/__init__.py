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
    BatchEntryResult,
    BatchResult,
    ConsumeResult,
    DeleteResult,
    Message,
    MessageAttribute,
    OutgoingMessage,
    PeekResult,
    Queue,
    QueueAttributes,
    QueueCounts,
    QueuePage,
    RedriveAllowPolicy,
    RedrivePolicy,
    SendResult,
    human_bytes,
    human_duration,
)

__all__ = [
    "AccessDenied",
    "BatchEntryResult",
    "BatchResult",
    "ConsumeResult",
    "DeleteResult",
    "EndpointUnreachable",
    "InvalidInput",
    "Message",
    "MessageAttribute",
    "OutgoingMessage",
    "PeekResult",
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
    "SendResult",
    "SqsError",
    "SqsService",
    "Throttled",
    "human_bytes",
    "human_duration",
]
