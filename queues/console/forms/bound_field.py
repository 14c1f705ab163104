"""The dashboard's bound field: what templates/forms/field.html asks of a field beyond Django's."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms.utils import ErrorList
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

# The template every field renders through (FormRenderer.field_template_name).
FIELD_TEMPLATE = "forms/field.html"


def _forgets_value(widget: forms.Widget) -> bool:
    """Whether the widget never writes a posted value back into the page: passwords, secret
    text areas (a format_value of "") and file inputs."""
    if isinstance(widget, forms.FileInput):
        return True
    if isinstance(widget, forms.PasswordInput):
        return not widget.render_value
    return isinstance(widget, forms.Textarea) and widget.format_value("posted") == ""


class NoErrors(ErrorList):
    """A field's errors when it has none: rendered as nothing without a template, which is what
    Django's error list templates render for an empty list. The queue form shows
    `{{ field.errors }}` beside each of its tag boxes."""

    def render(self, template_name=None, context=None, renderer=None):
        if not self.data and context is None and template_name in (None, self.template_name):
            return SafeString("")
        return super().render(template_name, context, renderer)

    __str__ = __html__ = render  # Django's mixin binds its own render to both


@dataclass(frozen=True)
class FieldView:
    """What templates/forms/field.html reads of a field, as plain values: its context is then
    plain data, which the form renderer renders once per distinct field (FormRenderer.render).
    `{{ field }}` is the widget's HTML. A value the template reads but this lacks would render
    empty: tests/console/test_form_rendering.py renders the template with the BoundField itself
    too and compares."""

    widget: SafeString
    errors: tuple[str, ...]
    widget_type: str
    html_name: str
    id_for_label: str
    label: str
    use_fieldset: bool
    help_text: str
    auto_id: str
    blanked_notice: str

    def __html__(self) -> SafeString:
        return self.widget

    __str__ = __html__

    @classmethod
    def of(cls, field: BoundField) -> FieldView:
        return cls(
            widget=str(field),
            errors=tuple(field.errors),
            widget_type=field.widget_type,
            html_name=field.html_name,
            id_for_label=field.id_for_label,
            label=field.label,
            use_fieldset=field.use_fieldset,
            help_text=field.help_text,
            auto_id=field.auto_id,
            blanked_notice=field.blanked_notice,
        )


class BoundField(forms.BoundField):
    """Every form's fields, through the form renderer (`FormRenderer.bound_field_class`)."""

    @property
    def errors(self) -> ErrorList:
        errors = self.form.errors.get(self.name)
        if errors is not None:
            return errors
        if self.form.error_class is not ErrorList:  # a form's own kind of list: its own way
            return self.form.error_class(renderer=self.form.renderer)
        return NoErrors(renderer=self.form.renderer)

    def render(self, template_name=None, context=None, renderer=None):
        template_name = template_name or self.template_name
        if context is None and template_name == FIELD_TEMPLATE:
            context = {"field": FieldView.of(self)}
        return super().render(template_name, context, renderer)

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
