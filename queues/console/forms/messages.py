"""Forms for sending, polling and consuming messages: SQS's rules checked before any call."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import zip_longest
from typing import Any

from django import forms

from ...sqs import OutgoingMessage, Queue
from ...sqs.messages import attribute_size, message_size
from .bound_field import SharedFieldsForm
from .fields import radio_choice

MAX_ATTRIBUTES = 10
# Copies the send form sends in its own request; more (up to MAX_BULK_COPIES) are streamed with
# progress and Stop (views/bulk.py).
MAX_COPIES = 100
MAX_BULK_COPIES = 10_000
ATTRIBUTE_TYPES = ("String", "Number", "Binary")
BODY_FORMATS = [("text", "Text"), ("json", "JSON")]

# Characters SQS accepts in a body and in String attribute values.
_INVALID_CHARACTER = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
# Message group and deduplication IDs: 1-128 letters, digits and ASCII punctuation.
_FIFO_ID = re.compile(r"""^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]{1,128}$""")


def invalid_characters(text: str) -> str:
    """Describe the first few characters SQS rejects, or return ""."""
    found = []
    for match in _INVALID_CHARACTER.finditer(text):
        found.append(f"U+{ord(match.group()):04X} at position {match.start() + 1}")
        if len(found) == 3:
            found.append("…")
            break
    return ", ".join(found)


def attribute_name_error(name: str) -> str:
    if len(name) > 256:
        return "Names are at most 256 characters."
    if not _ATTRIBUTE_NAME.match(name):
        return "Use only letters, digits, underscores (_), hyphens (-) and periods (.)."
    if name.lower().startswith(("aws.", "amazon.")):
        return "Names starting with “AWS.” or “Amazon.” are reserved by AWS."
    if name.startswith(".") or name.endswith(".") or ".." in name:
        return "Names cannot start or end with a period or contain two periods in a row."
    return ""


@dataclass
class AttributeRow:
    """One message attribute as typed, with what is wrong with it."""

    name: str = ""
    type: str = "String"
    custom: str = ""
    value: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not (self.name.strip() or self.value or self.custom.strip())

    @property
    def data_type(self) -> str:
        custom = self.custom.strip()
        return f"{self.type}.{custom}" if custom else self.type

    def check(self) -> dict[str, Any] | None:
        """Validate; return the attribute in SendMessage's shape, or None with `errors` set."""
        name = self.name.strip()
        if not name:
            self.errors.append("Enter a name for this attribute.")
        elif problem := attribute_name_error(name):
            self.errors.append(problem)
        if self.type not in ATTRIBUTE_TYPES:
            self.errors.append("Choose String, Number or Binary.")
        custom = self.custom.strip()
        if custom and not _ATTRIBUTE_NAME.match(custom):
            self.errors.append(
                "A custom type label uses only letters, digits, underscores, hyphens and periods."
            )
        if len(self.data_type) > 256:
            self.errors.append("The data type is at most 256 characters.")
        if self.value == "":
            self.errors.append("Enter a value; SQS does not accept empty attribute values.")
        elif self.type == "Number":
            try:
                number = Decimal(self.value.strip())
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                self.errors.append(f"{self.value!r} is not a number.")
        elif self.type == "Binary":
            try:
                decoded = base64.b64decode(self.value.strip(), validate=True)
            except (binascii.Error, ValueError):
                self.errors.append("Binary values are entered as base64 (e.g. aGVsbG8=).")
            else:
                if not self.errors:
                    return {"DataType": self.data_type, "BinaryValue": decoded}
        elif problem := invalid_characters(self.value):
            self.errors.append(f"Characters SQS does not accept: {problem}.")
        if self.errors:
            return None
        value = self.value.strip() if self.type == "Number" else self.value
        return {"DataType": self.data_type, "StringValue": value}


COPIES_HELP = (
    f"At most {MAX_BULK_COPIES:,}, 10 per SendMessageBatch call; more than {MAX_COPIES} are sent "
    "with progress and a Stop button."
)


