"""How the console words message values: relative and exact times, short sizes, and the console's
names for system attributes."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from queues.console.templatetags.units import (
    message_detail,
    received_message,
    system_attribute_table,
)
from queues.console.units import short_bytes, system_attribute_rows, time_ago, utc_time
from queues.sqs import Message
from tests.helpers import between_tags

NOW = datetime(2026, 12, 2, 5, 18, 26, 361000, tzinfo=UTC)


def test_time_ago_uses_the_largest_whole_unit():
    cases = {
        timedelta(0): "just now",
        timedelta(seconds=-5): "just now",
        timedelta(seconds=1): "1 second ago",
        timedelta(seconds=42): "42 seconds ago",
        timedelta(minutes=5, seconds=59): "5 minutes ago",
        timedelta(hours=1, minutes=2): "1 hour ago",
        timedelta(hours=3, minutes=2): "3 hours ago",
        timedelta(days=1, hours=2): "1 day ago",
        timedelta(days=13): "13 days ago",
    }
    assert {d: time_ago(NOW - d, now=NOW) for d in cases} == cases
    assert time_ago(None) == ""


def test_utc_time_keeps_the_milliseconds():
    assert utc_time(NOW) == "2026-12-02 05:18:26.361 UTC"
    assert utc_time(None) == ""
    # A moment given in another zone reads in UTC; microseconds are cut, not rounded.
    paris = timezone.get_fixed_timezone(60)
    assert utc_time(datetime(2026, 12, 2, 6, 18, 26, 361999, tzinfo=paris)) == (
        "2026-12-02 05:18:26.361 UTC"
    )


def test_a_short_message_id_is_what_truncatechars_9_makes_of_it():
    for message_id in ("f96bb3d3-a924-43eb-990f-98462134523f", "123456789", "1234567890", "a"):
        message = Message.from_response({"MessageId": message_id, "ReceiptHandle": "h"})
        assert message.short_id == truncatechars(message_id, 9)


def test_short_bytes_fits_a_narrow_column():
    sizes = [short_bytes(n) for n in (0, 312, 1536, 1 << 20)]
    assert sizes == ["0 B", "312 B", "1.5 KiB", "1.0 MiB"]


def test_system_attributes_carry_console_names_in_console_order_and_readable_times():
    rows = system_attribute_rows(
        {
            "SequenceNumber": "18889",
            "ApproximateReceiveCount": "3",
            "SentTimestamp": "1796109858361",
            "SomethingNew": "x",
            "SenderId": "123456789012",
            "MessageGroupId": "tenant-1",
            "ApproximateFirstReceiveTimestamp": "1796109860000",
            "MessageDeduplicationId": "d-1",
        }
    )
    assert [r.label for r in rows] == [
        "Sent",
        "First received",
        "Receive count",
        "Sender account ID",
        "Message group ID",
        "Sequence number",
        "Deduplication ID",
        "SomethingNew",
    ]
    sent = rows[0]
    assert (sent.name, sent.value) == ("SentTimestamp", "1796109858361")
    assert utc_time(sent.time) == "2026-12-01 07:24:18.361 UTC"
    assert rows[2].time is None


def test_a_garbled_timestamp_is_shown_raw_without_a_time():
    (row,) = system_attribute_rows({"SentTimestamp": "soon"})
    assert (row.label, row.value, row.time) == ("Sent", "soon", None)


def test_the_system_attributes_table_shows_times_in_utc_and_escapes_what_sqs_sent():
    html = system_attribute_table(
        {"SentTimestamp": "1796109858361", "SenderId": "<b>AIDA</b>", "Custom&": "1"}
    )
    rows = html.split("\n<tr>")
    assert rows[0] == (
        '<tr><th scope="row">Sent <code class="api-name">SentTimestamp</code></th>\n'
        '      <td><time datetime="2026-12-01T07:24:18.361000+00:00" '
        'title="SentTimestamp 1796109858361">2026-12-01 07:24:18.361 UTC</time><br>'
        '<time class="muted" datetime="2026-12-01T07:24:18.361000+00:00" data-local-time>'
        "</time></td></tr>"
    )
    assert "<code>&lt;b&gt;AIDA&lt;/b&gt;</code>" in rows[1]
    # An unknown attribute is labelled by its API name, shown once.
    assert rows[2] == '<th scope="row">Custom&amp;</th>\n      <td><code>1</code></td></tr>'


def _table_with_format_html(attributes: dict[str, str]) -> str:
    """The system attributes table as it was built with format_html per cell: the reference."""

    def row(a):
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
            *(head, iso, a.name, a.value, utc_time(a.time), iso),
        )

    return format_html_join(
        "\n", "<tr>{}</tr>", ((row(a),) for a in system_attribute_rows(attributes))
    )


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_the_system_attributes_table_is_the_html_format_html_builds(zone):
    attributes = {
        "SentTimestamp": "1796109858361",
        "ApproximateFirstReceiveTimestamp": "soon & later",
        "ApproximateReceiveCount": "3",
        "SenderId": "<b>AIDA</b>",
        "MessageGroupId": 'it\'s "quoted"',
        "AWSTraceHeader": "Root=1-5e1b4151;Parent=x&y",
        "Custom&<'\">": "1",
    }
    with timezone.override(zone):
        html = system_attribute_table(attributes)
        assert html == _table_with_format_html(attributes)
    assert isinstance(html, SafeString)
    assert system_attribute_table({}) == ""


# The template message_detail() replaced (templates/console/message_detail.html), verbatim: the
# reference its HTML is held to.
MESSAGE_DETAIL_TEMPLATE = """\
<div class="message-full">
  <section class="message-part">
    <div class="part-head"><h3>Message ID</h3><button type="button" class="small" data-copy="{{ prefix }}message-id-{{ key }}">Copy ID</button></div>
    <code id="{{ prefix }}message-id-{{ key }}" class="full-id">{{ m.message_id }}</code>
    <div class="part-head"><h3>Body</h3>{% if m.pretty_body %}<span class="badge">JSON</span>{% endif %}
      <button type="button" class="small" data-copy="{{ prefix }}body-{{ key }}">Copy body</button></div>
    {% if m.pretty_body %}
    <pre class="message-body" aria-label="Body, formatted JSON">{{ m.pretty_body }}</pre>
    <details class="raw-body"><summary>Raw body ({{ m.body|length }} characters)</summary>
      <pre id="{{ prefix }}body-{{ key }}" class="message-body">{{ m.body }}</pre></details>
    {% else %}
    <pre id="{{ prefix }}body-{{ key }}" class="message-body">{{ m.body }}</pre>
    {% endif %}
    {% with decoded=m.decoded_body %}{% if decoded %}
    <div class="part-head"><h3>Decoded body</h3><span class="badge">{{ decoded.encoding }}</span>{% if decoded.pretty %}<span class="badge">JSON</span>{% endif %}
      <button type="button" class="small" data-copy="{{ prefix }}decoded-{{ key }}">Copy decoded</button></div>
    <pre id="{{ prefix }}decoded-{{ key }}" class="message-body decoded-body">{{ decoded.pretty|default(decoded.text, true) }}</pre>
    {% if decoded.truncated %}<p class="muted">Showing the first 1 MiB of the unpacked body.</p>{% endif %}
    {% endif %}{% endwith %}
  </section>
  <section class="message-part">
    <h3>Message attributes</h3>
    {% if m.attributes %}
    <table class="kv"><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Value</th></tr></thead><tbody>
    {% for a in m.attributes %}<tr><th scope="row">{{ a.name }}</th><td>{{ a.data_type }}</td><td><code>{{ a.display_value }}</code></td></tr>{% endfor %}
    </tbody></table>
    {% else %}<p class="muted">None.</p>{% endif %}
    <h3>System attributes</h3>
    <table class="kv system-attributes"><tbody>
    {{ m.system_attributes|system_attribute_table }}
    </tbody></table>
  </section>
