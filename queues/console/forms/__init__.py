"""The dashboard's forms: every SQS rule on names, attributes and messages, checked first."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from django.conf import settings
from django.forms import renderers
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.functional import cached_property

from .bound_field import BoundField

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


class FormRenderer(renderers.Jinja2):
    """Every field renders through one template: templates/forms/field.html.

    Fields and widgets render with Jinja2 (Django's own widget templates for it, and field.html,
    whose syntax both template languages read): a page of forms renders in well under half the
    time Django's template language takes, widget by widget (the messages page has 14 fields).
    Widgets that exist only for Django's template language (the admin's) render with it.
    """

    field_template_name = "forms/field.html"
    bound_field_class = BoundField

    def __init__(self) -> None:
        self._templates_only: set[str] = set()

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
        if template_name not in self._templates_only:
            try:
                return self.engine.get_template(template_name)
            except TemplateDoesNotExist:
                self._templates_only.add(template_name)
        return get_template(template_name)
