"""Forms of the dead-letter workbench: start a DLQ redrive, move or copy selected messages,
edit and resend one (the send form's rules, extended)."""

from __future__ import annotations

from typing import Any

from django import forms

from ...sqs.move_tasks import MAX_VELOCITY
from ...sqs.queues import queue_name_from_arn, queue_name_problem
from .fields import radio_choice
from .messages import _FIFO_ID, BODY_FORMATS, AttributeRow, SendMessageForm


def _queue_name(value: str) -> str:
    """A queue typed by name or ARN, as a name (or a ValidationError saying why not)."""
    name = value.strip()
    name = queue_name_from_arn(name) if name.startswith("arn:") else name
    if problem := queue_name_problem(name, fifo=name.endswith(".fifo")):
        raise forms.ValidationError(problem)
    return name


class RedriveForm(forms.Form):
    destination = radio_choice(
        "Destination",
        [("source", "Redrive to source queue(s)"), ("custom", "Redrive to a custom destination")],
        "source",
    )
    destination_queue = forms.CharField(
        label="Destination queue",
        required=False,
        max_length=1000,
        help_text="A queue of the same type, by name or ARN.",
        widget=forms.TextInput(attrs={"list": "redrive-targets", "autocomplete": "off"}),
    )
    velocity = radio_choice(
        "Velocity control settings",
        [("system", "System optimized"), ("custom", "Custom max velocity")],
        "system",
    )
    max_per_second = forms.IntegerField(
        label="Maximum messages per second",
        required=False,
        min_value=1,
        max_value=MAX_VELOCITY,
        help_text=f"1-{MAX_VELOCITY}.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("destination") == "custom":
            raw = cleaned.get("destination_queue", "")
            if not raw:
                self.add_error("destination_queue", "Enter the queue to redrive the messages to.")
            else:
                try:
                    cleaned["destination_queue"] = _queue_name(raw)
                except forms.ValidationError as error:
                    self.add_error("destination_queue", error)
        else:
            cleaned["destination_queue"] = ""
        if cleaned.get("velocity") == "custom":
            if cleaned.get("max_per_second") is None and "max_per_second" not in self.errors:
                self.add_error(
                    "max_per_second",
                    f"Enter the maximum messages per second (1-{MAX_VELOCITY}), or choose "
                    "System optimized.",
                )
        else:
            cleaned["max_per_second"] = None
        return cleaned


class TransferForm(forms.Form):
    """Where to move or copy the messages selected in a poll."""

    transfer = forms.ChoiceField(choices=[("move", "Move"), ("copy", "Copy")])
    target = forms.CharField(
        label="Destination queue",
        max_length=1000,
        error_messages={"required": "Enter the queue to move or copy the messages to."},
    )
    group_id = forms.CharField(
        label="Message group ID for messages without one",
        required=False,
        max_length=128,
        help_text="Only for a FIFO destination, and only used for messages that have no group.",
    )

    def clean_target(self) -> str:
        return _queue_name(self.cleaned_data["target"])

    def clean_group_id(self) -> str:
        value = self.cleaned_data["group_id"].strip()
        if value and not _FIFO_ID.match(value):
            raise forms.ValidationError(
                "Use 1-128 letters, digits and punctuation (no spaces or other characters)."
            )
        return value


class ResendForm(SendMessageForm):
    """The send form for one edited message: the same checks against the target queue, plus
    where to send it and whether to delete the original once the new one is accepted."""

    target = forms.CharField(
        label="Send to queue",
        max_length=1000,
        widget=forms.TextInput(attrs={"list": "resend-targets", "autocomplete": "off"}),
    )
    original_id = forms.CharField(widget=forms.HiddenInput)
    delete_original = forms.BooleanField(
        label="Delete the original once SQS accepted the new message",
        required=False,
    )
    body_format = radio_choice("Body format", BODY_FORMATS, "text", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "resend-%s")
        super().__init__(*args, **kwargs)
        del self.fields["copies"]

    @classmethod
    def rows_for(cls, message) -> list[AttributeRow]:
        """The message's attributes as the form's rows (custom type labels split off)."""
        rows = []
        for a in message.attributes:
            base, _, custom = a.data_type.partition(".")
            rows.append(AttributeRow(a.name, base, custom, a.display_value))
        return rows

    def clean_target(self) -> str:
        return _queue_name(self.cleaned_data["target"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["copies"] = 1
        return cleaned
