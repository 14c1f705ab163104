"""Template filters for SQS values: `{{ seconds|duration }}`, `{{ size|bytes }}`,
`{% for row in queue.settings|attribute_rows %}`."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone

from .. import units

register = template.Library()
register.filter("duration", units.human_duration)
register.filter("bytes", units.human_bytes)
register.filter("attribute_rows", units.attribute_rows)
# Received messages: `{{ m.sent|ago }}`, `{{ m.sent|utc }}`, `{{ m.size|short_bytes }}`,
# `{{ m.system_attributes|system_attribute_table }}`.
register.filter("short_bytes", units.short_bytes)
register.filter("ago", units.time_ago)
register.filter("utc", units.utc_time)


@register.filter
def system_attribute_table(attributes: dict[str, str]) -> SafeString:
    """The rows of a received message's system attributes table (message_detail.html): built
    here in one pass, not row by row in the template, as a poll shows ten messages of about ten
    rows each. A timestamp reads in UTC, with a twin that static/js/messages.js fills in local
    time. Plain f-strings with every value from SQS escaped (Django's escaping: html.escape), not
    format_html per cell, which costs several times as much; the HTML is the same
    (tests/console/test_units.py)."""
    # The page's time zone, looked up once for the table's timestamps, not once per timestamp.
    zone = get_current_timezone() if settings.USE_TZ else None
    rows = units.system_attribute_rows(attributes)
    return SafeString("\n".join(_system_row(a, zone) for a in rows))


def _system_row(a: units.SystemAttribute, zone: tzinfo | None) -> str:
    name = escape(str(a.name))
    head = (
        f'<th scope="row">{name}</th>'
        if a.label == a.name
        else f'<th scope="row">{escape(str(a.label))} <code class="api-name">{name}</code></th>'
    )
    if a.time is None:
        return f"<tr>{head}\n      <td><code>{escape(str(a.value))}</code></td></tr>"
    # Django's "c" date format is isoformat(); neither it nor utc_time() has a character to escape.
    iso = (a.time.astimezone(zone) if zone is not None else a.time).isoformat()
    return (
        f'<tr>{head}\n      <td><time datetime="{iso}" title="{name} {escape(str(a.value))}">'
        f"{units.utc_time(a.time)}</time><br>"
        f'<time class="muted" datetime="{iso}" data-local-time></time></td></tr>'
    )
