"""The dashboard's forms: every SQS rule on names, attributes and messages, checked first."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.forms import renderers
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.functional import cached_property

from .bound_field import BoundField


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
        return self.backend(
            {
                "APP_DIRS": True,  # django.forms' jinja2/ widget templates
                "DIRS": [Path(settings.BASE_DIR) / "templates"],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )

    def get_template(self, template_name: str):
        if template_name not in self._templates_only:
            try:
                return self.engine.get_template(template_name)
            except TemplateDoesNotExist:
                self._templates_only.add(template_name)
        return get_template(template_name)
