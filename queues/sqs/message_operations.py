"""Message operations of SqsService: send (one or a batch), peek, delete and consume."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from . import errors
from .batching import BATCH_BYTES, BATCH_ENTRIES, batched, in_parallel, running
from .client import SqsClient
from .messages import (
    BatchEntryResult,
    BatchResult,
    DeleteResult,
    LeasedSelection,
    Message,
    OutgoingMessage,
    Peeking,
    PeekResult,
    SelectedDeletion,
    SendResult,
)
from .queues import queue_name_from_url as _name

logger = logging.getLogger("sqsadmin.sqs")

# The most messages one peek or consume gathers (SQS hands out 10 a call).
MAX_RECEIVE = 100
# Batch calls of one operation in flight at once.
BATCH_CONCURRENCY = 10


class MessageOperations(SqsClient):
    def send_message(self, url: str, message: OutgoingMessage) -> SendResult:
        with self._translated(_name(url)):
            response = self._client.send_message(QueueUrl=url, **message.parameters())
        return SendResult(response["MessageId"], response.get("SequenceNumber", ""))

    def send(self, url: str, messages: Sequence[OutgoingMessage]) -> BatchResult:
        """Send one message with SendMessage, several with SendMessageBatch; either way one
        result an entry."""
        if len(messages) == 1:
            sent = self.send_message(url, messages[0])
            return BatchResult((BatchEntryResult(0, sent.message_id, sent.sequence_number),))
        return self.send_batch(url, messages)

    def send_batch(
        self, url: str, messages: Sequence[OutgoingMessage], *, concurrency: int = BATCH_CONCURRENCY
    ) -> BatchResult:
        """SendMessageBatch, 10 entries (and at most 1 MiB) a call, calls in parallel.

        Every entry gets a result. A call that fails as a whole marks its entries failed with
        the reason; only when nothing at all was sent does the error propagate.
        """
        chunks = batched(
            enumerate(messages), max_total=BATCH_BYTES, size_of=lambda item: item[1].size
        )
        call_errors: list[errors.SqsError] = []

        def send(chunk: list[tuple[int, OutgoingMessage]]) -> list[BatchEntryResult]:
            entries = [{"Id": str(index), **m.parameters()} for index, m in chunk]
            try:
                with self._translated(_name(url)):
                    response = self._client.send_message_batch(QueueUrl=url, Entries=entries)
            except errors.SqsError as error:
                call_errors.append(error)
                return [BatchEntryResult(i, error=str(error), code=error.code) for i, _ in chunk]
            return [
                BatchEntryResult(int(ok["Id"]), ok["MessageId"], ok.get("SequenceNumber", ""))
                for ok in response.get("Successful", [])
            ] + [_failed_entry(failed) for failed in response.get("Failed", [])]

        results = in_parallel(send, chunks, concurrency)
        entries = tuple(sorted((e for chunk in results for e in chunk), key=lambda e: e.index))
        if call_errors and not any(e.ok for e in entries):
            raise call_errors[0]
        return BatchResult(entries)

    def _receive(self, url: str, count: int, *, wait: int, visibility: int | None) -> list[Message]:
        params: dict[str, Any] = {
            "QueueUrl": url,
            "MaxNumberOfMessages": count,
            "WaitTimeSeconds": wait,
            "MessageSystemAttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
        }
        if visibility is not None:
            params["VisibilityTimeout"] = visibility
        with self._translated(_name(url), waits=wait):
            response = self._client_for_wait(wait).receive_message(**params)
        return [Message.from_response(raw) for raw in response.get("Messages", [])]

    def _receive_up_to(
        self,
        url: str,
        count: int,
        *,
        wait: int,
        visibility: int | None,
        seen: dict,
        enough: Callable[[dict], bool] = lambda seen: False,
        parallel: int = 1,
        earlier_handles: dict[str, list[str]] | None = None,
    ) -> None:
        """Receive until `count` distinct messages, `enough(seen)`, or the queue has no more to
        give; `parallel` receive calls at a time (messages under a lease are not handed out
        twice, so parallel calls reach different messages).

        A message handed out twice in one round of parallel calls has two receipt handles and
        nothing says which is the newer, the one a delete needs (an older one "succeeds" without
        deleting): `seen` keeps one and `earlier_handles` collects the others.

        Only the first round waits the full time; later ones wait a second at most, enough for
        SQS to ask all its servers without stalling on an exhausted queue.
        """
        first = True
        while len(seen) < count and not enough(seen):
            wanted = count - len(seen)
            sizes = [
                min(BATCH_ENTRIES, wanted - n)
                for n in range(0, min(wanted, parallel * BATCH_ENTRIES), BATCH_ENTRIES)
            ]
            this_wait = wait if first else min(wait, 1)
            rounds = in_parallel(
                lambda size, wait=this_wait: self._receive(
                    url, size, wait=wait, visibility=visibility
                ),
                sizes,
                len(sizes),
            )
            first = False
            batch = [m for got in rounds for m in got]
            new = [m for m in batch if m.message_id not in seen]
            for message in batch:
                # A duplicate delivery carries the newest receipt handle: keep that one.
                previous = seen.get(message.message_id)
                if previous is not None and earlier_handles is not None:
                    earlier_handles.setdefault(message.message_id, []).append(
                        previous.receipt_handle
                    )
                seen[message.message_id] = message
            if not new:
                return

    def peek(self, url: str, count: int = 10, *, wait: int = 0, lease: int = 30) -> PeekResult:
        """Look at up to `count` messages and leave them in the queue.

        Receives with a short visibility lease (so later receives reach further messages instead
        of returning the same few), then releases them all with visibility 0. Each receive still
        adds one to a message's receive count.
        """
        seen = self._receive_leased(url, count, wait=wait, lease=lease)
        unreleased = self.release(url, [m.receipt_handle for m in seen.values()])
        return PeekResult(tuple(seen.values())[:count], unreleased)

    @contextmanager
    def peeking(
        self, url: str, count: int = 10, *, wait: int = 0, lease: int = 30
    ) -> Iterator[Peeking]:
        """peek() for a caller with work of its own on the messages (recording, rendering): the
        block runs as soon as they are received, while a thread releases them, and ends when
        the release has; `unreleased` is known then. The caller's work and the release's round
        trip overlap instead of adding up."""
        seen = self._receive_leased(url, count, wait=wait, lease=lease)
        peeked = Peeking(tuple(seen.values())[:count])
        handles = [m.receipt_handle for m in seen.values()]
        with running(lambda: self.release(url, handles)) as releasing:
            yield peeked
        peeked.unreleased = releasing.result()

    def _receive_leased(self, url: str, count: int, *, wait: int, lease: int) -> dict:
        """Up to `count` distinct messages under a `lease`, by MessageId; on a failure, what was
        received is released before the error is raised."""
        _check_receive(count, wait)
        seen: dict[str, Message] = {}
        try:
            self._receive_up_to(url, count, wait=wait, visibility=lease, seen=seen)
        except errors.SqsError:
            self.release(url, [m.receipt_handle for m in seen.values()], quiet=True)
            raise
        return seen

    def release(self, url: str, handles: Sequence[str], *, quiet: bool = False) -> int:
        """Make leased messages visible again; return how many could not be."""

        def release(chunk: list[str]) -> int:
            entries = [
                {"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                for i, h in enumerate(chunk)
            ]
            try:
                with self._translated(_name(url)):
                    response = self._client.change_message_visibility_batch(
                        QueueUrl=url, Entries=entries
                    )
            except errors.SqsError:
                if not quiet:
                    logger.warning("could not release %d leased messages", len(chunk))
                return len(chunk)
            return len(response.get("Failed", []))

        chunks = batched(handles)
        return sum(in_parallel(release, chunks, len(chunks)))

    def delete_messages(self, url: str, receipt_handles: Sequence[str]) -> tuple[DeleteResult, ...]:
        """DeleteMessageBatch with exactly these handles; one result each, in the same order."""

        def delete(chunk: list[tuple[int, str]]) -> list[DeleteResult]:
            entries = [{"Id": str(i), "ReceiptHandle": h} for i, h in chunk]
            with self._translated(_name(url)):
                response = self._client.delete_message_batch(QueueUrl=url, Entries=entries)
            failed = {f["Id"]: f for f in response.get("Failed", [])}
            return [
                _failed_delete(e["ReceiptHandle"], failed[e["Id"]])
                if e["Id"] in failed
                else DeleteResult(e["ReceiptHandle"])
                for e in entries
            ]

        chunks = batched(enumerate(receipt_handles))
        return tuple(r for chunk in in_parallel(delete, chunks, BATCH_CONCURRENCY) for r in chunk)

    def delete_selected(
        self, url: str, message_ids: Sequence[str], *, lease: int = 30
    ) -> SelectedDeletion:
        """Delete exactly the messages with these IDs, as a poll showed them.

        A poll's receipt handles cannot be trusted: it released its messages, and on FIFO queues
        a released handle has expired. So the messages are received again under a short lease
        (up to MAX_RECEIVE of them), those selected are deleted with their fresh handles, and the
        rest are released at once. Selected messages that no receive returns are reported as
        not found: deleted, moved or received elsewhere since the poll.
        """
        selected = self.receive_selected(url, message_ids, lease=lease)
        try:
            deletions = self.delete_messages(url, [m.receipt_handle for m in selected.found])
        finally:
            self.release(url, selected.others, quiet=True)
        found = selected.found
        return SelectedDeletion(
            deleted=tuple(m.message_id for m, d in zip(found, deletions, strict=True) if d.ok),
            failed=tuple(
                (m.message_id, d.error) for m, d in zip(found, deletions, strict=True) if not d.ok
            ),
            missing=selected.missing,
        )

    def receive_selected(
        self, url: str, message_ids: Sequence[str], *, lease: int = 30, parallel: int = 1
    ) -> LeasedSelection:
        """Receive again, under a `lease`, the messages a poll showed with these IDs (up to
        MAX_RECEIVE messages are received looking for them). The caller deletes or releases
        `found` and must release `others` (received on the way, not selected) with `release`.
        """
        wanted = list(dict.fromkeys(message_ids))
        seen: dict[str, Message] = {}
        earlier: dict[str, list[str]] = {}
        try:
            self._receive_up_to(
                url,
                MAX_RECEIVE,
                wait=0,
                visibility=lease,
                seen=seen,
                enough=lambda got: all(i in got for i in wanted),
                # No more calls at once than the selection needs (10 messages a call).
                parallel=max(1, min(parallel, -(-len(wanted) // BATCH_ENTRIES))),
                earlier_handles=earlier,
            )
        except errors.SqsError:
            handles = [m.receipt_handle for m in seen.values()]
            self.release(url, handles + [h for more in earlier.values() for h in more], quiet=True)
            raise
        chosen = set(wanted)
        return LeasedSelection(
            found=tuple(seen[i] for i in wanted if i in seen),
            others=[m.receipt_handle for i, m in seen.items() if i not in chosen]
            + [h for i, more in earlier.items() if i not in chosen for h in more],
            missing=tuple(i for i in wanted if i not in seen),
            earlier_handles={i: tuple(more) for i, more in earlier.items() if i in chosen},
        )

    def receive_leased(
        self, url: str, count: int = 10, *, wait: int = 0, lease: int = 60
    ) -> tuple[Message, ...]:
        """Receive up to `count` messages and keep them hidden for `lease` seconds, deleting
        nothing: the first half of "receive and delete". Whoever saw them then deletes exactly
        those (delete_messages) or puts them back (release); if nobody does, they reappear when
        the lease ends, so a browser that goes away loses no message."""
        _check_receive(count, wait)
        seen: dict[str, Message] = {}
        try:
            self._receive_up_to(url, count, wait=wait, visibility=lease, seen=seen)
        except errors.SqsError:
            if not seen:
                raise
        return tuple(seen.values())


def _check_receive(count: int, wait: int) -> None:
    if not 1 <= count <= MAX_RECEIVE:
        raise errors.InvalidInput(f"Receive between 1 and {MAX_RECEIVE} messages, not {count}.")
    if not 0 <= wait <= 20:
        raise errors.InvalidInput(f"The wait time is 0-20 seconds, not {wait}.")


def _failed_entry(failed: dict[str, Any]) -> BatchEntryResult:
    return BatchEntryResult(
        int(failed["Id"]),
        error=failed.get("Message") or failed.get("Code", ""),
        code=failed.get("Code", ""),
    )


def _failed_delete(handle: str, failure: dict[str, Any]) -> DeleteResult:
    code = failure.get("Code", "")
    # SQS says ReceiptHandleIsInvalid, or InvalidParameterValue "...receipt handle has expired"
    # for a FIFO handle whose lease ended: the same thing for the operator.
    if code == "ReceiptHandleIsInvalid" or "receipt handle" in failure.get("Message", "").lower():
        code = "ReceiptHandleIsInvalid"
        text = (
            "The receipt handle is no longer valid: the message was deleted, received again "
            "elsewhere, or its queue was purged. Poll again for a fresh one."
        )
    else:
        text = failure.get("Message") or code
    return DeleteResult(handle, error=text, code=code)
