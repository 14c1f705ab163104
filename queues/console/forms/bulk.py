"""Forms for long work on messages: browse beyond one poll, and import an NDJSON export."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings

from ...sqs import OutgoingMessage, Queue
from ...sqs.browse import MAX_BROWSE, MAX_HELD, MessageSearch
from ...sqs.errors import InvalidInput
from ...sqs.messages import message_size
from .messages import _FIFO_ID, MAX_ATTRIBUTES, AttributeRow, invalid_characters


class BrowseForm(forms.Form):
    count = forms.IntegerField(
        label="Messages to browse",
        min_value=1,
        max_value=MAX_BROWSE,
        initial=1000,
        help_text=f"At most {MAX_BROWSE:,}.",
    )
    contains = forms.CharField(
        label="Body or attribute contains",
        required=False,
        max_length=1000,
        help_text="Case-insensitive; also matches attribute names and message IDs.",
    )
    json_field = forms.CharField(
        label="Body field equals",
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "order.id=42"}),
        help_text="path=value in a JSON body; list items by number (items.0.sku=A-1).",
    )
    hold = forms.BooleanField(
        label="Hold the matches to move or copy them",
        required=False,
        help_text=f"They stay hidden from consumers until you move, copy or release them, or "
        f"their lease ends; the rest are released. At most {MAX_HELD:,} messages browsed; "
        "never through LocalStack's message view.",
    )
    risk_ok = forms.BooleanField(
        label="I understand: each receive adds one to a message's receive count, and messages "
        "near the limit may move to the dead-letter queue",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "browse-%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            cleaned["search"] = MessageSearch.parse(
                cleaned.get("contains", ""), cleaned.get("json_field", "")
            )
        except InvalidInput as error:
            self.add_error("json_field", str(error))
        if cleaned.get("hold") and (cleaned.get("count") or 0) > MAX_HELD:
            self.add_error(
                "count", f"To hold the matches, browse at most {MAX_HELD:,} messages at a time."
            )
        return cleaned


class ImportForm(forms.Form):
    """An NDJSON file in the export's format, one message a line: Body, MessageAttributes
    ({name: {DataType, StringValue | BinaryValue (base64)}}) and, from Attributes or the top
    level, MessageGroupId and MessageDeduplicationId. Every line is checked; `messages` holds
    the valid ones with their line numbers and `line_errors` the rest."""

    file = forms.FileField(label="File to import")

    def __init__(self, *args: Any, queue: Queue, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "import-%s")
        super().__init__(*args, **kwargs)
        self.queue = queue
        self.fields["file"].help_text = (
            f"One message a line, as Export writes them. At most "
            f"{settings.MESSAGE_IMPORT_MAX_BYTES:,} bytes and "
            f"{settings.MESSAGE_IMPORT_MAX_LINES:,} lines."
        )
        self.messages: list[tuple[int, OutgoingMessage]] = []
        self.line_errors: list[tuple[int, str]] = []
        self.lines = 0

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MESSAGE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; imports take at most "
                f"{settings.MESSAGE_IMPORT_MAX_BYTES:,} bytes."
            )
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        numbered = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if not numbered:
            raise forms.ValidationError("The file has no lines to import.")
        if len(numbered) > settings.MESSAGE_IMPORT_MAX_LINES:
            raise forms.ValidationError(
                f"The file has {len(numbered):,} lines; imports take at most "
                f"{settings.MESSAGE_IMPORT_MAX_LINES:,}."
            )
        self.lines = len(numbered)
        for number, line in numbered:
            try:
                self.messages.append((number, self._message(line)))
            except ValueError as error:
                self.line_errors.append((number, str(error)))
        return upload

    def _message(self, line: str) -> OutgoingMessage:
        """The line as a message to send, or ValueError saying what is wrong with it."""
        try:
            raw = json.loads(line)
        except ValueError as error:
            raise ValueError(f"not JSON ({error})") from None
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
        body = raw.get("Body")
        if not isinstance(body, str) or not body:
            raise ValueError("Body is missing or not a non-empty string")
        if problem := invalid_characters(body):
            raise ValueError(f"Body has characters SQS does not accept: {problem}")
        attributes = self._attributes(raw.get("MessageAttributes") or {})
        system = raw.get("Attributes") or {}
        if not isinstance(system, dict):
            raise ValueError("Attributes is not an object")
        group = str(raw.get("MessageGroupId") or system.get("MessageGroupId") or "")
        dedup = str(raw.get("MessageDeduplicationId") or system.get("MessageDeduplicationId") or "")
        for name, value in (("MessageGroupId", group), ("MessageDeduplicationId", dedup)):
            if value and not _FIFO_ID.match(value):
                raise ValueError(f"{name} must be 1-128 letters, digits and punctuation")
        settings_ = self.queue.settings
        if self.queue.is_fifo:
            if not group:
                raise ValueError("a FIFO queue needs a MessageGroupId")
            if not dedup and not settings_.content_based_deduplication:
                raise ValueError(
                    "MessageDeduplicationId is missing and the queue does not use content-based "
                    "deduplication"
                )
        else:
            dedup = ""  # standard queues refuse a deduplication ID
        size = message_size(body, attributes)
        if size > settings_.maximum_message_size:
            raise ValueError(
                f"the message is {size:,} bytes; the queue takes at most "
                f"{settings_.maximum_message_size:,}"
            )
        return OutgoingMessage(
            body=body, group_id=group, deduplication_id=dedup, attributes=attributes
        )

    @staticmethod
    def _attributes(raw: Any) -> dict[str, dict[str, Any]]:
        if not isinstance(raw, dict):
            raise ValueError("MessageAttributes is not an object")
        if len(raw) > MAX_ATTRIBUTES:
            raise ValueError(f"{len(raw)} message attributes; SQS takes at most {MAX_ATTRIBUTES}")
        attributes = {}
        for name, value in raw.items():
            if not isinstance(value, dict):
                raise ValueError(f"attribute {name!r} is not an object")
            kind, _, custom = str(value.get("DataType", "")).partition(".")
            text = value.get("BinaryValue") if kind == "Binary" else value.get("StringValue")
            row = AttributeRow(name=name, type=kind, custom=custom, value=str(text or ""))
            checked = row.check()
            if checked is None:
                raise ValueError(f"attribute {name!r}: {' '.join(row.errors)}")
            attributes[name] = checked
        return attributes
