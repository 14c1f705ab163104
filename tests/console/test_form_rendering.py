"""Form fields render the same HTML whether Django's widget templates include one another at
render time or had those includes pasted in when loaded (queues/console/forms InliningLoader)."""

from __future__ import annotations

import jinja2
import pytest
from django import forms

from queues.console.forms import FormRenderer
from queues.console.forms.fields import DurationField
from queues.console.forms.messages import ConsumeForm, PollForm
from queues.console.forms.queues import QueueForm

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
