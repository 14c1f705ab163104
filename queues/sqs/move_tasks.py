"""Dead-letter queue redrive with SQS's own message move tasks: start, list, cancel.

SQS moves the messages itself (at most 500 a second, one active task per source queue, up to
36 hours); the dashboard only starts a task, shows its progress and can cancel it. moto has no
move tasks and answers these calls with a bare HTTP 500: that is said in words
(`errors.Unsupported`), never shown as SQS being down.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import errors
from .client import SqsClient
from .queues import queue_name_from_arn

MAX_VELOCITY = 500  # MaxNumberOfMessagesPerSecond
MAX_LISTED = 10  # ListMessageMoveTasks' MaxResults

RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED = (
    "RUNNING",
    "COMPLETED",
    "CANCELLING",
    "CANCELLED",
    "FAILED",
)
NOT_SUPPORTED = (
    "This endpoint does not support message move tasks (DLQ redrive): {endpoint} answered "
    "{operation} with {status}. AWS SQS and LocalStack support them; moto does not. Move "
    "messages with Move selected on the queue's Send and receive messages page instead."
)


@dataclass(frozen=True)
class MoveTask:
    """One message move task as ListMessageMoveTasks describes it."""

    status: str
    source_arn: str
    destination_arn: str = ""  # "" means: back to each message's source queue
    task_handle: str = ""  # only while RUNNING
    max_per_second: int | None = None  # None means: system optimized
    moved: int = 0
    to_move: int | None = None
    started_at: float | None = None  # epoch seconds
    failure_reason: str = ""

    @classmethod
    def from_response(cls, raw: dict[str, Any]) -> MoveTask:
        to_move = raw.get("ApproximateNumberOfMessagesToMove")
        velocity = raw.get("MaxNumberOfMessagesPerSecond")
        started = raw.get("StartedTimestamp")
        return cls(
            status=str(raw.get("Status", "")),
            source_arn=raw.get("SourceArn", ""),
            destination_arn=raw.get("DestinationArn", "") or "",
            task_handle=raw.get("TaskHandle", "") or "",
            max_per_second=int(velocity) if velocity else None,
            moved=int(raw.get("ApproximateNumberOfMessagesMoved") or 0),
            to_move=int(to_move) if to_move is not None else None,
            # SQS sends epoch milliseconds.
            started_at=float(started) / 1000 if started else None,
            failure_reason=raw.get("FailureReason", "") or "",
        )

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    @property
    def active(self) -> bool:
        """Still changing: RUNNING, or CANCELLING until SQS stops it."""
        return self.status in (RUNNING, CANCELLING)

    @property
    def started(self) -> datetime | None:
        return datetime.fromtimestamp(self.started_at, tz=UTC) if self.started_at else None

    @property
    def destination_name(self) -> str:
        return queue_name_from_arn(self.destination_arn) if self.destination_arn else ""

    @property
    def velocity_label(self) -> str:
        if self.max_per_second:
            return f"at most {self.max_per_second} messages per second"
        return "system optimized"

    @property
    def percent(self) -> int | None:
        if not self.to_move:
            return None
        return min(100, round(100 * self.moved / self.to_move))

    def observed_rate(self, now: float) -> float | None:
        """Messages moved per second since the task started."""
        if not self.started_at or now <= self.started_at:
            return None
        return self.moved / (now - self.started_at)


# Endpoints found without move tasks, and when (time.monotonic()): for a while they are told so
# without asking again, since each ask of moto costs a bare HTTP 500 that botocore retries with
# back-off, seconds of a thread for every refresh of a redrive panel.
_UNSUPPORTED: dict[str, float] = {}
UNSUPPORTED_REMEMBERED_SECONDS = 600.0


class MoveTaskOperations(SqsClient):
    @contextmanager
    def _move_task_call(self, operation: str, queue: str = "") -> Iterator[None]:
        """A move task call; an endpoint that has no such operation says so in words."""
        found = _UNSUPPORTED.get(self.endpoint)
        if found is not None and time.monotonic() - found < UNSUPPORTED_REMEMBERED_SECONDS:
            raise self._unsupported(operation, "HTTP 500")
        try:
            with self._translated(queue):
                yield
        except errors.Unavailable as error:
            # AWS's own server errors carry a code (InternalError, ServiceUnavailable); a bare
            # HTTP 500 without one is an endpoint that does not know the operation (moto).
            if error.code and not error.code.isdigit():
                raise
            _UNSUPPORTED[self.endpoint] = time.monotonic()
            raise self._unsupported(operation, "HTTP 500") from None
        except errors.Unsupported:
            _UNSUPPORTED[self.endpoint] = time.monotonic()
            raise self._unsupported(operation, "UnsupportedOperation") from None

    def _unsupported(self, operation: str, status: str) -> errors.Unsupported:
        return errors.Unsupported(
            NOT_SUPPORTED.format(endpoint=self.endpoint, operation=operation, status=status),
            code="UnsupportedOperation",
        )

    def start_message_move_task(
        self, source_arn: str, destination_arn: str = "", max_per_second: int | None = None
    ) -> str:
        """Start moving the messages of the dead-letter queue `source_arn`; return the task
        handle. Without `destination_arn` SQS moves each message back to the queue it came from;
        without `max_per_second` SQS picks the velocity."""
        if max_per_second is not None and not 1 <= max_per_second <= MAX_VELOCITY:
            raise errors.InvalidInput(
                f"The maximum velocity is 1-{MAX_VELOCITY} messages per second, "
                f"not {max_per_second}."
            )
        params: dict[str, Any] = {"SourceArn": source_arn}
        if destination_arn:
            params["DestinationArn"] = destination_arn
        if max_per_second is not None:
            params["MaxNumberOfMessagesPerSecond"] = max_per_second
        with self._move_task_call("StartMessageMoveTask", queue_name_from_arn(source_arn)):
            return self._client.start_message_move_task(**params)["TaskHandle"]

    def list_message_move_tasks(
        self, source_arn: str, max_results: int = MAX_LISTED
    ) -> tuple[MoveTask, ...]:
        """The queue's most recent move tasks, newest first (SQS keeps the last few)."""
        with self._move_task_call("ListMessageMoveTasks", queue_name_from_arn(source_arn)):
            response = self._client.list_message_move_tasks(
                SourceArn=source_arn, MaxResults=max(1, min(max_results, MAX_LISTED))
            )
        return tuple(MoveTask.from_response(raw) for raw in response.get("Results", []))

    def cancel_message_move_task(self, task_handle: str) -> int:
        """Cancel a running task; return how many messages it had moved by then (those stay
        where they went, the rest stay in the dead-letter queue)."""
        with self._move_task_call("CancelMessageMoveTask"):
            response = self._client.cancel_message_move_task(TaskHandle=task_handle)
        return int(response.get("ApproximateNumberOfMessagesMoved") or 0)
