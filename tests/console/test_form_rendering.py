"""Form fields render the same HTML whether Django's widget templates include one another at
render time or had those includes pasted in when loaded (queues/console/forms InliningLoader),
and whether the renderer rendered them afresh or kept them from an earlier request."""

from __future__ import annotations

from decimal import Decimal

import jinja2
import pytest
from django import forms
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from queues.console.forms import FormRenderer, context_key
from queues.console.forms.bound_field import SharedFieldsForm
from queues.console.forms.fields import DurationField
from queues.console.forms.messages import ConsumeForm, PollForm, SendMessageForm
from queues.console.forms.queues import QueueForm
from queues.sqs import Queue

CHOICES = [("a", "Alpha & co"), ("b", "Beta"), ("Group", [("c", "Gamma"), ("d", "Delta")])]


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=20, help_text="Some help", initial='quote " <tag>')
    number = forms.IntegerField(min_value=0, disabled=True)
    email = forms.EmailField(required=False)
    url = forms.URLField()
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput, initial="kept")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    agree = forms.BooleanField(required=False, initial=True)
    pick = forms.ChoiceField(choices=CHOICES, initial="c")
    picks = forms.MultipleChoiceField(choices=CHOICES, initial=["a", "d"])
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, initial="b")
    boxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.SplitDateTimeField()
    upload = forms.FileField(required=False)
    wait = DurationField(min_value=0, max_value=43200, initial=90)


def _stock_renderer() -> FormRenderer:
    """The dashboard's renderer with Jinja's plain loader: every include at render time."""
    renderer = FormRenderer()
    renderer.engine.env.loader = jinja2.FileSystemLoader(renderer.engine.template_dirs)
    return renderer


def _fields(form: forms.Form) -> dict[str, str]:
    return {name: form[name].as_field_group() for name in form.fields}


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda r: EveryWidget(renderer=r), id="every widget"),
        pytest.param(
            lambda r: EveryWidget({"text": "x" * 30, "picks": ["zz"]}, renderer=r),
            id="every widget with errors",
        ),
        pytest.param(lambda r: QueueForm(renderer=r), id="queue form"),
        pytest.param(lambda r: PollForm(limit=3, renderer=r), id="poll form"),
        pytest.param(lambda r: ConsumeForm(renderer=r), id="consume form"),
    ],
)
def test_fields_render_the_same_html_with_includes_pasted_in(make):
    inlined, stock = make(FormRenderer()), make(_stock_renderer())
    for form in (inlined, stock):
        if form.is_bound:
            form.is_valid()
    assert _fields(inlined) == _fields(stock)


def test_widget_templates_are_loaded_with_their_includes_pasted_in():
    env = FormRenderer().engine.env
    for name in ("text", "select", "radio", "checkbox_select", "select_option"):
        source = env.loader.get_source(env, f"django/forms/widgets/{name}.html")[0]
        assert 'include "django/forms/widgets/' not in source, name


# A field's HTML is kept per renderer, keyed by its whole context (FormRenderer.render): what a
# user would see must be the HTML rendered afresh, whatever was rendered before it.


class Pick(forms.Form):
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], initial="r")
    note = forms.CharField(max_length=5, help_text="Short", widget=forms.TextInput)
    flag = forms.BooleanField(required=False)


def _fresh(make) -> dict[str, str]:
    """The fields rendered by a renderer that has kept nothing yet."""
    form = make(FormRenderer())
    if form.is_bound:
        form.is_valid()
    return _fields(form)


def _kept(renderer: FormRenderer, make) -> dict[str, str]:
    form = make(renderer)
    if form.is_bound:
        form.is_valid()
    return _fields(form)


def _with_choices(r):
    form = Pick(renderer=r)
    form.fields["colour"].choices = [("r", "Red"), ("b", "Blue")]
    return form


def _with_label(label):
    def make(r):
        form = Pick(renderer=r)
        form.fields["colour"].choices = [("r", label), ("g", "Green")]
        return form

    return make


def _with_cleared_secret(r, form_class=Pick):
    form = form_class(renderer=r)
    form.cleared_secrets = ("note",)
    return form


class SharedPick(SharedFieldsForm):
    """Pick's fields, shared by its forms: kept by what they start with (BoundField's
    first_shown_key), not by their whole context."""

    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], initial="r")
    note = forms.CharField(max_length=5, help_text="Short", widget=forms.TextInput)
    flag = forms.BooleanField(required=False)


def _changes(form_class) -> dict:
    changes = {
        "initial": lambda r: form_class(initial={"colour": "g", "note": "hi"}, renderer=r),
        "a start of 1, not True": lambda r: form_class(initial={"flag": 1}, renderer=r),
        "a decimal start": lambda r: form_class(initial={"note": Decimal("1")}, renderer=r),
        "an equal one, written longer": lambda r: form_class(
            initial={"note": Decimal("1.00")}, renderer=r
        ),
        "a start marked safe": lambda r: form_class(initial={"note": mark_safe("<b>")}, renderer=r),
        "the same start as text": lambda r: form_class(initial={"note": "<b>"}, renderer=r),
        "bound data": lambda r: form_class(
            {"colour": "g", "note": "abc", "flag": "on"}, renderer=r
        ),
        "other bound data": lambda r: form_class({"colour": "r", "note": "abd"}, renderer=r),
        "errors": lambda r: form_class({"colour": "x", "note": "toolong"}, renderer=r),
        "a cleared secret": lambda r: _with_cleared_secret(r, form_class),
        "another id": lambda r: form_class(auto_id="other-%s", renderer=r),
        "no ids": lambda r: form_class(auto_id=False, renderer=r),
        "a prefix, no ids": lambda r: form_class(prefix="p", auto_id=False, renderer=r),
        "no required attributes": lambda r: form_class(use_required_attribute=False, renderer=r),
    }
    if not issubclass(form_class, SharedFieldsForm):  # a form of its own copies may change them
        changes.update(
            {
                "choices": _with_choices,
                "a label marked safe": _with_label(mark_safe("<b>Red</b>")),
                "the same label as text": _with_label("<b>Red</b>"),
            }
        )
    return changes


