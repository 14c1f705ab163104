"""The dashboard's forms: every SQS rule on names, attributes and messages, checked first."""

from __future__ import annotations

import copyreg
import io
import pickle
import re
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import jinja2
from django.conf import settings
from django.forms import renderers
from django.template import TemplateDoesNotExist
from django.template.backends import jinja2 as jinja2_backend
from django.template.loader import get_template
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from .bound_field import FIELD_TEMPLATE, BoundField, FieldView

# `{% include "django/forms/widgets/attrs.html" %}`: a widget template including another by name.
_WIDGET_INCLUDE = re.compile(r"""{%\s*include\s+(["'])(django/forms/widgets/[\w./-]+)\1\s*%}""")
# `{% include widget.template_name %}`: a <select>'s options, a radio's or checkboxes' choices.
_OPTION_INCLUDE = "{% include widget.template_name %}"
# The option templates of Django's own choice widgets, pasted in for an option that uses one.
OPTION_TEMPLATES = [
    f"django/forms/widgets/{name}.html"
    for name in ("select_option", "radio_option", "checkbox_option", "input_option")
]


class InliningLoader(jinja2.FileSystemLoader):
    """Templates with every include of a Django widget template by its name replaced, when
    loaded, by that template's text: a text input is one template to render instead of three
    (text.html includes input.html, which includes attrs.html), a <select> of four units one
    instead of ten. An option's template, included by a variable, is pasted in as the branch
    taken when it is one of Django's (OPTION_TEMPLATES); any other is still included. The one
    variable a widget template sets (multiple_input.html's `id`) lands at the top of radio.html
    and checkbox_select.html, which use it the same way, so the HTML is the same
    (tests/console/test_form_rendering.py)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return self._inlined(environment, source), filename, uptodate

    def _inlined(self, environment, source: str) -> str:
        def paste(match: re.Match) -> str:
            return self._pasted(environment, match[2])

        if _OPTION_INCLUDE in source:
            choices = "".join(
                f'{{% {"el" if i else ""}if widget.template_name == "{name}" %}}'
                f"{self._pasted(environment, name)}"
                for i, name in enumerate(OPTION_TEMPLATES)
            )
            source = source.replace(
                _OPTION_INCLUDE, f"{choices}{{% else %}}{_OPTION_INCLUDE}{{% endif %}}"
            )
        return _WIDGET_INCLUDE.sub(paste, source)

    def _pasted(self, environment, name: str) -> str:
        included = super().get_source(environment, name)[0]
        # Jinja drops a template's one trailing newline; the pasted text must too.
        return self._inlined(environment, included.removesuffix("\n"))


# Rendered widgets kept per renderer, and the largest context (pickled) worth keeping: a select
# of a few hundred options is kept, a text area holding a posted message body is not.
RENDERED_KEPT = 512
MAX_KEY_BYTES = 8192
# Types besides None, bool, int, float, str, bytes, dict, list, tuple, set and frozenset (which
# pickle writes with their exact type and never shows to reducer_override) that a context may
# hold and still be cached: each pickles with its class and its exact value (a FieldView with
# every field of it, each of these types again).
_KEYABLE = frozenset({SafeString, Decimal, FieldView})


class _Unkeyable(Exception):
    """A context holding something not known to pickle as exactly what a template sees."""


class _ContextPickler(pickle.Pickler):
    def reducer_override(self, obj):
        if type(obj) in _KEYABLE:
            return NotImplemented  # pickled as usual: its class (by name) and its value
        if (isinstance(obj, type) and obj in _KEYABLE) or obj is copyreg.__newobj__:
            return NotImplemented  # such a class, and how it is made again, by their names
        # A lazy translation (pickled as its function, whatever the active language), a model
        # instance, a file: anything else is rendered every time.
        raise _Unkeyable


def context_key(context: dict) -> bytes | None:
    """The context's content, exactly: the pickle of plain data, where a str and a SafeString
    of the same text, True and 1, or two dict orders all differ. None when the context holds
    anything else (a BoundField, an ErrorList, a lazy string) or is too large to keep."""
    buffer = io.BytesIO()
    try:
        _ContextPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(context)
    except (_Unkeyable, pickle.PicklingError, RecursionError, TypeError):
        return None
    key = buffer.getvalue()
    return key if len(key) <= MAX_KEY_BYTES else None


class FormRenderer(renderers.Jinja2):
    """Every field renders through one template: templates/forms/field.html.

    Fields and widgets render with Jinja2 (Django's own widget templates for it, and field.html,
    whose syntax both template languages read): a page of forms renders in well under half the
    time Django's template language takes, widget by widget (the messages page has 14 fields).
    Widgets that exist only for Django's template language (the admin's) render with it.

    A Jinja2 template's HTML is a function of its context alone (no request is passed to these
    templates, the environment has no globals that vary): a widget whose context is plain data
    (`context_key`) is rendered once per distinct context and template, and its HTML reused.
    Every input a widget's HTML depends on (name, value, attrs such as aria-invalid after an
    error, choices, which one is selected) is in its context, so a different input is a
    different key (tests/console/test_form_rendering.py). So is a field's wrapper
    (templates/forms/field.html), given the plain values it reads (bound_field.FieldView) with
    its widget's HTML. Error lists, and anything holding a lazy string, render every time.
    """

    field_template_name = FIELD_TEMPLATE
    bound_field_class = BoundField

    def __init__(self) -> None:
        self._templates_only: set[str] = set()
        self._loaded: dict[str, jinja2_backend.Template] = {}
        self._rendered: dict[tuple, str] = {}
        self._keeping = threading.Lock()

    @cached_property
    def engine(self):
        engine = self.backend(
            {
                "APP_DIRS": True,  # django.forms' jinja2/ widget templates
                "DIRS": [Path(settings.BASE_DIR) / "templates"],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
        engine.env.loader = InliningLoader(engine.template_dirs)
        return engine

    def get_template(self, template_name: str):
        if (template := self._loaded.get(template_name)) is not None:
            return template
        if template_name not in self._templates_only:
            try:
                template = self.engine.get_template(template_name)
            except TemplateDoesNotExist:
                self._templates_only.add(template_name)
            else:
                # Loaded once, unless Jinja reloads edited files (DEBUG's auto reload).
                if not self.engine.env.auto_reload:
                    self._loaded[template_name] = template
                return template
        return get_template(template_name)

    def render(self, template_name, context, request=None):
        template = self.get_template(template_name)
        if request is not None or not isinstance(template, jinja2_backend.Template):
            return template.render(context, request=request).strip()
        content = context_key(context)
        if content is None:
            return template.render(context).strip()
        # The Jinja template object too: with DEBUG's auto reload, an edited file is a new one.
        return self._kept((template.template, content), lambda: template.render(context).strip())

    def kept(self, key: tuple, render: Callable[[], str]) -> str:
        """The HTML kept for `key`, which says everything it depends on (a shared field's, by
        BoundField.first_shown_key), else `render()`'s, kept. Not with DEBUG's auto reload: an
        edited template would not show."""
        return render() if self.engine.env.auto_reload else self._kept(key, render)

    def _kept(self, key: tuple, render: Callable[[], str]) -> str:
        html = self._rendered.get(key)
        if html is None:
            html = render()
            with self._keeping:
                if len(self._rendered) >= RENDERED_KEPT:
                    del self._rendered[next(iter(self._rendered))]  # the oldest kept
                self._rendered[key] = html
        return html
