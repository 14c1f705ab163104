"""Template filters for SQS values: `{{ seconds|duration }}`, `{{ size|bytes }}`,
`{% for row in queue.settings|attribute_rows %}`."""

from __future__ import annotations

from django import template

from .. import units

register = template.Library()
register.filter("duration", units.human_duration)
register.filter("bytes", units.human_bytes)
register.filter("attribute_rows", units.attribute_rows)
