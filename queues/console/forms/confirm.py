"""Typed confirmation: a destructive action (purge, delete a queue or a profile) goes ahead only
once the name of what it destroys is typed exactly."""

from __future__ import annotations

from typing import Any

from django import forms


class TypedConfirmationForm(forms.Form):
    confirm_name = forms.CharField(max_length=255)

    def __init__(
        self, *args: Any, expected: str, verb: str, thing: str = "queue", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.expected, self.verb = expected, verb
        field = self.fields["confirm_name"]
        field.label = f"Type the {thing} name to confirm"
        field.help_text = f"Type {expected} exactly."
        field.widget.attrs.update(
            {"data-expected": expected, "autocomplete": "off", "spellcheck": "false"}
        )

    def clean_confirm_name(self) -> str:
        typed = self.cleaned_data["confirm_name"].strip()
        if typed != self.expected:
            raise forms.ValidationError(f"Type {self.expected} exactly to {self.verb} it.")
        return typed
