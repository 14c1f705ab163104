"""The dashboard's forms: every SQS rule on names, attributes and messages, checked first."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.forms import renderers
from django.utils.functional import cached_property


class FormRenderer(renderers.Jinja2):
    """Every field renders through one template: templates/forms/field.html.

    Fields and widgets render with Jinja2 (Django's own widget templates for it, and field.html,
    whose syntax both template languages read): a page of forms renders in well under half the
    time Django's template language takes, widget by widget (the messages page has 14 fields).
    """

    field_template_name = "forms/field.html"

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
