"""The dashboard's forms: every SQS rule on names, attributes and messages, checked first."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every field renders through one template: templates/forms/field.html."""

    field_template_name = "forms/field.html"
