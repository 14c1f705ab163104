"""Template filters for SQS values: `{{ seconds|duration }}`, `{{ size|bytes }}`,
`{% for row in queue.settings|attribute_rows %}`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from html import escape

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone, template_localtime

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


def received_message(
    m: Message, index: int, *, polled: bool, limit: int | None, dlq_name: str, grouped: bool
) -> SafeString:
    """A poll's (or a receive's) message as the results table shows it: a row (when `polled`,
    with a checkbox and a Delete button), then the row that opens to its `message_detail`.
    `limit` is the queue's receive limit (maxReceiveCount), if it has a dead-letter queue;
    `grouped` shows the group column (FIFO, or fair queues). Built in one pass like the detail:
    tests/console/test_units.py holds it to the template it replaced."""
    polled, grouped = bool(polled), bool(grouped)  # a page without them has Undefined
    id_ = escape(m.message_id)
    count = m.receive_count
    state = ""
    receives = str(count)
    if limit:
        receives = f"{count} of {limit}"
        if count >= limit:
            state = " at-limit"
            receives += (
                f'\n<span class="badge danger-soft" title="The next receive moves it to '
                f'{escape(dlq_name)}">next receive moves it to the DLQ</span>'
            )
        elif count == limit - 1:
            state = " near-limit"
            receives += '\n<span class="badge warn-soft">one receive from the limit</span>'
    actions = (
        f'<td class="row-actions"><input type="checkbox" name="selected" value="{id_}" '
        f'aria-label="Select message {id_}">\n<button type="submit" class="danger small" '
        f'name="only" value="{id_}" aria-label="Delete message {id_}">Delete</button></td>\n'
        if polled
        else ""
    )
    sent = m.sent
    when = (
        f'<time datetime="{template_localtime(sent).isoformat()}" title="{units.utc_time(sent)}"'
        f" data-local-title>{units.time_ago(sent)}</time>"
        if sent
        else ""
    )
    group = ""
    if grouped:
        sequence = f"Sequence number {escape(m.sequence_number)}" if m.sequence_number else ""
        group = (
            f'<td class="group-cell" data-label="Group" title="{sequence}">'
            f"{escape(m.group_id)}</td>\n"
        )
    more = "…" if len(m.body) > 100 else ""
    return SafeString(
        f'<tbody id="message-{id_}">\n<tr class="message-row{state}">\n{actions}'
        f'<td class="id-cell"><code class="message-id" title="{id_}">{escape(m.short_id)}</code>'
        f'\n<button type="button" class="small copy-id" data-copy="message-id-{index}" '
        f'aria-label="Copy message ID {id_}">Copy</button></td>\n<td class="nowrap">{when}</td>'
        f'\n<td class="num nowrap" data-label="Size">{units.short_bytes(m.size)}</td>\n'
        f'<td class="num nowrap" data-label="Receives">{receives}</td>\n{group}'
        f'<td class="body-cell"><button type="button" class="message-open" aria-expanded="false"'
        f' aria-controls="message-detail-{index}" data-toggle-message>\n<span class="preview">'
        f"{escape(m.preview)}{more}</span></button></td>\n</tr>\n"
        f'<tr class="message-detail" id="message-detail-{index}">\n'
        f'<td colspan="{5 + polled + grouped}">\n{message_detail(m, index)}\n</td>\n</tr>\n'
        "</tbody>"
    )


def received_messages(
    messages: Sequence[Message], *, polled: bool, limit: int | None, dlq_name: str, grouped: bool
) -> SafeString:
    """The results table's rows for `messages` (received_message, numbered from 1)."""
    return SafeString(
        "\n".join(
            received_message(
                m, index, polled=polled, limit=limit, dlq_name=dlq_name, grouped=grouped
            )
            for index, m in enumerate(messages, 1)
        )
    )


@register.filter
def message_detail(m: Message, key: object, prefix: str = "") -> SafeString:
    """A received message, opened (a poll's row, a browse's match): its ID, its body (formatted
    JSON and raw, and the text inside a base64 or gzip body), its message attributes and its
    system attributes with the console's names and readable times. `key` makes the element ids
    unique on the page (a poll's row number, a browse match's ID), `prefix` keeps a browse's
    apart from a poll's. Built in one pass with every value escaped, not by a template: a poll
    shows up to ten messages, and a template's escaping and lookups per value were a third of a
    poll's work. tests/console/test_units.py holds it to the template it replaced."""
    prefix, key = escape(prefix), escape(str(key))
    message_id, body_id, decoded_id = (f"{prefix}{kind}-{key}" for kind in _DETAIL_IDS)
    pretty = m.pretty_body
    if pretty is None:
        body = f'<pre id="{body_id}" class="message-body">{escape(m.body)}</pre>'
    else:
        body = (
            f'<pre class="message-body" aria-label="Body, formatted JSON">{escape(pretty)}</pre>\n'
            f'<details class="raw-body"><summary>Raw body ({len(m.body)} characters)</summary>\n'
            f'<pre id="{body_id}" class="message-body">{escape(m.body)}</pre></details>'
        )
    parts = [
        '<div class="message-full">\n<section class="message-part">\n<div class="part-head">'
        f'<h3>Message ID</h3><button type="button" class="small" data-copy="{message_id}">'
        f'Copy ID</button></div>\n<code id="{message_id}" class="full-id">'
        f'{escape(m.message_id)}</code>\n<div class="part-head"><h3>Body</h3>'
        f'{_JSON_BADGE if pretty is not None else ""}\n<button type="button" class="small" '
        f'data-copy="{body_id}">Copy body</button></div>\n{body}',
    ]
    if decoded := m.decoded_body:
        parts.append(
            f'<div class="part-head"><h3>Decoded body</h3><span class="badge">'
            f"{escape(decoded.encoding)}</span>{_JSON_BADGE if decoded.pretty else ''}\n"
            f'<button type="button" class="small" data-copy="{decoded_id}">Copy decoded'
            f'</button></div>\n<pre id="{decoded_id}" class="message-body decoded-body">'
            f"{escape(decoded.pretty or decoded.text)}</pre>"
            + (_TRUNCATED if decoded.truncated else "")
        )
    parts.append('</section>\n<section class="message-part">\n<h3>Message attributes</h3>')
    if m.attributes:
        rows = "".join(
            f'<tr><th scope="row">{escape(a.name)}</th><td>{escape(a.data_type)}</td>'
            f"<td><code>{escape(a.display_value)}</code></td></tr>"
            for a in m.attributes
        )
        parts.append(f"{_ATTRIBUTES_HEAD}{rows}\n</tbody></table>")
    else:
        parts.append('<p class="muted">None.</p>')
    parts.append(
        '<h3>System attributes</h3>\n<table class="kv system-attributes"><tbody>\n'
        f"{system_attribute_table(m.system_attributes)}\n</tbody></table>\n</section>\n</div>"
    )
    return SafeString("\n".join(parts))


_DETAIL_IDS = ("message-id", "body", "decoded")
_JSON_BADGE = '<span class="badge">JSON</span>'
_TRUNCATED = '\n<p class="muted">Showing the first 1 MiB of the unpacked body.</p>'
_ATTRIBUTES_HEAD = (
    '<table class="kv"><thead><tr><th scope="col">Name</th><th scope="col">Type</th>'
    '<th scope="col">Value</th></tr></thead><tbody>\n'
)


@register.filter
def system_attribute_table(attributes: dict[str, str]) -> SafeString:
    """The rows of a received message's system attributes table (message_detail): built
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
