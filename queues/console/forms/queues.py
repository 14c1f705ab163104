"""The queue form: create and edit share it, and with it every SQS rule on names and attributes."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django import forms
from django.utils.functional import cached_property

from ...sqs import Queue, QueueAttributes, RedriveAllowPolicy, RedrivePolicy
from ...sqs.queues import (
    DEFAULTS,
    FIFO_SUFFIX,
    MAX_NAME,
    MAX_TAG_KEY,
    MAX_TAG_VALUE,
    MAX_TAGS,
    queue_name_from_arn,
    queue_name_problem,
    settled_queue_name,
    tag_key_problem,
)
from ..units import human_bytes, human_duration
from .bound_field import SharedFieldsForm
from .fields import DurationField, SizeField, radio_choice

# Rows for new tags without JavaScript (with it, "Add tag" adds rows up to MAX_TAGS).
BLANK_TAG_ROWS = 3
# Row numbers the form reads: the script numbers rows on from the last, never this far.
MAX_TAG_INDEX = 1000
# The <template> row's placeholder, which the script replaces with the row's number.
NEW_TAG_INDEX = "__index__"
TAG_FIELD_RE = re.compile(r"^tag_(?:key|value)_(\d{1,4})$")
ARN_RE = re.compile(r"^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,80}$")


def _seconds_help(low: int, high: int, default: int) -> str:
    return (
        f"{human_duration(low)} to {human_duration(high)}. AWS default: {human_duration(default)}."
    )


def _seconds_attribute(label: str, attribute: str, low: int, high: int, **extra) -> DurationField:
    """A queue attribute in seconds: its limits, and AWS's default as the initial value and in
    the help text (unless `extra` says otherwise)."""
    default = DEFAULTS[attribute]
    extra.setdefault("help_text", _seconds_help(low, high, default))
    return DurationField(label=label, min_value=low, max_value=high, initial=default, **extra)


@cache
def _tag_fields(index: int | str) -> tuple[tuple[str, forms.Field], tuple[str, forms.Field]]:
    """Row `index`'s key and value fields (those of the script's new row for NEW_TAG_INDEX),
    made once: every QueueForm shares them, as it does its declared fields."""
    label = "New tag" if index == NEW_TAG_INDEX else f"Tag {index + 1}"
    key = forms.CharField(label=f"{label} key", required=False, max_length=MAX_TAG_KEY)
    value = forms.CharField(
        label=f"{label} value", required=False, max_length=MAX_TAG_VALUE, strip=False
    )
    return (f"tag_key_{index}", key), (f"tag_value_{index}", value)


class QueueForm(SharedFieldsForm):
    """Every attribute of CreateQueue/SetQueueAttributes with AWS's default and unit.

    `queue` set: the edit form (name and type are fixed). `queue_names`: the queues of this
    workspace, offered as dead-letter queues.
    """

    name = forms.CharField(
        label="Name",
        max_length=MAX_NAME,
        help_text="1 to 80 characters: letters, digits, hyphens and underscores. FIFO names end in "
        ".fifo (added for you).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    queue_type = radio_choice(
        "Type",
        [("standard", "Standard"), ("fifo", "FIFO")],
        "standard",
        help_text="Fixed once the queue exists.",
    )
    visibility_timeout = _seconds_attribute("Visibility timeout", "VisibilityTimeout", 0, 43200)
    message_retention_period = _seconds_attribute(
        "Message retention period", "MessageRetentionPeriod", 60, 1209600
    )
    delay_seconds = _seconds_attribute("Delivery delay", "DelaySeconds", 0, 900)
    maximum_message_size = SizeField(
        label="Maximum message size",
        min_value=1024,
        max_value=1048576,
        initial=DEFAULTS["MaximumMessageSize"],
        help_text=f"{human_bytes(1024)} to {human_bytes(1048576)} (1,048,576 bytes). "
        f"AWS default: {human_bytes(DEFAULTS['MaximumMessageSize'])}.",
    )
    receive_message_wait_time_seconds = _seconds_attribute(
        "Receive message wait time",
        "ReceiveMessageWaitTimeSeconds",
        0,
        20,
        help_text="0 seconds (short polling) to 20 seconds (long polling). AWS default: 0 seconds.",
    )
    dead_letter_queue = forms.CharField(
        label="Dead-letter queue",
        required=False,
        max_length=256,
        widget=forms.TextInput(
            attrs={
                "list": "dead-letter-queues",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": "Queue name or ARN; blank for none",
            }
        ),
        help_text="Messages received more than the maximum receives go here: type to search "
        "every queue of the same type (Standard or FIFO) in this account and region, or paste "
        "its ARN.",
    )
    max_receive_count = forms.IntegerField(
        label="Maximum receives",
        min_value=1,
        max_value=1000,
        initial=10,
        required=False,
        help_text="1 to 1,000 receives before a message moves to the dead-letter queue.",
    )
    redrive_permission = forms.ChoiceField(
        label="Redrive allow policy",
        required=False,
        choices=[
            ("", "Not set (any queue may use this one as its dead-letter queue)"),
            ("allowAll", "Allow all: any queue may use this one as its dead-letter queue"),
            ("denyAll", "Deny all: no queue may use this one as its dead-letter queue"),
            ("byQueue", "By queue: only the source queues listed below"),
        ],
    )
    redrive_source_arns = forms.CharField(
        label="Source queue ARNs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="One queue ARN a line, at most 10.",
    )
    encryption = radio_choice(
        "Server-side encryption",
        [
            ("none", "Disabled"),
            ("sse-sqs", "SSE-SQS (keys managed by SQS)"),
            ("sse-kms", "SSE-KMS (a KMS key)"),
        ],
        "sse-sqs",
        help_text="AWS default for new queues: SSE-SQS.",
    )
    kms_master_key_id = forms.CharField(
        label="KMS key",
        required=False,
        max_length=2048,
        initial="alias/aws/sqs",
        help_text="Key ID, alias (alias/aws/sqs is the AWS managed key) or ARN.",
    )
    kms_data_key_reuse_period_seconds = _seconds_attribute(
        "Data key reuse period", "KmsDataKeyReusePeriodSeconds", 60, 86400, required=False
    )
    content_based_deduplication = forms.BooleanField(
        label="Content-based deduplication",
        required=False,
        help_text="Use a SHA-256 hash of the body as the deduplication ID when a message has "
        "none. AWS default: off.",
    )
    deduplication_scope = forms.ChoiceField(
        label="Deduplication scope",
        choices=[("queue", "Queue"), ("messageGroup", "Message group")],
        initial="queue",
        required=False,
        help_text="AWS default: Queue. High throughput needs Message group.",
    )
    max_tags, blank_tag_rows = MAX_TAGS, BLANK_TAG_ROWS
    fifo_throughput_limit = forms.ChoiceField(
        label="FIFO throughput limit",
        choices=[("perQueue", "Per queue"), ("perMessageGroupId", "Per message group ID")],
        initial="perQueue",
        required=False,
        help_text="AWS default: Per queue. Per message group ID (with Message group scope) is "
        "high throughput FIFO.",
    )

    def __init__(
        self,
        *args: Any,
        queue: Queue | None = None,
        queue_names: list[str] | tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        self.queue = queue
        kwargs.setdefault("label_suffix", "")
        if queue is not None:
            kwargs.setdefault("initial", initial_for(queue))
        super().__init__(*args, **kwargs)
        if queue is not None:
            del self.fields["name"]
            del self.fields["queue_type"]
        own = queue.name if queue else None
        # Suggestions only: any queue of the account can be typed (prefix search, see the
        # dead-letter-options view), and the name is checked with SQS when saving.
        self.dead_letter_suggestions = [n for n in sorted(queue_names) if n != own]
        self.tag_indexes = self._tag_rows()
        for i in self.tag_indexes:
            self.fields.update(_tag_fields(i))

    def _tag_rows(self) -> list[int]:
        """The tag rows' numbers: as posted (rows added by the script, some removed), else the
        queue's tags and a few blank rows for adding tags without JavaScript."""
        if self.is_bound:
            posted = {
                int(match[1])
                for key in self.data
                if (match := TAG_FIELD_RE.match(key)) and int(match[1]) < MAX_TAG_INDEX
            }
            return sorted(posted)
        existing = sum(1 for key in self.initial if key.startswith("tag_key_"))
        return list(range(min(MAX_TAGS, existing + BLANK_TAG_ROWS)))

    @cached_property
    def tag_row_template(self) -> tuple[forms.BoundField, forms.BoundField]:
        """The fields of a row the script adds (in a <template>; it numbers them)."""
        key, value = (
            field.get_bound_field(self, name) for name, field in _tag_fields(NEW_TAG_INDEX)
        )
        return key, value

    @property
    def next_tag_index(self) -> int:
        """The number the script gives the next row it adds."""
        return max(self.tag_indexes, default=-1) + 1

    @property
    def is_fifo(self) -> bool:
        if self.queue is not None:
            return self.queue.is_fifo
        value = self.data.get("queue_type") if self.is_bound else self.initial.get("queue_type")
        return value == "fifo"

    @property
    def tag_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"tag_key_{i}"], self[f"tag_value_{i}"]) for i in self.tag_indexes]

    @property
    def fifo_fields(self) -> list[forms.BoundField]:
        return [
            self[n]
            for n in ("content_based_deduplication", "deduplication_scope", "fifo_throughput_limit")
        ]

    def clean_name(self) -> str:
        name = settled_queue_name(
            self.cleaned_data["name"], fifo=self.data.get("queue_type") == "fifo"
        )
        problem = queue_name_problem(name, fifo=self.data.get("queue_type") == "fifo")
        if problem:
            raise forms.ValidationError(problem)
        return name

    def clean_redrive_source_arns(self) -> tuple[str, ...]:
        arns = tuple(line.strip() for line in self.cleaned_data["redrive_source_arns"].split())
        arns = tuple(a for a in arns if a)
        bad = [a for a in arns if not ARN_RE.match(a)]
        if bad:
            raise forms.ValidationError(f"Not an SQS queue ARN: {bad[0]}")
        if len(arns) > 10:
            raise forms.ValidationError("At most 10 source queues.")
        return arns

    def clean_dead_letter_queue(self) -> str:
        """A queue name, or an ARN of a queue (its name is what SQS is asked about)."""
        value = self.cleaned_data["dead_letter_queue"].strip()
        name = queue_name_from_arn(value) if value.startswith("arn:") else value
        if value.startswith("arn:") and not ARN_RE.match(value):
            raise forms.ValidationError(f"Not an SQS queue ARN: {value}")
        if value and (problem := queue_name_problem(name, fifo=name.endswith(FIFO_SUFFIX))):
            raise forms.ValidationError(problem)
        if self.queue is not None and name == self.queue.name:
            raise forms.ValidationError("A queue cannot be its own dead-letter queue.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        dlq = data.get("dead_letter_queue")
        if dlq:
            if dlq.endswith(FIFO_SUFFIX) != self.is_fifo:
                kind = "FIFO" if self.is_fifo else "Standard"
                self.add_error(
                    "dead_letter_queue", f"A {kind} queue needs a {kind} dead-letter queue."
                )
            if not data.get("max_receive_count"):
                self.add_error("max_receive_count", "Enter the maximum receives (1 to 1,000).")
        if data.get("redrive_permission") == "byQueue" and not data.get("redrive_source_arns"):
            self.add_error("redrive_source_arns", "List at least one source queue ARN.")
        if data.get("encryption") == "sse-kms":
            if not data.get("kms_master_key_id", "").strip():
                self.add_error("kms_master_key_id", "Enter the KMS key to encrypt with.")
            if not data.get("kms_data_key_reuse_period_seconds"):
                self.add_error(
                    "kms_data_key_reuse_period_seconds", "Enter 1 minute to 1 day (24 hours)."
                )
        if (
            self.is_fifo
            and data.get("fifo_throughput_limit") == "perMessageGroupId"
            and data.get("deduplication_scope") != "messageGroup"
        ):
            self.add_error(
                "fifo_throughput_limit",
                "Per message group ID throughput needs the Message group deduplication scope.",
            )
        self._clean_tags()
        return data

    def _clean_tags(self) -> None:
        """A row whose key and value are blank adds nothing; clearing a stored tag's key removes
        that tag (whatever its value box still holds)."""
        tags: dict[str, str] = {}
        for i in self.tag_indexes:
            key = (self.cleaned_data.get(f"tag_key_{i}") or "").strip()
            value = self.cleaned_data.get(f"tag_value_{i}") or ""
            if not key:
                if value and not self.initial.get(f"tag_key_{i}"):
                    self.add_error(
                        f"tag_key_{i}", "Enter a key for this value, or clear the value too."
                    )
                continue
            if problem := tag_key_problem(key):
                self.add_error(f"tag_key_{i}", problem)
            if key in tags:
                self.add_error(f"tag_key_{i}", f"The key {key!r} is used twice.")
            tags[key] = value
        if len(tags) > MAX_TAGS:
            self.add_error(None, f"A queue has at most {MAX_TAGS} tags; this form has {len(tags)}.")
        self.cleaned_data["tags"] = tags

    def attributes(self, dead_letter_arn: str = "") -> QueueAttributes:
        """The attributes to send; `dead_letter_arn` is the chosen DLQ's ARN (the view looks it
        up)."""
        data = self.cleaned_data
        permission = data.get("redrive_permission") or ""
        kms = data["encryption"] == "sse-kms"
        return QueueAttributes(
            visibility_timeout=data["visibility_timeout"],
            message_retention_period=data["message_retention_period"],
            delay_seconds=data["delay_seconds"],
            maximum_message_size=data["maximum_message_size"],
            receive_message_wait_time_seconds=data["receive_message_wait_time_seconds"],
            redrive_policy=(
                RedrivePolicy(dead_letter_arn, data["max_receive_count"])
                if dead_letter_arn
                else None
            ),
            redrive_allow_policy=(
                RedriveAllowPolicy(permission, data.get("redrive_source_arns") or ())
                if permission
                else None
            ),
            sqs_managed_sse_enabled=data["encryption"] == "sse-sqs",
            kms_master_key_id=data["kms_master_key_id"].strip() if kms else "",
            kms_data_key_reuse_period_seconds=(
                data["kms_data_key_reuse_period_seconds"]
                if kms
                else DEFAULTS["KmsDataKeyReusePeriodSeconds"]
            ),
            fifo_queue=self.is_fifo,
            content_based_deduplication=bool(data.get("content_based_deduplication")),
            deduplication_scope=(
                (data.get("deduplication_scope") or "queue") if self.is_fifo else ""
            ),
            fifo_throughput_limit=(
                (data.get("fifo_throughput_limit") or "perQueue") if self.is_fifo else ""
            ),
            policy=self.queue.settings.policy if self.queue else "",
        )

    def tags(self) -> dict[str, str]:
        return self.cleaned_data["tags"]


def initial_for(queue: Queue) -> dict[str, Any]:
    """The edit form's starting values: the queue as SQS has it now."""
    s = queue.settings
    initial: dict[str, Any] = {
        "visibility_timeout": s.visibility_timeout,
        "message_retention_period": s.message_retention_period,
        "delay_seconds": s.delay_seconds,
        "maximum_message_size": s.maximum_message_size,
        "receive_message_wait_time_seconds": s.receive_message_wait_time_seconds,
        "dead_letter_queue": s.redrive_policy.dead_letter_queue_name if s.redrive_policy else "",
        "max_receive_count": s.redrive_policy.max_receive_count if s.redrive_policy else 10,
        "redrive_permission": s.redrive_allow_policy.permission if s.redrive_allow_policy else "",
        "redrive_source_arns": "\n".join(
            s.redrive_allow_policy.source_queue_arns if s.redrive_allow_policy else ()
        ),
        "encryption": {"SSE-KMS": "sse-kms", "SSE-SQS": "sse-sqs"}.get(s.encryption, "none"),
        "kms_master_key_id": s.kms_master_key_id or "alias/aws/sqs",
        "kms_data_key_reuse_period_seconds": s.kms_data_key_reuse_period_seconds,
        "content_based_deduplication": s.content_based_deduplication,
        "deduplication_scope": s.deduplication_scope or "queue",
        "fifo_throughput_limit": s.fifo_throughput_limit or "perQueue",
    }
    for i, (key, value) in enumerate(sorted(queue.tags.items())):
        initial[f"tag_key_{i}"] = key
        initial[f"tag_value_{i}"] = value
    return initial
