"""sqsadmin's SQS layer: plain Python over boto3 (no Django; ruff enforces it).

It receives a boto3 client from outside, returns frozen dataclasses and raises SqsError
subclasses whose text is fit to show to an operator.
"""

from __future__ import annotations

from .errors import (
    AccessDenied,
    EndpointUnreachable,
    InvalidInput,
    PartlyApplied,
    PurgeInProgress,
    QueueDeletedRecently,
    QueueNameTaken,
    QueueNotFound,
    SqsError,
    Throttled,
)
from .messages import (
    BatchEntryResult,
    BatchResult,
    DeleteResult,
    Message,
    MessageAttribute,
    OutgoingMessage,
    Peeking,
    PeekResult,
    SelectedDeletion,
    SendResult,
)
from .queue_operations import QueueDetails
from .queues import (
    Queue,
    QueueAttributes,
    QueueCounts,
    QueuePage,
    RedriveAllowPolicy,
    RedrivePolicy,
    TagChanges,
)
from .service import SqsService

__all__ = [
    "AccessDenied",
    "BatchEntryResult",
    "BatchResult",
    "DeleteResult",
    "EndpointUnreachable",
    "InvalidInput",
    "Message",
    "MessageAttribute",
    "OutgoingMessage",
    "PartlyApplied",
    "PeekResult",
    "Peeking",
    "PurgeInProgress",
    "Queue",
    "QueueAttributes",
    "QueueCounts",
    "QueueDeletedRecently",
    "QueueDetails",
    "QueueNameTaken",
    "QueueNotFound",
    "QueuePage",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "SelectedDeletion",
    "SendResult",
    "SqsError",
    "SqsService",
    "TagChanges",
    "Throttled",
]
