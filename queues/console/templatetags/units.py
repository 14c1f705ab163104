"""Template filters for SQS values: `{{ seconds|duration }}`, `{{ size|bytes }}`,
`{% for row in queue.settings|attribute_rows %}`, `{{ m|message_detail(key, prefix) }}`."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from markupsafe import escape as autoescape

from ...sqs import Message
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
    return SafeString("\n".join(_system_row(a) for a in units.system_attribute_rows(attributes)))


def _system_row(a: units.SystemAttribute) -> str:
    name = escape(str(a.name))
    head = (
        f'<th scope="row">{name}</th>'
        if a.label == a.name
        else f'<th scope="row">{escape(str(a.label))} <code class="api-name">{name}</code></th>'
    )
    if a.time is None:
        return f"<tr>{head}\n      <td><code>{escape(str(a.value))}</code></td></tr>"
    # Django's "c" date format is isoformat(); neither it nor utc_time() has a character to escape.
    iso = template_localtime(a.time).isoformat()
    return (
        f'<tr>{head}\n      <td><time datetime="{iso}" title="{name} {escape(str(a.value))}">'
        f"{units.utc_time(a.time)}</time><br>"
        f'<time class="muted" datetime="{iso}" data-local-time></time></td></tr>'
    )


_JSON_BADGE = '<span class="badge">JSON</span>'
_TRUNCATED = '<p class="muted">Showing the first 1 MiB of the unpacked body.</p>'
_ATTRIBUTES_HEAD = (
    '<table class="kv"><thead><tr><th scope="col">Name</th><th scope="col">Type</th>'
    '<th scope="col">Value</th></tr></thead><tbody>'
)


@register.filter
def message_detail(m: Message, key: int | str, prefix: str = "") -> SafeString:
    """One received message, opened (console/message_detail.html, a poll's rows): body
    (formatted JSON, raw, and the text inside a base64 or gzip body), message attributes, system
    attributes. `key` and `prefix` make the element ids unique on the page (the poll's row
    number; a browse match's ID and "match-").

    Built here in one pass, as the template was, with Jinja's escaping (markupsafe) of every value:
    the template took ~20 µs a message through its include, its lookups and filters, this a
    third of that; the HTML is the same (tests/console/test_units.py)."""
    ids = f"{autoescape(prefix)}{{}}-{autoescape(key)}"
    id_id, body_id = ids.format("message-id"), ids.format("body")
    body, pretty = autoescape(m.body), m.pretty_body
    html = [
        '<div class="message-full">\n  <section class="message-part">\n'
        '    <div class="part-head"><h3>Message ID</h3><button type="button" class="small" '
        f'data-copy="{id_id}">Copy ID</button></div>\n'
        f'    <code id="{id_id}" class="full-id">{autoescape(m.message_id)}</code>\n'
        f'    <div class="part-head"><h3>Body</h3>{_JSON_BADGE if pretty else ""}\n'
        f'      <button type="button" class="small" data-copy="{body_id}">Copy body</button>'
        "</div>\n"
    ]
    if pretty:
        html.append(
            f'    \n    <pre class="message-body" aria-label="Body, formatted JSON">'
            f"{autoescape(pretty)}</pre>\n"
            f'    <details class="raw-body"><summary>Raw body ({len(m.body)} characters)'
            "</summary>\n"
            f'      <pre id="{body_id}" class="message-body">{body}</pre></details>\n    \n    '
        )
    else:
        html.append(f'    \n    <pre id="{body_id}" class="message-body">{body}</pre>\n    \n    ')
    if decoded := m.decoded_body:
        decoded_id = ids.format("decoded")
        html.append(
            '\n    <div class="part-head"><h3>Decoded body</h3>'
            f'<span class="badge">{autoescape(decoded.encoding)}</span>'
            f"{_JSON_BADGE if decoded.pretty else ''}\n"
            f'      <button type="button" class="small" data-copy="{decoded_id}">Copy decoded'
            "</button></div>\n"
            f'    <pre id="{decoded_id}" class="message-body decoded-body">'
            f"{autoescape(decoded.pretty or decoded.text)}</pre>\n"
            f"    {_TRUNCATED if decoded.truncated else ''}\n    "
        )
    html.append(
        '\n  </section>\n  <section class="message-part">\n    <h3>Message attributes</h3>\n    '
    )
    if m.attributes:
        rows = "".join(
            f'<tr><th scope="row">{autoescape(a.name)}</th><td>{autoescape(a.data_type)}</td>'
            f"<td><code>{autoescape(a.display_value)}</code></td></tr>"
            for a in m.attributes
        )
        html.append(f"\n    {_ATTRIBUTES_HEAD}\n    {rows}\n    </tbody></table>\n    ")
    else:
        html.append('<p class="muted">None.</p>')
    html.append(
        '\n    <h3>System attributes</h3>\n    <table class="kv system-attributes"><tbody>\n    '
        f"{system_attribute_table(m.system_attributes)}\n    </tbody></table>\n  </section>\n</div>"
    )
    return SafeString("".join(html))
