"""SqsService: every SQS operation the dashboard needs, over one boto3 client."""

from __future__ import annotations

from .browse import BrowseOperations
from .bulk import BulkOperations
from .move_tasks import MoveTaskOperations
from .queue_operations import QueueOperations
from .transfers import TransferOperations


class SqsService(
    QueueOperations, TransferOperations, BrowseOperations, BulkOperations, MoveTaskOperations
):
    """Queue and message operations for one account and region. It receives its boto3 client
    from outside, returns the layer's dataclasses and raises SqsError subclasses."""
