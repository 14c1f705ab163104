"""Template filters for SQS values: `{{ seconds|duration }}`, `{{ size|bytes }}`,
`{% for row in queue.settings|attribute_rows %}`."""

from __future__ import annotations

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

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
    time."""
    return format_html_join(
        "\n", "<tr>{}</tr>", ((_system_row(a),) for a in units.system_attribute_rows(attributes))
    )


def _system_row(a: units.SystemAttribute) -> SafeString:
    head = (
        format_html('<th scope="row">{}</th>', a.label)
        if a.label == a.name
        else format_html(
            '<th scope="row">{} <code class="api-name">{}</code></th>', a.label, a.name
        )
    )
    if a.time is None:
        return format_html("{}\n      <td><code>{}</code></td>", head, a.value)
    iso = date_format(template_localtime(a.time), "c")
    return format_html(
        '{}\n      <td><time datetime="{}" title="{} {}">{}</time><br>'
        '<time class="muted" datetime="{}" data-local-time></time></td>',
        head,
        iso,
        a.name,
        a.value,
        units.utc_time(a.time),
        iso,
    )
