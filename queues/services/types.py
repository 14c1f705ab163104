"""Frozen dataclasses the SQS layer returns."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any


def parse_timestamp(raw: str | None) -> datetime | None:
    """SQS sends epoch seconds as a string; moto sends fractions, so parse as a float."""
    if not raw:
        return None
    return datetime.fromtimestamp(float(raw), tz=UTC)


def queue_name_from_url(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class QueuePage:
    """One page of ListQueues: queue URLs and the token for the next page, if any."""

    urls: tuple[str, ...]
    next_token: str | None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(queue_name_from_url(url) for url in self.urls)


@dataclass(frozen=True)
class QueueCounts:
    available: int
    in_flight: int
    delayed: int

    @classmethod
    def from_attributes(cls, attributes: dict[str, str]) -> QueueCounts:
        return cls(
            available=int(attributes.get("ApproximateNumberOfMessages", 0)),
            in_flight=int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
            delayed=int(attributes.get("ApproximateNumberOfMessagesDelayed", 0)),
        )


@dataclass(frozen=True)
class Queue:
    """A queue with the attributes GetQueueAttributes(All) returned, raw and parsed."""

    name: str
    url: str
    attributes: dict[str, str]

    @property
    def is_fifo(self) -> bool:
        return self.name.endswith(".fifo")

    @property
    def type_label(self) -> str:
        return "FIFO" if self.is_fifo else "Standard"

    @property
    def arn(self) -> str:
        return self.attributes.get("QueueArn", "")

    @property
    def counts(self) -> QueueCounts:
        return QueueCounts.from_attributes(self.attributes)

    @property
    def created(self) -> datetime | None:
        return parse_timestamp(self.attributes.get("CreatedTimestamp"))

    @property
    def last_modified(self) -> datetime | None:
        return parse_timestamp(self.attributes.get("LastModifiedTimestamp"))

    @property
    def has_dead_letter_queue(self) -> bool:
        return "RedrivePolicy" in self.attributes


# Messages: the dataclasses for sends, receives and deletes follow.

# Batch calls take at most 10 entries and 1 MiB of messages together.
BATCH_ENTRIES = 10
BATCH_BYTES = 1_048_576


def epoch_millis(raw: str | None) -> float | None:
    """System attributes carry epoch milliseconds as strings; return epoch seconds."""
    if not raw:
        return None
    return float(raw) / 1000


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


def redrive_limit(queue: Queue) -> int | None:
    """maxReceiveCount of the queue's RedrivePolicy, or None when it has no dead-letter queue."""
    raw = queue.attributes.get("RedrivePolicy")
    if not raw:
        return None
    try:
        return int(json.loads(raw)["maxReceiveCount"])
    except (ValueError, KeyError, TypeError):
        return None


def dead_letter_queue_name(queue: Queue) -> str:
    raw = queue.attributes.get("RedrivePolicy")
    if not raw:
        return ""
    try:
        return str(json.loads(raw)["deadLetterTargetArn"]).rsplit(":", 1)[-1]
    except (ValueError, KeyError, TypeError):
        return ""


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
    def base_type(self) -> str:
        return self.data_type.split(".", 1)[0]

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
    def first_received(self) -> datetime | None:
        if not self.first_received_at:
            return None
        return datetime.fromtimestamp(self.first_received_at, tz=UTC)

    @property
    def preview(self) -> str:
        return self.body[:100]

    @cached_property
    def pretty_body(self) -> str | None:
        """The body indented, when it is a JSON object or array; else None."""
        if not self.body.lstrip().startswith(("{", "[")):
            return None
        try:
            return json.dumps(json.loads(self.body), indent=2, ensure_ascii=False)
        except ValueError:
            return None

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
class ConsumeResult:
    """Messages received and deleted; a message whose delete failed is back in the queue once
    its visibility timeout ends."""

    messages: tuple[Message, ...]
    deletions: tuple[DeleteResult, ...]

    @property
    def deleted(self) -> int:
        return sum(1 for d in self.deletions if d.ok)
