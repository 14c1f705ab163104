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
    tags: dict[str, str] = field(default_factory=dict)

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
        return bool(self.attributes.get("RedrivePolicy"))

    @property
    def dead_letter_queue_name(self) -> str:
        policy = self.settings.redrive_policy
        return policy.dead_letter_queue_name if policy else ""

    @cached_property
    def settings(self) -> QueueAttributes:
        return QueueAttributes.from_raw(self.attributes)


def queue_name_from_arn(arn: str) -> str:
    return arn.rsplit(":", 1)[-1]


def human_duration(seconds: int | float | None) -> str:
    """30 -> "30 seconds", 345600 -> "4 days", 5400 -> "1 hour 30 minutes"."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    if seconds == 0:
        return "0 seconds"
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
    return " ".join(parts)


def human_bytes(size: int | None) -> str:
    """262144 -> "256 KiB", 1048576 -> "1 MiB", 1000 -> "1,000 bytes"."""
    if size is None:
        return ""
    for unit, factor in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.1f} KiB ({size:,} bytes)"
    return f"{size:,} bytes"


@dataclass(frozen=True)
class RedrivePolicy:
    """Where messages go after `max_receive_count` receives."""

    dead_letter_target_arn: str
    max_receive_count: int

    @property
    def dead_letter_queue_name(self) -> str:
        return queue_name_from_arn(self.dead_letter_target_arn)

    @classmethod
    def parse(cls, raw: str | None) -> RedrivePolicy | None:
        if not raw:
            return None
        data = json.loads(raw)
        return cls(str(data.get("deadLetterTargetArn", "")), int(data.get("maxReceiveCount", 0)))

    def to_raw(self) -> str:
        return json.dumps(
            {
                "deadLetterTargetArn": self.dead_letter_target_arn,
                "maxReceiveCount": str(self.max_receive_count),
            }
        )


@dataclass(frozen=True)
class RedriveAllowPolicy:
    """Which queues may use this one as their dead-letter queue."""

    permission: str  # allowAll | denyAll | byQueue
    source_queue_arns: tuple[str, ...] = ()

    LABELS = {
        "allowAll": "Any queue may use this as its dead-letter queue",
        "denyAll": "No queue may use this as its dead-letter queue",
        "byQueue": "Only the listed queues may use this as their dead-letter queue",
    }

    @property
    def label(self) -> str:
        return self.LABELS.get(self.permission, self.permission)

    @classmethod
    def parse(cls, raw: str | None) -> RedriveAllowPolicy | None:
        if not raw:
            return None
        data = json.loads(raw)
        return cls(str(data.get("redrivePermission", "")), tuple(data.get("sourceQueueArns") or ()))

    def to_raw(self) -> str:
        data: dict[str, Any] = {"redrivePermission": self.permission}
        if self.permission == "byQueue":
            data["sourceQueueArns"] = list(self.source_queue_arns)
        return json.dumps(data)


# The attributes CreateQueue/SetQueueAttributes accept, with AWS's defaults.
DEFAULTS: dict[str, Any] = {
    "DelaySeconds": 0,
    "MaximumMessageSize": 262144,
    "MessageRetentionPeriod": 345600,
    "ReceiveMessageWaitTimeSeconds": 0,
    "VisibilityTimeout": 30,
    "KmsDataKeyReusePeriodSeconds": 300,
}


# Settable attribute -> QueueAttributes field.
_SETTABLE = {
    "VisibilityTimeout": "visibility_timeout",
    "MessageRetentionPeriod": "message_retention_period",
    "DelaySeconds": "delay_seconds",
    "MaximumMessageSize": "maximum_message_size",
    "ReceiveMessageWaitTimeSeconds": "receive_message_wait_time_seconds",
    "RedrivePolicy": "redrive_policy",
    "RedriveAllowPolicy": "redrive_allow_policy",
    "SqsManagedSseEnabled": "sqs_managed_sse_enabled",
    "KmsMasterKeyId": "kms_master_key_id",
    "KmsDataKeyReusePeriodSeconds": "kms_data_key_reuse_period_seconds",
    "ContentBasedDeduplication": "content_based_deduplication",
    "DeduplicationScope": "deduplication_scope",
    "FifoThroughputLimit": "fifo_throughput_limit",
}


def _int(raw: dict[str, str], name: str) -> int:
    value = raw.get(name)
    return int(value) if value not in (None, "") else DEFAULTS[name]


def _bool(raw: dict[str, str], name: str) -> bool:
    return str(raw.get(name, "")).lower() == "true"


def _float(raw: dict[str, str], name: str) -> float | None:
    value = raw.get(name)
    return float(value) if value else None


@dataclass(frozen=True)
class QueueAttributes:
    """Every queue attribute in typed form (GetQueueAttributes' strings parsed once)."""

    visibility_timeout: int = DEFAULTS["VisibilityTimeout"]
    message_retention_period: int = DEFAULTS["MessageRetentionPeriod"]
    delay_seconds: int = DEFAULTS["DelaySeconds"]
    maximum_message_size: int = DEFAULTS["MaximumMessageSize"]
    receive_message_wait_time_seconds: int = DEFAULTS["ReceiveMessageWaitTimeSeconds"]
    redrive_policy: RedrivePolicy | None = None
    redrive_allow_policy: RedriveAllowPolicy | None = None
    sqs_managed_sse_enabled: bool = False
    kms_master_key_id: str = ""
    kms_data_key_reuse_period_seconds: int = DEFAULTS["KmsDataKeyReusePeriodSeconds"]
    fifo_queue: bool = False
    content_based_deduplication: bool = False
    deduplication_scope: str = ""  # messageGroup | queue (FIFO only)
    fifo_throughput_limit: str = ""  # perQueue | perMessageGroupId (FIFO only)
    policy: str = ""
    # Read-only.
    queue_arn: str = ""
    created_timestamp: float | None = None
    last_modified_timestamp: float | None = None
    approximate_number_of_messages: int = 0
    approximate_number_of_messages_not_visible: int = 0
    approximate_number_of_messages_delayed: int = 0
    raw: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_raw(cls, raw: dict[str, str]) -> QueueAttributes:
        return cls(
            visibility_timeout=_int(raw, "VisibilityTimeout"),
            message_retention_period=_int(raw, "MessageRetentionPeriod"),
            delay_seconds=_int(raw, "DelaySeconds"),
            maximum_message_size=_int(raw, "MaximumMessageSize"),
            receive_message_wait_time_seconds=_int(raw, "ReceiveMessageWaitTimeSeconds"),
            redrive_policy=RedrivePolicy.parse(raw.get("RedrivePolicy")),
            redrive_allow_policy=RedriveAllowPolicy.parse(raw.get("RedriveAllowPolicy")),
            sqs_managed_sse_enabled=_bool(raw, "SqsManagedSseEnabled"),
            kms_master_key_id=raw.get("KmsMasterKeyId", ""),
            kms_data_key_reuse_period_seconds=_int(raw, "KmsDataKeyReusePeriodSeconds"),
            fifo_queue=_bool(raw, "FifoQueue"),
            content_based_deduplication=_bool(raw, "ContentBasedDeduplication"),
            deduplication_scope=raw.get("DeduplicationScope", ""),
            fifo_throughput_limit=raw.get("FifoThroughputLimit", ""),
            policy=raw.get("Policy", ""),
            queue_arn=raw.get("QueueArn", ""),
            created_timestamp=_float(raw, "CreatedTimestamp"),
            last_modified_timestamp=_float(raw, "LastModifiedTimestamp"),
            approximate_number_of_messages=int(raw.get("ApproximateNumberOfMessages", 0)),
            approximate_number_of_messages_not_visible=int(
                raw.get("ApproximateNumberOfMessagesNotVisible", 0)
            ),
            approximate_number_of_messages_delayed=int(
                raw.get("ApproximateNumberOfMessagesDelayed", 0)
            ),
            raw=dict(raw),
        )

    @property
    def encryption(self) -> str:
        if self.kms_master_key_id:
            return "SSE-KMS"
        if self.sqs_managed_sse_enabled:
            return "SSE-SQS"
        return "None"

    def to_raw(self) -> dict[str, str]:
        """The settable attributes as SetQueueAttributes/CreateQueue want them.

        FifoQueue is left out: it is fixed at creation (by the name). Empty policies are sent as
        "" so that setting them removes an existing one.
        """
        raw = {
            "VisibilityTimeout": str(self.visibility_timeout),
            "MessageRetentionPeriod": str(self.message_retention_period),
            "DelaySeconds": str(self.delay_seconds),
            "MaximumMessageSize": str(self.maximum_message_size),
            "ReceiveMessageWaitTimeSeconds": str(self.receive_message_wait_time_seconds),
            "RedrivePolicy": self.redrive_policy.to_raw() if self.redrive_policy else "",
            "RedriveAllowPolicy": (
                self.redrive_allow_policy.to_raw() if self.redrive_allow_policy else ""
            ),
        }
        if self.kms_master_key_id:
            raw["KmsMasterKeyId"] = self.kms_master_key_id
            raw["KmsDataKeyReusePeriodSeconds"] = str(self.kms_data_key_reuse_period_seconds)
        else:
            raw["SqsManagedSseEnabled"] = "true" if self.sqs_managed_sse_enabled else "false"
        if self.fifo_queue:
            raw["ContentBasedDeduplication"] = (
                "true" if self.content_based_deduplication else "false"
            )
            if self.deduplication_scope:
                raw["DeduplicationScope"] = self.deduplication_scope
            if self.fifo_throughput_limit:
                raw["FifoThroughputLimit"] = self.fifo_throughput_limit
        if self.policy:
            raw["Policy"] = self.policy
        return raw

    def changes_from(self, old: QueueAttributes) -> dict[str, str]:
        """The SetQueueAttributes parameters that turn `old` into these attributes, compared in
        typed form (SQS's JSON spelling of a policy may differ from ours)."""
        new_raw, changed = self.to_raw(), {}
        for name, field_name in _SETTABLE.items():
            if name in new_raw and getattr(self, field_name) != getattr(old, field_name):
                changed[name] = new_raw[name]
        if old.kms_master_key_id and not self.kms_master_key_id:
            changed["KmsMasterKeyId"] = ""
            changed["SqsManagedSseEnabled"] = new_raw["SqsManagedSseEnabled"]
        return changed

    def human(self) -> list[tuple[str, str]]:
        """(label, value in human units) for every attribute, in the console's order."""
        rows = [
            ("Visibility timeout", human_duration(self.visibility_timeout)),
            ("Message retention period", human_duration(self.message_retention_period)),
            ("Delivery delay", human_duration(self.delay_seconds)),
            ("Maximum message size", human_bytes(self.maximum_message_size)),
            ("Receive message wait time", human_duration(self.receive_message_wait_time_seconds)),
            ("Encryption", self.encryption),
        ]
        if self.kms_master_key_id:
            rows += [
                ("KMS key", self.kms_master_key_id),
                ("Data key reuse period", human_duration(self.kms_data_key_reuse_period_seconds)),
            ]
        if self.fifo_queue:
            rows += [
                (
                    "Content-based deduplication",
                    "Enabled" if self.content_based_deduplication else "Disabled",
                ),
                (
                    "Deduplication scope",
                    {"messageGroup": "Message group", "queue": "Queue"}.get(
                        self.deduplication_scope, self.deduplication_scope or "Queue"
                    ),
                ),
                (
                    "FIFO throughput limit",
                    {"perQueue": "Per queue", "perMessageGroupId": "Per message group ID"}.get(
                        self.fifo_throughput_limit, self.fifo_throughput_limit or "Per queue"
                    ),
                ),
            ]
        rows.append(
            (
                "Redrive allow policy",
                self.redrive_allow_policy.label
                if self.redrive_allow_policy
                else "Any queue may use this as its dead-letter queue (default)",
            )
        )
        return rows


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
    policy = queue.settings.redrive_policy
    return policy.max_receive_count if policy and policy.max_receive_count else None


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
