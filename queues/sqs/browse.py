"""Browsing beyond one poll: walk up to thousands of messages under a lease, search them, and
release them all; or, where the endpoint is LocalStack, read them through its side-effect-free
peek so no receive count changes.

A walk is a `Walk` object: iterate it to make one receive a step (it yields itself, with the new
matches of that step), read its counters at any time, and close it (or let it finish) to release
every message it leased. Closing is how the operator's Stop, or a browser that went away, ends it.

A walk may instead `hold` its matches: they stay leased when it ends (the rest are released),
with their receipt handles in `held`, so they can be moved or copied with no second receive
(TransferOperations.transfer_held); if nobody does, they reappear when the lease ends.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import errors
from .batching import BATCH_ENTRIES
from .message_operations import MessageOperations
from .messages import Message

logger = logging.getLogger("sqsadmin.sqs")

# The most messages one walk may visit; forms and settings may ask for less.
MAX_BROWSE = 10_000
# The most messages a walk that holds its matches may visit (every match's body is kept).
MAX_HELD = 1_000
# Handles released per group of parallel ChangeMessageVisibilityBatch calls.
_RELEASE_GROUP = 100


@dataclass(frozen=True)
class MessageSearch:
    """What a browse looks for: a substring of the body, an attribute's name or value, or the
    message ID (case-insensitive); and/or a field of a JSON body (`order.id=42`)."""

    text: str = ""
    field_path: tuple[str, ...] = ()
    field_value: str = ""

    @classmethod
    def parse(cls, text: str = "", field_match: str = "") -> MessageSearch:
        """`field_match` is `path=value`, the path's parts separated by dots (list indexes are
        numbers): `order.id=42`, `items.0.sku=A-1`."""
        path, value = "", ""
        if field_match.strip():
            path, sep, value = field_match.strip().partition("=")
            if not sep or not path.strip():
                raise errors.InvalidInput(
                    "Write a JSON field match as path=value, e.g. order.id=42."
                )
        parts = tuple(p for p in path.strip().split(".") if p) if path else ()
        return cls(text=text.strip(), field_path=parts, field_value=value.strip())

    @property
    def active(self) -> bool:
        return bool(self.text or self.field_path)

    def matches(self, message: Message) -> bool:
        if not self.active:
            return True  # no search: every message is shown
        if self.text and not self._has_text(message):
            return False
        return not self.field_path or self._field_equals(message.body)

    def _has_text(self, message: Message) -> bool:
        needle = self.text.casefold()
        haystacks = [message.body, message.message_id]
        for attribute in message.attributes:
            haystacks += [attribute.name, attribute.display_value]
        return any(needle in h.casefold() for h in haystacks)

    def _field_equals(self, body: str) -> bool:
        try:
            value: Any = json.loads(body)
        except ValueError:
            return False
        for part in self.field_path:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return False
        if isinstance(value, str):
            return value == self.field_value
        return json.dumps(value) == self.field_value


class Walk:
    """One browse of a queue. Iterate it; each step yields the walk itself.

    With a lease: each step is one ReceiveMessage (10 messages at most) with a visibility lease,
    so the next receive reaches further; messages are deduplicated by MessageId and all released
    (ChangeMessageVisibility 0) when the walk ends, however it ends. Each receive adds one to the
    receive count of what it returns: with a redrive limit, the walk stops when it sees a message
    one receive from the limit, unless `risk_ok`.

    Without a lease (`peek` given, LocalStack): one side-effect-free read, filtered here.

    With `hold`, the matches stay leased when the walk ends (see `held`, and `held_until`,
    when their lease ends as time.time() counts); a stopped or failed walk holds nothing.
    """

    def __init__(
        self,
        service: BrowseOperations,
        url: str,
        count: int,
        search: MessageSearch,
        *,
        lease: int = 60,
        redrive_limit: int | None = None,
        risk_ok: bool = False,
        should_stop: Callable[[], bool] = lambda: False,
        peek: Callable[[], list[Message]] | None = None,
        keep_matches: int = 100,
        hold: bool = False,
    ) -> None:
        if not 1 <= count <= MAX_BROWSE:
            raise errors.InvalidInput(f"Browse between 1 and {MAX_BROWSE:,} messages, not {count}.")
        if hold and (peek is not None or count > MAX_HELD):
            raise errors.InvalidInput(
                f"To hold the matches, browse at most {MAX_HELD:,} messages under a lease."
            )
        self._service = service
        self._url = url
        self._should_stop = should_stop
        self._peek = peek
        self._lease = lease
        self._keep = keep_matches
        self.asked = count
        self.search = search
        self.redrive_limit = redrive_limit
        self.risk_ok = risk_ok
        self.side_effect_free = peek is not None
        self.walked = 0
        self.receives = 0
        self.matched = 0
        self.matches: list[Message] = []  # the first `keep_matches` of them
        self.new_matches: list[Message] = []  # found by the last step, and kept
        self.near_limit = 0  # messages seen one receive (or less) from the redrive limit
        self.ended = ""  # why: "done", "empty", "receive-limit", "stopped"
        self.unreleased = 0
        self._handles: dict[str, str] = {}
        self._hold = hold
        self.held: list[Message] = []
        self.held_until = 0.0
        self._matched: dict[str, Message] = {}  # with `hold`: every match, newest handle

    def __iter__(self) -> Iterator[Walk]:
        try:
            if self._peek is not None:
                yield from self._read_without_receiving()
            else:
                yield from self._receive_under_lease()
        except GeneratorExit:
            self.ended = self.ended or "stopped"
            raise
        finally:
            if self._hold and self.ended in ("done", "empty"):
                self.held = list(self._matched.values())
            self._release_all()

    def _read_without_receiving(self) -> Iterator[Walk]:
        assert self._peek is not None
        messages = self._peek()
        for start in range(0, min(len(messages), self.asked), BATCH_ENTRIES * 10):
            if self._should_stop():
                self.ended = "stopped"
                return
            chunk = messages[start : min(start + BATCH_ENTRIES * 10, self.asked)]
            self.walked += len(chunk)
            self._found([m for m in chunk if self.search.matches(m)])
            yield self
        self.ended = "done" if len(messages) >= self.asked else "empty"

    def _receive_under_lease(self) -> Iterator[Walk]:
        service, url = self._service, self._url
        limit = self.redrive_limit
        while self.walked < self.asked:
            if self._should_stop():
                self.ended = "stopped"
                return
            wanted = min(BATCH_ENTRIES, self.asked - self.walked)
            if not self.held_until:
                self.held_until = time.time() + self._lease
            batch = service._receive(url, wanted, wait=0, visibility=self._lease)
            self.receives += 1
            if not batch:
                # A short poll asks only some of SQS's servers: before calling the queue
                # exhausted, one receive that waits asks them all.
                batch = service._receive(url, wanted, wait=1, visibility=self._lease)
                self.receives += 1
            new = [m for m in batch if m.message_id not in self._handles]
            for message in batch:
                self._handles[message.message_id] = message.receipt_handle
            self.walked = len(self._handles)
            matches = [m for m in new if self.search.matches(m)]
            self._found(matches)
            if self._hold:
                self._matched.update((m.message_id, m) for m in matches)
                # Handed out again (its lease ended): only the newest handle deletes it.
                self._matched.update(
                    (m.message_id, m) for m in batch if m.message_id in self._matched
                )
            risky = [m for m in new if limit and m.receive_count >= limit - 1]
            self.near_limit += len(risky)
            yield self
            if not batch:
                self.ended = "empty"
                return
            if risky and not self.risk_ok:
                self.ended = "receive-limit"
                return
        self.ended = "done"

    def _found(self, matches: list[Message]) -> None:
        """Count the step's matches and keep the first `keep_matches` of the walk: those are
        what it shows (the rest are counted, and held when the walk holds its matches)."""
        self.matched += len(matches)
        room = max(0, self._keep - len(self.matches))
        self.new_matches = matches[:room]
        self.matches += self.new_matches

    def _release_all(self) -> None:
        kept = {m.message_id for m in self.held}
        handles = [h for i, h in self._handles.items() if i not in kept]
        self._handles.clear()
        for start in range(0, len(handles), _RELEASE_GROUP):
            group = handles[start : start + _RELEASE_GROUP]
            self.unreleased += self._service.release(self._url, group, quiet=True)


class BrowseOperations(MessageOperations):
    def browse(self, url: str, count: int, search: MessageSearch, **options: Any) -> Walk:
        """A walk over up to `count` messages (see Walk); nothing is received until it is
        iterated."""
        return Walk(self, url, count, search, **options)

    def peek_without_receiving(self, url: str) -> list[Message]:
        """LocalStack's own view of a queue's visible messages: no receive, no receive count.
        Only LocalStack serves it (see `is_localstack`)."""
        query = urllib.parse.urlencode({"QueueUrl": url})
        raw = _get_json(f"{self.endpoint.rstrip('/')}/_aws/sqs/messages?{query}")
        messages = _peeked_messages(raw)
        return [Message.from_response({"ReceiptHandle": "", **m}) for m in messages]


def _peeked_messages(raw: Any) -> list[dict[str, Any]]:
    """LocalStack answers in ReceiveMessage's JSON shape, wrapped or not."""
    if isinstance(raw, dict) and "ReceiveMessageResponse" in raw:
        raw = raw["ReceiveMessageResponse"].get("ReceiveMessageResult") or {}
    messages = raw.get("Messages", raw.get("Message", [])) if isinstance(raw, dict) else raw
    if isinstance(messages, dict):
        messages = [messages]
    if not isinstance(messages, list):
        raise errors.UnexpectedResponse("LocalStack's message view answered in an unknown shape.")
    for message in messages:
        # The query protocol's shape: attributes as lists of Name/Value pairs.
        if isinstance(message.get("Attribute"), list):
            message["Attributes"] = {a["Name"]: a["Value"] for a in message.pop("Attribute")}
        if isinstance(message.get("MessageAttribute"), list):
            message["MessageAttributes"] = {
                a["Name"]: a["Value"] for a in message.pop("MessageAttribute")
            }
    return messages


def _get_json(address: str, timeout: float = 10) -> Any:
    request = urllib.request.Request(address, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise errors.EndpointUnreachable(
            f"LocalStack's message view did not answer: {error}"
        ) from None


_localstack: dict[str, bool] = {}


def is_localstack(endpoint: str) -> bool:
    """Whether `endpoint` is LocalStack: its health endpoint answers. Remembered per endpoint
    for the life of the process."""
    endpoint = endpoint.rstrip("/")
    if endpoint not in _localstack:
        try:
            health = _get_json(f"{endpoint}/_localstack/health", timeout=2)
        except errors.SqsError:
            health = None
        _localstack[endpoint] = isinstance(health, dict) and "services" in health
    return _localstack[endpoint]
