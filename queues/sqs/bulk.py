"""Sending many messages in steps, so a caller can show progress between steps and stop between
them: bulk copies of one message, and imports of exported ones."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from . import errors
from .batching import BATCH_ENTRIES
from .message_operations import BATCH_CONCURRENCY, MessageOperations
from .messages import BatchEntryResult, BatchResult, OutgoingMessage

# Messages per step: one round of SendMessageBatch calls, all in flight at once.
STEP = BATCH_ENTRIES * BATCH_CONCURRENCY


class BulkOperations(MessageOperations):
    def send_in_steps(
        self, url: str, messages: Sequence[OutgoingMessage], *, step: int = STEP
    ) -> Iterator[BatchResult]:
        """Send `messages` a step at a time (SendMessageBatch, calls in parallel) and yield each
        step's result, entries indexed in `messages`. A step that fails as a whole yields its
        entries failed with the reason; stopping between steps is closing the iterator."""
        for start in range(0, len(messages), step):
            chunk = messages[start : start + step]
            try:
                result = self.send_batch(url, chunk)
            except errors.SqsError as error:
                result = BatchResult(
                    tuple(
                        BatchEntryResult(i, error=str(error), code=error.code)
                        for i in range(len(chunk))
                    )
                )
            yield BatchResult(
                tuple(
                    BatchEntryResult(
                        start + e.index, e.message_id, e.sequence_number, e.error, e.code
                    )
                    for e in result.entries
                )
            )