@cache
def _queue_fields(fifo: bool, content_based: bool) -> dict[str, forms.Field]:
    """The send form's fields that differ with the queue, made once for each kind of queue, as
    the declared ones are made once, and never changed: a form adds them to its own fields."""
    if fifo:
        group_help = "Required for FIFO queues."
        copies_help = (
            COPIES_HELP + " Each copy gets its own deduplication ID so SQS keeps them all."
        )
    else:
        group_help = (
            "Optional: on a standard queue a group ID turns on fair queues, so one tenant's "
            "burst does not delay the others."
        )
        copies_help = COPIES_HELP
    fields: dict[str, forms.Field] = {}
    if not fifo:
        fields["delay_seconds"] = forms.IntegerField(
            label="Delivery delay",
            required=False,
            min_value=0,
            max_value=900,
            help_text="Seconds, 0-900. Blank uses the queue's delivery delay.",
        )
    fields["group_id"] = forms.CharField(
        label="Message group ID", required=False, max_length=128, help_text=group_help
    )
    if fifo:
        fields["deduplication_id"] = forms.CharField(
            label="Message deduplication ID",
            required=False,
            max_length=128,
            help_text=(
                "Optional: content-based deduplication is on, so SQS uses a hash of the body."
                if content_based
                else "Required: content-based deduplication is off for this queue. Messages "
                "with the same ID within 5 minutes are accepted but not delivered twice."
            ),
        )
    fields["copies"] = forms.IntegerField(
        label="Copies", min_value=1, max_value=MAX_BULK_COPIES, initial=1, help_text=copies_help
    )
    return fields


