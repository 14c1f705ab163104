"""Messages as the SQS layer sends and receives them, and the results of batch calls."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any


def epoch_millis(raw: str | None) -> float | None:
    """System attributes carry epoch milliseconds as strings; return epoch seconds."""
    if not raw:
        return None
    return float(raw) / 1000


# A body that may be base64: its alphabet only, whole 4-character groups, long enough that an
# ordinary word ("test", "done") is not mistaken for one.
_BASE64 = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}|[A-Za-z0-9_-]{12,}={0,2}")
_GZIP_MAGIC = b"\x1f\x8b"
# Decoding stops here: a small gzip body can unpack to gigabytes.
MAX_DECODED = 1 << 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def pretty_json(text: str) -> str | None:
    """The text indented, when it is a JSON object or array; else None."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return None


@dataclass(frozen=True)
class DecodedBody:
    """What a base64 (optionally gzip-compressed) body holds, when it holds text."""

    encoding: str  # "base64" or "base64 + gzip"
    text: str
    truncated: bool = False

    @cached_property
    def pretty(self) -> str | None:
        return pretty_json(self.text)


def decode_body(body: str) -> DecodedBody | None:
    """The text inside a base64 or base64-of-gzip body, or None when the body is not one of those
    or does not decode to readable UTF-8 text (binary stays as it is: we never guess further)."""
    compact = "".join(body.split())
    if len(compact) % 4 or not _BASE64.fullmatch(compact):
        return None
    try:
        raw = base64.b64decode(compact.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None
    encoding, truncated = "base64", False
    if raw.startswith(_GZIP_MAGIC):
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            raw = inflater.decompress(raw, MAX_DECODED)
        except zlib.error:
            return None
        encoding, truncated = "base64 + gzip", bool(inflater.unconsumed_tail)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if not truncated:
            return None
        # Cut mid-character at the limit: drop the partial character only.
        text = raw.decode("utf-8", errors="ignore")
    if not text.strip() or _CONTROL.search(text):
        return None
    return DecodedBody(encoding=encoding, text=text, truncated=truncated)


def attribute_size(attributes: dict[str, dict[str, Any]] | None) -> int:
    """What message attributes add to a message's size: name, data type and value, in bytes."""
    size = 0
    for name, attribute in (attributes or {}).items():
        size += len(name.encode()) + len(attribute.get("DataType", "").encode())
        if "BinaryValue" in attribute:
            size += len(attribute["BinaryValue"])
        else:
            size += len(str(attribute.get("StringValue", "")).encode())
    return size


def message_size(body: str, attributes: dict[str, dict[str, Any]] | None = None) -> int:
    """The size SQS checks against MaximumMessageSize: the UTF-8 body plus its attributes."""
    return len(body.encode()) + attribute_size(attributes)


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to send; attributes in SendMessage's shape ({name: {DataType, ...Value}})."""

    body: str
    group_id: str = ""
    deduplication_id: str = ""
    delay_seconds: int | None = None
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return message_size(self.body, self.attributes)

    def parameters(self) -> dict[str, Any]:
        params: dict[str, Any] = {"MessageBody": self.body}
        if self.group_id:
            params["MessageGroupId"] = self.group_id
        if self.deduplication_id:
            params["MessageDeduplicationId"] = self.deduplication_id
        if self.delay_seconds is not None:
            params["DelaySeconds"] = self.delay_seconds
        if self.attributes:
            params["MessageAttributes"] = self.attributes
        return params


@dataclass(frozen=True)
class SendResult:
    message_id: str
    sequence_number: str = ""


@dataclass(frozen=True)
class BatchEntryResult:
    """The outcome of one entry of a batch call; `index` is its position in what was asked."""

    index: int
    message_id: str = ""
    sequence_number: str = ""
    error: str = ""
    code: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class BatchResult:
    entries: tuple[BatchEntryResult, ...]

    @property
    def succeeded(self) -> tuple[BatchEntryResult, ...]:
        return tuple(e for e in self.entries if e.ok)

    @property
    def failed(self) -> tuple[BatchEntryResult, ...]:
        return tuple(e for e in self.entries if not e.ok)


@dataclass(frozen=True)
class MessageAttribute:
    name: str
    data_type: str
    string_value: str | None = None
    binary_value: bytes | None = None

    @property
    def display_value(self) -> str:
        if self.binary_value is not None:
            return base64.b64encode(self.binary_value).decode()
        return self.string_value or ""

    @property
    def size(self) -> int:
        value = (
            len(self.binary_value)
            if self.binary_value is not None
            else len((self.string_value or "").encode())
        )
        return len(self.name.encode()) + len(self.data_type.encode()) + value

    def as_json(self) -> dict[str, str]:
        key = "BinaryValue" if self.binary_value is not None else "StringValue"
        return {"DataType": self.data_type, key: self.display_value}


@dataclass(frozen=True)
class Message:
    """A received message. Timestamps are epoch seconds as floats."""

    message_id: str
    receipt_handle: str
    body: str
    md5_of_body: str
    sent_at: float | None
    receive_count: int
    group_id: str
    sequence_number: str
    first_received_at: float | None
    attributes: tuple[MessageAttribute, ...]
    system_attributes: dict[str, str]

    @classmethod
    def from_response(cls, raw: dict[str, Any]) -> Message:
        system = dict(raw.get("Attributes", {}))
        attributes = tuple(
            MessageAttribute(
                name=name,
                data_type=value.get("DataType", "String"),
                string_value=value.get("StringValue"),
                binary_value=value.get("BinaryValue"),
            )
            for name, value in sorted(raw.get("MessageAttributes", {}).items())
        )
        return cls(
            message_id=raw["MessageId"],
            receipt_handle=raw["ReceiptHandle"],
            body=raw.get("Body", ""),
            md5_of_body=raw.get("MD5OfBody", ""),
            sent_at=epoch_millis(system.get("SentTimestamp")),
            receive_count=int(system.get("ApproximateReceiveCount", 0)),
            group_id=system.get("MessageGroupId", ""),
            sequence_number=system.get("SequenceNumber", ""),
            first_received_at=epoch_millis(system.get("ApproximateFirstReceiveTimestamp")),
            attributes=attributes,
            system_attributes=system,
        )

    @property
    def size(self) -> int:
        return len(self.body.encode()) + sum(a.size for a in self.attributes)

    @property
    def sent(self) -> datetime | None:
        return datetime.fromtimestamp(self.sent_at, tz=UTC) if self.sent_at else None

    @property
    def preview(self) -> str:
        return self.body[:100]

    @property
    def short_id(self) -> str:
        """The ID for a narrow column: its first 8 characters and an ellipsis, as Django's
        truncatechars(9) cuts a message ID (ASCII, 36 characters), at a fraction of the cost."""
        return self.message_id if len(self.message_id) <= 9 else f"{self.message_id[:8]}…"

    @cached_property
    def pretty_body(self) -> str | None:
        return pretty_json(self.body)

    @cached_property
    def decoded_body(self) -> DecodedBody | None:
        return decode_body(self.body)

    def as_json(self) -> dict[str, Any]:
        """What an export line holds: id, body, message and system attributes."""
        return {
            "MessageId": self.message_id,
            "Body": self.body,
            "MD5OfBody": self.md5_of_body,
            "MessageAttributes": {a.name: a.as_json() for a in self.attributes},
            "Attributes": self.system_attributes,
        }


@dataclass(frozen=True)
class PeekResult:
    """Messages seen by a poll that leaves them in the queue; `unreleased` could not be made
    visible again and stay hidden until their lease ends."""

    messages: tuple[Message, ...]
    unreleased: int = 0


@dataclass
class Peeking:
    """A peek under way (SqsService.peeking): its messages are received; `unreleased` is set
    once they have been released, when the peeking block ends."""

    messages: tuple[Message, ...]
    unreleased: int | None = None


@dataclass(frozen=True)
class DeleteResult:
    receipt_handle: str
    error: str = ""
    code: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def stale(self) -> bool:
        return self.code == "ReceiptHandleIsInvalid"


@dataclass(frozen=True)
class SelectedDeletion:
    """What became of messages selected for deletion, by MessageId as SQS returned them."""

    deleted: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (MessageId, why)
    missing: tuple[str, ...] = ()  # no receive returned them

    @property
    def complete(self) -> bool:
        return not (self.failed or self.missing)


@dataclass(frozen=True)
class LeasedSelection:
    """Selected messages received again under a lease: those found (with fresh receipt
    handles), the handles of others received on the way, and the IDs no receive returned."""

    found: tuple[Message, ...]
    others: list[str]
    missing: tuple[str, ...]
    # A found message handed out twice by parallel receives: its other receipt handles (which
    # one is the newest, the one a delete needs, is not known).
    earlier_handles: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def handles_of(self, message: Message) -> list[str]:
        return [message.receipt_handle, *self.earlier_handles.get(message.message_id, ())]
