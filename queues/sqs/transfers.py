"""Moving and copying messages to another queue, and resending an edited message.

A move is: have the messages under a lease, send copies to the target, and delete from the
source only the messages whose copy SQS confirmed; everything else is released at once. Nothing
is deleted before its copy is confirmed, and every step that fails is reported per message. A
copy is the same without the delete.

The lease comes from one of two places. Messages selected in a poll are received again by their
IDs (a poll released them, so its receipt handles cannot be trusted): `transfer_selected`.
Messages a browse still holds under its lease come with fresh receipt handles, so they are sent
and deleted at once, with no receive: `transfer_held`, the same calls raw boto3 would make.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import errors
from .message_operations import BATCH_CONCURRENCY, MessageOperations
from .messages import Message, OutgoingMessage, SendResult
from .queues import Queue

NO_GROUP = (
    "not sent: {queue} is a FIFO queue and needs a message group ID, and this message has "
    "none. Give a message group ID for messages without one, or choose a standard queue."
)


@dataclass(frozen=True)
class TransferOutcome:
    """What became of one selected message."""

    message_id: str
    new_message_id: str = ""  # the copy's ID in the target, when SQS accepted it
    send_error: str = ""
    deleted: bool = False
    delete_error: str = ""

    @property
    def sent(self) -> bool:
        return bool(self.new_message_id)


@dataclass(frozen=True)
class Transfer:
    """A move or copy of selected messages to `target`."""

    move: bool
    target: str
    outcomes: tuple[TransferOutcome, ...] = ()
    missing: tuple[str, ...] = ()  # selected, but no receive returned them

    @property
    def total(self) -> int:
        return len(self.outcomes) + len(self.missing)

    @property
    def sent(self) -> tuple[TransferOutcome, ...]:
        return tuple(o for o in self.outcomes if o.sent)

    @property
    def deleted(self) -> tuple[TransferOutcome, ...]:
        return tuple(o for o in self.outcomes if o.deleted)

    @property
    def not_sent(self) -> tuple[TransferOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.sent)

    @property
    def not_deleted(self) -> tuple[TransferOutcome, ...]:
        """Sent but still in the source too (a move whose delete failed: now in both)."""
        return tuple(o for o in self.outcomes if o.sent and self.move and not o.deleted)

    @property
    def complete(self) -> bool:
        return not (self.missing or self.not_sent or self.not_deleted)


def message_attributes(message: Message) -> dict[str, dict[str, Any]]:
    """A received message's attributes in SendMessage's shape."""
    shaped: dict[str, dict[str, Any]] = {}
    for a in message.attributes:
        if a.binary_value is not None:
            shaped[a.name] = {"DataType": a.data_type, "BinaryValue": a.binary_value}
        else:
            shaped[a.name] = {"DataType": a.data_type, "StringValue": a.string_value or ""}
    return shaped


def copy_of(message: Message, target: Queue, group_id: str = "") -> OutgoingMessage:
    """The message to send to `target`: the same body and attributes; into a FIFO queue the
    same message group (else `group_id`) and the original's MessageId as the deduplication ID,
    so a second copy within 5 minutes is not delivered twice and no other message with the same
    body is taken for it. Raises InvalidInput when a FIFO target gets no group."""
    group, dedup = "", ""
    if target.is_fifo:
        group = message.group_id or group_id
        if not group:
            raise errors.InvalidInput(NO_GROUP.format(queue=target.name))
        dedup = message.message_id
    return OutgoingMessage(
        body=message.body,
        group_id=group,
        deduplication_id=dedup,
        attributes=message_attributes(message),
    )


def _check_target(source_url: str, target: Queue) -> None:
    if target.url.rstrip("/") == source_url.rstrip("/"):
        raise errors.InvalidInput("Choose another queue: this is the queue they are in.")


class TransferOperations(MessageOperations):
    def transfer_selected(
        self,
        source_url: str,
        message_ids: Sequence[str],
        target: Queue,
        *,
        move: bool,
        group_id: str = "",
        lease: int = 60,
    ) -> Transfer:
        """Move (or copy) the messages with these IDs from the source to `target`.

        The selected messages are received again under a `lease` (a poll's receipt handles
        cannot be trusted), then transferred as held messages are (`_transfer`).
        """
        _check_target(source_url, target)
        selected = self.receive_selected(
            source_url, message_ids, lease=lease, parallel=BATCH_CONCURRENCY
        )
        transfer = self._transfer(
            source_url,
            selected.found,
            selected.handles_of,
            target,
            move=move,
            group_id=group_id,
            release=list(selected.others),
        )
        return replace(transfer, missing=selected.missing)

    def transfer_held(
        self,
        source_url: str,
        messages: Sequence[Message],
        target: Queue,
        *,
        move: bool,
        group_id: str = "",
    ) -> Transfer:
        """Move (or copy) messages still held under a lease (a browse's), with the receipt
        handles that lease gave them: send, delete what was accepted, release the rest. A handle
        whose lease has ended fails its delete, and the message is reported as in both queues."""
        _check_target(source_url, target)
        return self._transfer(
            source_url,
            messages,
            lambda m: [m.receipt_handle],
            target,
            move=move,
            group_id=group_id,
        )

    def _transfer(
        self,
        source_url: str,
        found: Sequence[Message],
        handles_of: Callable[[Message], list[str]],
        target: Queue,
        *,
        move: bool,
        group_id: str,
        release: list[str] | None = None,
    ) -> Transfer:
        """Send copies of `found` (in order, one call at a time, into a FIFO queue); for a move,
        delete exactly the messages whose copy was accepted. Every message not deleted, and the
        handles in `release`, are released at once."""
        release = list(release or ())
        outcomes: dict[str, TransferOutcome] = {}
        try:
            outgoing: list[tuple[Message, OutgoingMessage]] = []
            for message in found:
                try:
                    outgoing.append((message, copy_of(message, target, group_id)))
                except errors.InvalidInput as problem:
                    outcomes[message.message_id] = TransferOutcome(
                        message.message_id, send_error=str(problem)
                    )
            sent = self._send_copies(target, outgoing, outcomes)
            # Every handle of a message handed out twice: a delete with an older one succeeds
            # without deleting, so the newest must be among them.
            handles = [(m, h) for m in (sent if move else ()) for h in handles_of(m)]
            deletions = self.delete_messages(source_url, [h for _, h in handles])
            results: dict[str, list] = {}
            for (message, _), deletion in zip(handles, deletions, strict=True):
                results.setdefault(message.message_id, []).append(deletion)
            for message_id, tries in results.items():
                ok = [d for d in tries if d.ok]
                outcome = outcomes[message_id]
                outcomes[message_id] = TransferOutcome(
                    outcome.message_id,
                    outcome.new_message_id,
                    deleted=bool(ok),
                    delete_error="" if ok else tries[0].error,
                )
        finally:
            release += [
                h
                for m in found
                if not (m.message_id in outcomes and outcomes[m.message_id].deleted)
                for h in handles_of(m)
            ]
            self.release(source_url, release, quiet=True)
        return Transfer(
            move=move,
            target=target.name,
            outcomes=tuple(outcomes[m.message_id] for m in found),
        )

    def _send_copies(
        self,
        target: Queue,
        outgoing: list[tuple[Message, OutgoingMessage]],
        outcomes: dict[str, TransferOutcome],
    ) -> list[Message]:
        """Send the copies; record each one's outcome; return the messages SQS accepted."""
        if not outgoing:
            return []
        try:
            result = self.send_batch(
                target.url,
                [copy for _, copy in outgoing],
                concurrency=1 if target.is_fifo else BATCH_CONCURRENCY,
            )
        except errors.SqsError as error:
            for message, _ in outgoing:
                outcomes[message.message_id] = TransferOutcome(
                    message.message_id, send_error=f"not sent: {error}"
                )
            return []
        accepted = []
        for entry in result.entries:
            message = outgoing[entry.index][0]
            if entry.ok:
                accepted.append(message)
                outcomes[message.message_id] = TransferOutcome(message.message_id, entry.message_id)
            else:
                outcomes[message.message_id] = TransferOutcome(
                    message.message_id, send_error=f"not sent: {entry.error}"
                )
        return accepted

    def find_message(self, url: str, message_id: str, *, lease: int = 30) -> Message | None:
        """The message with this ID, received again and released at once (a peek of one)."""
        selected = self.receive_selected(url, [message_id], lease=lease)
        self.release(
            url, [*selected.others, *(m.receipt_handle for m in selected.found)], quiet=True
        )
        return selected.found[0] if selected.found else None

    def resend(
        self,
        target_url: str,
        message: OutgoingMessage,
        *,
        delete_from: str = "",
        original_id: str = "",
    ) -> tuple[SendResult, str]:
        """Send an edited message; then, when asked, delete the original from `delete_from`
        (received again by its ID: only after SQS confirmed the new one). Returns the send's
        result and why the original could not be deleted ("" when it was, or was not asked)."""
        sent = self.send_message(target_url, message)
        if not delete_from:
            return sent, ""
        try:
            deletion = self.delete_selected(delete_from, [original_id])
        except errors.SqsError as error:
            return sent, str(error)
        if deletion.deleted:
            return sent, ""
        if deletion.failed:
            return sent, deletion.failed[0][1]
        return sent, (
            "SQS did not hand the original out again (deleted, moved or received by a consumer "
            "since it was opened), so it was not deleted."
        )
