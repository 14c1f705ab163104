"""The dashboard's bound field: what templates/forms/field.html asks of a field beyond Django's."""

from __future__ import annotations

from django import forms
from django.utils.functional import cached_property


def _forgets_value(widget: forms.Widget) -> bool:
    """Whether the widget never writes a posted value back into the page: passwords, secret
    text areas (a format_value of "") and file inputs."""
    if isinstance(widget, forms.FileInput):
        return True
    if isinstance(widget, forms.PasswordInput):
        return not widget.render_value
    return isinstance(widget, forms.Textarea) and widget.format_value("posted") == ""


class BoundField(forms.BoundField):
    """Every form's fields, through the form renderer (`FormRenderer.bound_field_class`)."""

    @cached_property
    def blanked_notice(self) -> str:
        """What to say beside a field the form had to empty: a secret (or file) that was typed
        in but is never sent back to the browser, after an error or when the form was redrawn
        (a form lists those in `cleared_secrets`). It must be given again."""
        form = self.form
        if self.name in getattr(form, "cleared_secrets", ()):
            why = "when the fields were redrawn"
        elif form.is_bound and form.errors and _forgets_value(self.field.widget) and self.data:
            why = "because the form had errors"
        else:
            return ""
        again = (
            "choose the file again"
            if isinstance(self.field.widget, forms.FileInput)
            else "enter it again"
        )
        kept = " (left blank, the stored value is kept)" if self.initial else ""
        return (
            f"What you gave here was cleared {why}: secrets are never sent back to the browser. "
            f"Please {again} before saving{kept}."
        )
