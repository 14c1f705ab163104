"""How the dashboard words SQS values: durations, sizes and the console's attribute labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from ..sqs import QueueAttributes, RedriveAllowPolicy
from ..sqs.messages import epoch_millis


class AttributeRow(NamedTuple):
    label: str
    value: str
    exact: str = ""  # the value to the unit, shown on hover ("262,144 bytes")


REDRIVE_ALLOW_LABELS = {
    "allowAll": "Any queue may use this as its dead-letter queue",
    "denyAll": "No queue may use this as its dead-letter queue",
    "byQueue": "Only the listed queues may use this as their dead-letter queue",
}
DEDUPLICATION_SCOPES = {"messageGroup": "Message group", "queue": "Queue"}
THROUGHPUT_LIMITS = {"perQueue": "Per queue", "perMessageGroupId": "Per message group ID"}


# System attributes of a received message, in the AWS console's words and order. Timestamps are
# epoch milliseconds on the wire.
SYSTEM_ATTRIBUTES = {
    "SentTimestamp": "Sent",
    "ApproximateFirstReceiveTimestamp": "First received",
    "ApproximateReceiveCount": "Receive count",
    "SenderId": "Sender account ID",
    "MessageGroupId": "Message group ID",
    "SequenceNumber": "Sequence number",
    "MessageDeduplicationId": "Deduplication ID",
    "DeadLetterQueueSourceArn": "Dead-letter queue source ARN",
    "AWSTraceHeader": "AWS X-Ray trace header",
}
TIMESTAMPS = {"SentTimestamp", "ApproximateFirstReceiveTimestamp"}


@dataclass(frozen=True)
class SystemAttribute:
    label: str
    name: str
    value: str
    time: datetime | None = None


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


def short_bytes(size: int | None) -> str:
    """A size for a narrow column: 312 -> "312 B", 1536 -> "1.5 KiB", 1048576 -> "1.0 MiB"."""
    if size is None:
        return ""
    for unit, factor in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


def largest_unit(seconds: int) -> str:
    """A span in its largest whole unit: 42 -> "42 seconds", 5400 -> "1 hour", 90000 -> "1 day"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size or unit == "second":
            amount = seconds // size
            return f"{amount} {unit}{'s' if amount != 1 else ''}"
    return ""  # pragma: no cover


def time_ago(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in the largest whole unit: "just now", "42 seconds ago", "5 minutes ago",
    "1 day ago"; a moment ahead of this server's clock reads "just now"."""
    if moment is None:
        return ""
    seconds = int(((now or datetime.now(tz=UTC)) - moment).total_seconds())
    return f"{largest_unit(seconds)} ago" if seconds >= 1 else "just now"


def utc_time(moment: datetime | None) -> str:
    """2026-12-02 05:18:26.361 UTC: the exact moment, milliseconds included."""
    if moment is None:
        return ""
    # isoformat ends a moment in UTC with "+00:00"; it costs half of what strftime does (a poll
    # prints two or three a message).
    return moment.astimezone(UTC).isoformat(" ", "milliseconds")[:-6] + " UTC"


def system_attribute_rows(attributes: dict[str, str]) -> list[SystemAttribute]:
    """A received message's system attributes with console labels, known ones first in the
    console's order, timestamps as datetimes; unknown names keep their API name as label."""
    known = [name for name in SYSTEM_ATTRIBUTES if name in attributes]
    others = sorted(name for name in attributes if name not in SYSTEM_ATTRIBUTES)
    rows = []
    for name in known + others:
        value = attributes[name]
        time = None
        if name in TIMESTAMPS:
            try:
                time = datetime.fromtimestamp(epoch_millis(value) or 0, tz=UTC)
            except (ValueError, OverflowError, OSError):
                time = None
        rows.append(SystemAttribute(SYSTEM_ATTRIBUTES.get(name, name), name, value, time))
    return rows


def redrive_allow_label(policy: RedriveAllowPolicy | None) -> str:
    if policy is None:
        return "Any queue may use this as its dead-letter queue (default)"
    return REDRIVE_ALLOW_LABELS.get(policy.permission, policy.permission)


def attribute_rows(settings: QueueAttributes) -> list[AttributeRow]:
    """Label, value in human units (and exact, where rounding hides it) for every attribute, in
    the AWS console's order."""
    size = settings.maximum_message_size
    rows = [
        ("Visibility timeout", human_duration(settings.visibility_timeout)),
        ("Message retention period", human_duration(settings.message_retention_period)),
        ("Delivery delay", human_duration(settings.delay_seconds)),
        AttributeRow("Maximum message size", human_bytes(size), f"{size:,} bytes" if size else ""),
        ("Receive message wait time", human_duration(settings.receive_message_wait_time_seconds)),
        ("Encryption", settings.encryption),
    ]
    if settings.kms_master_key_id:
        rows += [
            ("KMS key", settings.kms_master_key_id),
            ("Data key reuse period", human_duration(settings.kms_data_key_reuse_period_seconds)),
        ]
    if settings.fifo_queue:
        scope = settings.deduplication_scope
        limit = settings.fifo_throughput_limit
        rows += [
            (
                "Content-based deduplication",
                "Enabled" if settings.content_based_deduplication else "Disabled",
            ),
            ("Deduplication scope", DEDUPLICATION_SCOPES.get(scope, scope or "Queue")),
            ("FIFO throughput limit", THROUGHPUT_LIMITS.get(limit, limit or "Per queue")),
        ]
    rows.append(("Redrive allow policy", redrive_allow_label(settings.redrive_allow_policy)))
    return [AttributeRow(*row) for row in rows]
