"""Queues as the SQS layer returns them: names and URLs, counts, and typed attributes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_NAME = 80
FIFO_SUFFIX = ".fifo"
# SQS's tag rules: at most 50 a queue, keys up to 128 characters, values up to 256.
MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE = 50, 128, 256


def tag_key_problem(key: str) -> str:
    """Why SQS would refuse `key` as a tag key, or ""."""
    if not key:
        return "Every tag needs a key."
    if len(key) > MAX_TAG_KEY:
        return f"Tag keys are at most {MAX_TAG_KEY} characters."
    if key.lower().startswith("aws:"):
        return "Tag keys starting with aws: are reserved."
    return ""


def tags_problem(tags: dict[str, str]) -> str:
    """Why SQS would refuse a queue's tags (the whole set, as it will be), or ""."""
    if len(tags) > MAX_TAGS:
        return f"A queue has at most {MAX_TAGS} tags (this change leaves {len(tags)})."
    for key, value in tags.items():
        if problem := tag_key_problem(key):
            return f"{problem} ({key[:40]!r})"
        if len(value) > MAX_TAG_VALUE:
            return f"Tag values are at most {MAX_TAG_VALUE} characters (the value of {key})."
    return ""


def queue_name_problem(name: str, *, fifo: bool) -> str:
    """Why `name` cannot be a queue name (after the .fifo suffix is settled), or ""."""
    if not name:
        return "Enter a queue name."
    if len(name) > MAX_NAME:
        return f"A queue name is at most {MAX_NAME} characters (this one has {len(name)})."
    base = name.removesuffix(FIFO_SUFFIX) if fifo else name
    if fifo and not name.endswith(FIFO_SUFFIX):
        return "A FIFO queue's name must end in .fifo."
    if not fifo and name.endswith(FIFO_SUFFIX):
        return "Only FIFO queue names end in .fifo: choose FIFO, or drop the suffix."
    if not base:
        return "Enter a name before .fifo."
    if not NAME_RE.match(base):
        return "Use only letters, digits, hyphens (-) and underscores (_)."
    return ""


def settled_queue_name(raw: str, *, fifo: bool) -> str:
    """The name as it will be created: trimmed, with .fifo added for you when FIFO is chosen."""
    name = raw.strip()
    if fifo and name and not name.endswith(FIFO_SUFFIX):
        name += FIFO_SUFFIX
    return name


COUNT_ATTRIBUTES = [
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
]
# What a row of the queue list shows besides the name: counts, age and the DLQ link.
ROW_ATTRIBUTES = [*COUNT_ATTRIBUTES, "CreatedTimestamp", "QueueArn", "RedrivePolicy"]


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
    def dead_letter_queue_name(self) -> str:
        policy = self.redrive_policy
        return policy.dead_letter_queue_name if policy else ""

    @property
    def redrive_limit(self) -> int | None:
        """maxReceiveCount of the RedrivePolicy, or None when it has no dead-letter queue."""
        policy = self.redrive_policy
        return policy.max_receive_count if policy and policy.max_receive_count else None

    @cached_property
    def redrive_policy(self) -> RedrivePolicy | None:
        """The RedrivePolicy alone: a row of the queue list or a poll needs no other setting,
        and parsing all of them (`settings`) cost ~20 µs a queue, 0.5 ms a chunk of 24."""
        return RedrivePolicy.parse(self.attributes.get("RedrivePolicy"))

    @cached_property
    def settings(self) -> QueueAttributes:
        return QueueAttributes.from_raw(self.attributes)


def queue_name_from_arn(arn: str) -> str:
    return arn.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class TagChanges:
    """What TagQueue and UntagQueue must do to turn one set of tags into another."""

    added: dict[str, str] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    # The queue's tags once applied, when known: checked against SQS's rules before any call.
    result: dict[str, str] | None = None

    @classmethod
    def between(cls, old: dict[str, str], new: dict[str, str]) -> TagChanges:
        return cls(
            added={k: v for k, v in new.items() if old.get(k) != v},
            removed=tuple(sorted(set(old) - set(new))),
            result=dict(new),
        )

    @property
    def problem(self) -> str:
        """Why SQS would refuse these changes, or "" (only the added tags when the result is
        unknown)."""
        return tags_problem(self.added if self.result is None else self.result)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


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
    "MaximumMessageSize": 1_048_576,
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
