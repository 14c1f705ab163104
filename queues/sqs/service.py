"""SqsService: every SQS operation the dashboard needs, over one boto3 client."""

from __future__ import annotations

from .browse import BrowseOperations
from .bulk import BulkOperations
from .queue_operations import QueueOperations


class SqsService(QueueOperations, BrowseOperations, BulkOperations):
    """Queue and message operations for one account and region. It receives its boto3 client
    from outside, returns the layer's dataclasses and raises SqsError subclasses."""