@pytest.mark.parametrize("form_class", [Pick, SharedPick])
def test_a_kept_field_is_rendered_again_when_anything_it_shows_changes(form_class):
    renderer = FormRenderer()
    plain = _kept(renderer, lambda r: form_class(renderer=r))
    assert (
        _kept(renderer, lambda r: form_class(renderer=r))
        == plain
        == _fresh(lambda r: form_class(renderer=r))
    )
    seen = [plain]
    for why, make in _changes(form_class).items():
        html = _kept(renderer, make)
        assert html == _fresh(make), why
        assert html not in seen, f"{why}: the same HTML as before"
        seen.append(html)
        # And back again: the plain form is still the plain form.
        assert _kept(renderer, lambda r: form_class(renderer=r)) == plain, why


def _edit_form(r):
    """A queue form as the edit page starts it: a queue's settings and tags."""
    initial = {
        "visibility_timeout": 90,
        "maximum_message_size": 2048,
        "dead_letter_queue": "orders-dlq",
        "max_receive_count": 5,
        "encryption": "sse-kms",
        "content_based_deduplication": True,
        "tag_key_0": "team",
        "tag_value_0": "<b>payments</b>",
        "tag_key_1": "env",
        "tag_value_1": "",
    }
    return QueueForm(initial=initial, renderer=r)


def test_whole_forms_render_the_same_from_a_renderer_that_kept_them():
    renderer = FormRenderer()
    makes = [
        lambda r: EveryWidget(renderer=r),
        lambda r: EveryWidget({"text": "x" * 30, "picks": ["zz"]}, renderer=r),
        lambda r: QueueForm(renderer=r),
        _edit_form,
        lambda r: QueueForm({"name": "x", "tag_key_4": "<b>", "tag_value_9": "v"}, renderer=r),
        lambda r: PollForm(limit=3, renderer=r),
        lambda r: ConsumeForm(renderer=r),
        lambda r: SendMessageForm(queue=_queue("orders"), renderer=r),
        lambda r: SendMessageForm(queue=_queue("orders.fifo"), renderer=r),
        lambda r: SendMessageForm(
            queue=_queue("orders.fifo", ContentBasedDeduplication="true"), renderer=r
        ),
        lambda r: SendMessageForm(
            queue=_queue("orders"), initial={"body": '{"a": 1}', "copies": 3}, renderer=r
        ),
    ]
    first = [_kept(renderer, make) for make in makes]
    assert [_kept(renderer, make) for make in makes] == first
    assert [_fresh(make) for make in makes] == first


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda r: EveryWidget(renderer=r), id="every widget"),
        pytest.param(
            lambda r: EveryWidget({"text": "x" * 30, "picks": ["zz"]}, renderer=r),
            id="every widget with errors",
        ),
        pytest.param(_with_cleared_secret, id="a cleared secret"),
        pytest.param(lambda r: QueueForm(renderer=r), id="queue form"),
        pytest.param(_edit_form, id="edit form"),
    ],
)
def test_the_field_template_reads_nothing_its_plain_values_lack(make):
    form = make(FormRenderer())
    if form.is_bound:
        form.is_valid()
    template = form.renderer.engine.env.get_template("forms/field.html")
    for name in form.fields:
        assert form[name].as_field_group() == template.render(field=form[name]).strip(), name


def _queue(name: str, **attributes: str) -> Queue:
    if name.endswith(".fifo"):
        attributes["FifoQueue"] = "true"
    return Queue(name=name, url=f"http://sqs.example/000000000000/{name}", attributes=attributes)


def test_a_long_starting_text_is_rendered_not_kept():
    """A resend form starts with the message's body (up to 1 MiB): kept, it would sit in the
    renderer twice, as the key and in the HTML."""
    assert SharedPick(initial={"note": "x" * 100})["note"].first_shown_key("widget")
    assert SharedPick(initial={"note": "x" * 5000})["note"].first_shown_key("widget") is None


def test_contexts_with_anything_but_plain_data_are_not_kept():
    assert context_key({"widget": {"value": "x", "attrs": {"required": True}}}) is not None
    assert context_key({"widget": {"value": 1}}) != context_key({"widget": {"value": True}})
    assert context_key({"a": "<b>"}) != context_key({"a": mark_safe("<b>")})
    assert context_key({"a": 1, "b": 2}) != context_key({"b": 2, "a": 1})
    assert context_key({"a": gettext_lazy("Clear")}) is None
    assert context_key({"field": Pick()["note"]}) is None
    assert context_key({"a": object()}) is None
    assert context_key({"value": "x" * 10000}) is None


def test_a_field_without_errors_shows_what_django_renders_for_no_errors():
    renderer = FormRenderer()
    form = Pick({"colour": "r", "note": "toolong"}, renderer=renderer)
    empty = ErrorList(renderer=renderer)
    assert str(form["colour"].errors) == str(empty) == ""
    assert form["colour"].errors.as_text() == empty.as_text()
    assert form["note"].errors is form.errors["note"]
    assert "Ensure this value has at most 5 characters" in str(form["note"].errors)