class SendMessageForm(SharedFieldsForm):
    body = forms.CharField(
        label="Message body",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        error_messages={"required": "Enter a message body; SQS does not send empty messages."},
    )
    body_format = radio_choice("Body format", BODY_FORMATS, "text")
    # Then the fields that differ with the queue (_queue_fields): delivery delay (standard),
    # message group ID, deduplication ID (FIFO) and copies.

    def __init__(self, *args: Any, queue: Queue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = queue
        self.max_size = queue.settings.maximum_message_size
        self.content_based = queue.settings.content_based_deduplication
        self.fields.update(_queue_fields(queue.is_fifo, queue.is_fifo and self.content_based))
        self.attribute_rows = self._rows()
        self.attributes_error = ""
        self.message_attributes: dict[str, dict[str, Any]] = {}

    def _rows(self) -> list[AttributeRow]:
        if not self.is_bound:
            return [AttributeRow()]
        columns = (
            self.data.getlist(key)
            for key in ("attribute_name", "attribute_type", "attribute_custom", "attribute_value")
        )
        rows = [
            AttributeRow(name or "", kind or "String", custom or "", value or "")
            for name, kind, custom, value in zip_longest(*columns)
        ]
        return [row for row in rows if not row.blank] or [AttributeRow()]

    @property
    def size_label(self) -> str:
        """The size of what was typed so far, for the counter's first paint."""
        body = self.data.get("body", "") if self.is_bound else ""
        size = message_size(body.replace("\r\n", "\n"), self.message_attributes)
        return f"{size:,}"

    @property
    def max_size_label(self) -> str:
        return f"{self.max_size:,}"

    def clean_body(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; the person typed LF.
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        if problem := invalid_characters(body):
            raise forms.ValidationError(
                f"The body contains characters SQS does not accept: {problem}. Allowed are tab, "
                "line breaks and printable Unicode."
            )
        return body

    def clean_group_id(self) -> str:
        value = self.cleaned_data["group_id"].strip()
        if not value and self.queue.is_fifo:
            raise forms.ValidationError("FIFO queues need a message group ID.")
        if not value:
            return ""
        if not _FIFO_ID.match(value):
            raise forms.ValidationError(
                "Use 1-128 letters, digits and punctuation (no spaces or other characters)."
            )
        return value

    def clean_deduplication_id(self) -> str:
        value = self.cleaned_data["deduplication_id"].strip()
        if not value and not self.content_based:
            raise forms.ValidationError(
                "Enter a message deduplication ID: this queue does not use content-based "
                "deduplication."
            )
        if value and not _FIFO_ID.match(value):
            raise forms.ValidationError(
                "Use 1-128 letters, digits and punctuation (no spaces or other characters)."
            )
        return value

    def _check_copy_suffix(self, cleaned: dict[str, Any]) -> None:
        dedup, copies = cleaned.get("deduplication_id"), cleaned.get("copies") or 1
        room = 128 - len(f"-{copies}")
        if self.queue.is_fifo and dedup and copies > 1 and len(dedup) > room:
            self.add_error(
                "deduplication_id",
                f"Copies add -1, -2, … to the ID, so it can be at most {room} characters when "
                f"sending {copies} copies.",
            )

    def _clean_attributes(self) -> None:
        rows = [row for row in self.attribute_rows if not row.blank]
        if len(rows) > MAX_ATTRIBUTES:
            self.attributes_error = (
                f"A message has at most {MAX_ATTRIBUTES} attributes; remove "
                f"{len(rows) - MAX_ATTRIBUTES}."
            )
        names: set[str] = set()
        for row in rows:
            attribute = row.check()
            name = row.name.strip()
            if name in names:
                row.errors.append("Another attribute already has this name.")
            names.add(name)
            if attribute is not None and not row.errors:
                self.message_attributes[name] = attribute
        if self.attributes_error or any(row.errors for row in rows):
            self.add_error(None, self.attributes_error or "Correct the message attributes.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._clean_attributes()
        self._check_copy_suffix(cleaned)
        body = cleaned.get("body")
        if body is not None and cleaned.get("body_format") == "json":
            try:
                json.loads(body)
            except ValueError as error:
                self.add_error("body", f"This is not valid JSON: {error}.")
        if body is not None:
            size = message_size(body, self.message_attributes)
            if size > self.max_size:
                self.add_error(
                    "body",
                    f"The message is {size:,} bytes (body "
                    f"{size - attribute_size(self.message_attributes):,} + attributes "
                    f"{attribute_size(self.message_attributes):,}); this queue's maximum message "
                    f"size is {self.max_size:,} bytes.",
                )
        return cleaned

    def messages(self) -> list[OutgoingMessage]:
        """The messages to send: one per copy; FIFO copies get distinct deduplication IDs so SQS
        keeps them all."""
        data = self.cleaned_data
        copies = data["copies"]
        dedup = data.get("deduplication_id", "")
        messages = []
        for n in range(1, copies + 1):
            copy_dedup = dedup
            if self.queue.is_fifo and copies > 1:
                copy_dedup = f"{dedup}-{n}" if dedup else uuid.uuid4().hex
            messages.append(
                OutgoingMessage(
                    body=data["body"],
                    group_id=data.get("group_id", ""),
                    deduplication_id=copy_dedup,
                    delay_seconds=data.get("delay_seconds"),
                    attributes=self.message_attributes,
                )
            )
        return messages


def _count_field(initial: int) -> forms.IntegerField:
    return forms.IntegerField(
        label="Maximum messages", min_value=1, max_value=100, initial=initial, help_text="1-100"
    )


class ReceiveForm(SharedFieldsForm):
    """How many messages to receive (1-100, over several calls) and how long to wait (0-20 s)."""

    count = _count_field(10)
    wait = forms.IntegerField(
        label="Poll duration", min_value=0, max_value=20, initial=0, help_text="Seconds, 0-20"
    )


class PollForm(ReceiveForm):
    at_limit = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    move_to_dlq_ok = forms.BooleanField(
        label="Poll anyway: I understand those messages will move to the dead-letter queue",
        required=False,
    )

    def __init__(self, *args: Any, limit: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit

    @property
    def messages_at_limit_claimed(self) -> bool:
        """The last poll reported messages at the limit and this poll is not confirmed yet."""
        data = self.cleaned_data
        return bool(data.get("at_limit")) and not data.get("move_to_dlq_ok")

    @property
    def messages_at_limit(self) -> int:
        """How many messages the last poll saw at maxReceiveCount (0 without a redrive policy)."""
        if not self.limit:
            return 0
        try:
            return max(0, int(self["at_limit"].value() or 0))
        except (TypeError, ValueError):
            return 0

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        at_limit = cleaned.get("at_limit") or 0
        if self.limit and at_limit and not cleaned.get("move_to_dlq_ok"):
            self.add_error(
                "move_to_dlq_ok",
                f"The last poll saw {at_limit} message{'s' if at_limit != 1 else ''} already "
                f"received {self.limit} times (the maxReceiveCount). Polling again moves "
                f"{'them' if at_limit != 1 else 'it'} to the dead-letter queue. Tick the box "
                "to poll anyway.",
            )
        return cleaned


class ConsumeForm(ReceiveForm):
    count = _count_field(1)  # consuming deletes: one message unless asked for more
    lease = forms.IntegerField(
        label="Hide them for",
        min_value=5,
        max_value=900,
        initial=60,
        help_text="Seconds, 5-900: how long the received messages stay hidden from consumers "
        "while you decide. Nothing is deleted until you press Delete.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # It shares the page with the poll form: its own element IDs.
        kwargs.setdefault("auto_id", "consume-%s")
        super().__init__(*args, **kwargs)
