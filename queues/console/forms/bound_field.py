"""The dashboard's bound field: what templates/forms/field.html asks of a field beyond Django's,
and forms that share their fields, whose fields as first shown are kept by what they start with."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.utils import ErrorList
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

# The template every field renders through (FormRenderer.field_template_name).
FIELD_TEMPLATE = "forms/field.html"
# Starting values a field of a SharedFieldsForm is kept by: their exact type and value are what
# the widget shows (True and 1, or a str and a SafeString of the same text, differ). Not Decimal
# or float: equal values can show differently (1 and 1.00, 0.0 and -0.0).
_PLAIN_VALUES = frozenset({str, SafeString, int, bool, type(None)})
# Nor a long text (a message body the resend form starts with): kept, it would be held twice,
# as the key and in the HTML, for one showing.
MAX_KEPT_TEXT = 4096


class _SharedFields(dict):
    """A form class's declared fields, which Django deep-copies for every form it makes: given
    as they are instead (a new dict of the same field objects)."""

    def __deepcopy__(self, memo) -> dict:
        return dict(self)


class _SharingFields(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        form_class = super().__new__(mcs, name, bases, attrs)
        form_class.base_fields = _SharedFields(form_class.base_fields)
        return form_class


class SharedFieldsForm(forms.Form, metaclass=_SharingFields):
    """A form whose every instance uses its class's field objects, not copies of them: Django
    deep-copies each field (widget, choices, messages) for every form it makes, ~0.25 ms for the
    queue form's. Such a form never changes a field object: it may leave fields out or add
    others (`self.fields` is its own dict) made once and never changed either, but never set a
    field's choices, label or help text; nor may it have a widget that keeps what a request
    posted (Django's ClearableFileInput): forms on other threads use the same objects.

    A field is then what it was declared as, so its HTML on a form not bound to data is a
    function of the field, its name and id and the value it starts with: the renderer keeps it
    by those (BoundField.first_shown_key), and a form shown as it starts renders no widget.
    """


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

            def rendered() -> SafeString:
                view = {"field": FieldView.of(self)}
                return super(BoundField, self).render(template_name, view, renderer)

            key = None if renderer else self.first_shown_key(template_name)
            return self.renderer.kept(key, rendered) if key else rendered()
        return super().render(template_name, context, renderer)

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        plain = widget is None and attrs is None and not only_initial
        if plain and (key := self.first_shown_key("widget")):
            return self.renderer.kept(key, lambda: super(BoundField, self).as_widget())
        return super().as_widget(widget, attrs, only_initial)

    def first_shown_key(self, what: str) -> tuple | None:
        """Everything this field's HTML (`what`: its widget, or its field template) depends on,
        when its form shares its fields and is shown as it starts (not bound, no errors, nothing
        cleared), with a plain starting value; else None."""
        form = self.form
        if (
            not isinstance(form, SharedFieldsForm)
            or form.is_bound
            or not hasattr(self.renderer, "kept")
        ):
            return None
        value = self.initial
        if type(value) not in _PLAIN_VALUES or form.errors.get(self.name) or self.blanked_notice:
            return None
        if isinstance(value, str) and len(value) > MAX_KEPT_TEXT:
            return None
        return (
            what,
            self.field,
            self.html_name,
            self.auto_id,
            form.use_required_attribute,
            type(value),
            value,
        )

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