</div>"""  # noqa: E501


def _received(body: str, attributes: dict | None = None, **system: str) -> Message:
    return Message.from_response(
        {
            "MessageId": "5fea7756-0ea4-451a-a703-a558b933e274",
            "ReceiptHandle": "handle",
            "Body": body,
            "MessageAttributes": attributes or {},
            "Attributes": {"SentTimestamp": "1796109858361", "ApproximateReceiveCount": "2"}
            | system,
        }
    )


RECEIVED = {
    "text with markup": _received("<b>x</b> & 'y' \"z\"", SenderId="<AIDA>"),
    "JSON with attributes": _received(
        '{"order": 1, "note": "<i>"}',
        {
            "amount": {"DataType": "Number", "StringValue": "12.5"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
            "who<": {"DataType": "String.custom", "StringValue": "a&b"},
        },
    ),
    "base64 of JSON": _received(base64.b64encode(b'{"inside": [1, 2]}').decode()),
    "base64 of gzip, cut at 1 MiB": _received(
        base64.b64encode(gzip.compress(b"<" * (1 << 20) + b"tail")).decode()
    ),
    "empty": _received(""),
}


@pytest.mark.parametrize("name", RECEIVED)
@pytest.mark.parametrize(
    ("key", "prefix"), [(3, ""), ("5fea7756-0ea4", "match-"), ("50%s-off", "match-")]
)
def test_an_opened_message_is_the_html_its_template_made(name, key, prefix):
    m = RECEIVED[name]
    reference = engines["jinja2"].env.from_string(MESSAGE_DETAIL_TEMPLATE)
    with timezone.override("Asia/Kolkata"):
        html = message_detail(m, key, prefix)
        expected = reference.render(m=m, key=key, prefix=prefix)
    assert isinstance(html, SafeString)
    assert between_tags(html) == between_tags(expected)


def test_an_opened_message_escapes_what_sqs_sent_and_says_what_it_decoded():
    text = message_detail(RECEIVED["text with markup"], 1)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &#x27;y&#x27; &quot;z&quot;" in text and "<b>" not in text
    assert "<code>&lt;AIDA&gt;</code>" in text and "Decoded body" not in text
    cut = message_detail(RECEIVED["base64 of gzip, cut at 1 MiB"], 2)
    assert '<span class="badge">base64 + gzip</span>' in cut
    assert "Showing the first 1 MiB of the unpacked body." in cut
    typed = message_detail(RECEIVED["JSON with attributes"], 3, "match-")
    assert '<th scope="row">who&lt;</th><td>String.custom</td><td><code>a&amp;b</code>' in typed
    assert 'data-copy="match-body-3"' in typed and "Raw body (27 characters)" in typed


# The rows received_message() replaced (templates/console/messages.html's results table).
RESULT_ROWS_TEMPLATE = """\
{% for m in results %}
<tbody id="message-{{ m.message_id }}">
  <tr class="message-row{% if limit and m.receive_count >= limit %} at-limit{% elif limit and m.receive_count == near_limit %} near-limit{% endif %}">
    {% if polled %}<td class="row-actions"><input type="checkbox" name="selected" value="{{ m.message_id }}" aria-label="Select message {{ m.message_id }}">
      <button type="submit" class="danger small" name="only" value="{{ m.message_id }}" aria-label="Delete message {{ m.message_id }}">Delete</button></td>{% endif %}
    <td class="id-cell"><code class="message-id" title="{{ m.message_id }}">{{ m.short_id }}</code>
      <button type="button" class="small copy-id" data-copy="message-id-{{ loop.index }}" aria-label="Copy message ID {{ m.message_id }}">Copy</button></td>
    <td class="nowrap">{% if m.sent %}<time datetime="{{ m.sent|date('c') }}" title="{{ m.sent|utc }}" data-local-title>{{ m.sent|ago }}</time>{% endif %}</td>
    <td class="num nowrap" data-label="Size">{{ m.size|short_bytes }}</td>
    <td class="num nowrap" data-label="Receives">{{ m.receive_count }}{% if limit %} of {{ limit }}
      {% if m.receive_count >= limit %}<span class="badge danger-soft" title="The next receive moves it to {{ dlq_name }}">next receive moves it to the DLQ</span>
      {% elif m.receive_count == near_limit %}<span class="badge warn-soft">one receive from the limit</span>{% endif %}{% endif %}
    </td>
    {% if queue.is_fifo or grouped %}<td class="group-cell" data-label="Group" title="{% if m.sequence_number %}Sequence number {{ m.sequence_number }}{% endif %}">{{ m.group_id }}</td>{% endif %}
    <td class="body-cell"><button type="button" class="message-open" aria-expanded="false" aria-controls="message-detail-{{ loop.index }}" data-toggle-message>
      <span class="preview">{{ m.preview }}{% if m.body|length > 100 %}…{% endif %}</span></button></td>
  </tr>
  <tr class="message-detail" id="message-detail-{{ loop.index }}">
    <td colspan="{% if polled %}{% if queue.is_fifo or grouped %}7{% else %}6{% endif %}{% elif queue.is_fifo or grouped %}6{% else %}5{% endif %}">
      {{ m|message_detail(loop.index) }}
    </td>
  </tr>
