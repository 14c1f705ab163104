"""Template filters for SQS values: `{{ seconds|duration }}`, `{{ size|bytes }}`,
`{% for row in queue.settings|attribute_rows %}`."""

from __future__ import annotations

from django import template

from .. import units

register = template.Library()
register.filter("duration", units.human_duration)
register.filter("bytes", units.human_bytes)
register.filter("attribute_rows", units.attribute_rows)
# Received messages: `{{ m.sent|ago }}`, `{{ m.sent|utc }}`, `{{ m.size|short_bytes }}`,
# `{% for a in m.system_attributes|system_attributes %}`.
register.filter("short_bytes", units.short_bytes)
register.filter("ago", units.time_ago)
register.filter("utc", units.utc_time)
register.filter("system_attributes", units.system_attribute_rows)
