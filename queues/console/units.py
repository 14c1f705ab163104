"""How the dashboard words SQS values: durations, sizes and the console's attribute labels."""

from __future__ import annotations

from typing import NamedTuple

from ..sqs import QueueAttributes, RedriveAllowPolicy


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