</tbody>
{% endfor %}
"""  # noqa: E501


def _in_queue(count: int, body: str = "short", **system: str) -> Message:
    return _received(body, ApproximateReceiveCount=str(count), **system)


@pytest.mark.parametrize("polled", [True, False])
@pytest.mark.parametrize(
    ("limit", "fifo"), [(None, False), (3, False), (3, True)], ids=["plain", "limit", "fifo"]
)
def test_a_polls_rows_are_the_html_their_template_made(polled, limit, fifo):
    results = [
        _in_queue(1, "x" * 101),
        _in_queue(2, "<b>&</b>", MessageGroupId="g<1>", SequenceNumber="18849"),
        _in_queue(3, '{"a": 1}', MessageGroupId="g2"),
        _in_queue(4, "late", SentTimestamp=""),
    ]
    context = {
        "polled": polled,
        "limit": limit,
        "near_limit": limit - 1 if limit else None,
        "dlq_name": "orders-dlq<",
        "grouped": not fifo,  # a standard queue whose messages carry groups: fair queues
        "queue": {"is_fifo": fifo},
        "results": results,
    }
    reference = engines["jinja2"].env.from_string(RESULT_ROWS_TEMPLATE)
    with timezone.override("America/St_Johns"):
        expected = reference.render(context)
        html = "".join(
            received_message(
                m,
                i,
                polled=polled,
                limit=limit,
                dlq_name=context["dlq_name"],
                grouped=fifo or context["grouped"],
            )
            for i, m in enumerate(results, 1)
        )
    assert between_tags(html) == between_tags(expected)
    if limit:
        assert html.count("one receive from the limit") == 1
        assert html.count("next receive moves it to the DLQ") == 2
        assert 'title="The next receive moves it to orders-dlq&lt;"' in html
    assert ("Select message" in html) is polled and "x" * 100 + "…</span>" in html
