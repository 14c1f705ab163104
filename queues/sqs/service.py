"""SqsService: every SQS operation the dashboard needs, over one boto3 client."""

from __future__ import annotations

from .message_operations import MessageOperations
from .move_tasks import MoveTaskOperations
from .queue_operations import QueueOperations
from .transfers import TransferOperations


class SqsService(QueueOperations, TransferOperations, MessageOperations, MoveTaskOperations):
    """Queue and message operations for one account and region. It receives its boto3 client
    from outside, returns the layer's dataclasses and raises SqsError subclasses."""
