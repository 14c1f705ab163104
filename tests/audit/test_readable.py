"""The Audit page reads like a log, not a Python dump: labelled values, long ID lists folded, the
error apart from the parameters, a profile filter, and columns that do not wrap word by word."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from playwright.sync_api import expect

from queues.audit.display import Detail, audit_row, describe
from queues.models import AuditEvent
from tests.helpers import between_tags

# How many lines a cell's text takes: its pieces' tops, told apart by more than a few pixels.
LINES_OF_TEXT = """cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = [...range.getClientRects()].map(r => r.top).sort((a, b) => a - b);
  return tops.filter((top, i) => i === 0 || top - tops[i - 1] > 8).length;
}"""
IDS = [f"0f4c2a7e-6d1b-4c55-9a3e-{i:012d}" for i in range(100)]


def event(user, profile_name="Test", **fields) -> AuditEvent:
    defaults = {"action": "consume_messages", "queue": "orders", "outcome": "success"}
    return AuditEvent.objects.create(
        user=user,
        username=user.username,
        profile_name=profile_name,
        region="us-east-1",
        **{**defaults, **fields},
    )


def test_parameters_become_labelled_values():
    details = describe(
        {
            "messages_before": 12,
            "group_id": "",
            "deleted": True,
            "attributes": {"VisibilityTimeout": "45", "DelaySeconds": "5"},
            "tags_removed": ["team"],
        }
    )
    assert details == [
        Detail("Messages before", text="12"),
        Detail("Group ID", text="—"),
        Detail("Deleted", text="yes"),
        Detail("Attributes", items=("DelaySeconds = 5", "VisibilityTimeout = 45")),
        Detail("Tags removed", items=("team",)),
    ]


def test_a_long_id_list_is_folded_behind_its_count():
    (detail,) = describe({"message_ids": IDS})
    assert detail.summary == "100 message IDs"
    assert detail.items == tuple(IDS)
    assert describe({"message_ids": IDS[:3]})[0].summary == ""
    assert describe({"message_ids": []}) == [Detail("Message IDs", text="none")]


def test_the_page_shows_labels_not_reprs_and_the_error_apart(client, admin_user):
    event(
        admin_user,
        parameters={"count": 100, "message_ids": IDS},
        outcome="partial",
        error="Deleted 98 of 100 messages.",
    )
    client.force_login(admin_user)
    html = client.get(reverse("audit:log")).content.decode()
    assert "['" not in unescape(html) and "message_ids=" not in html
    assert re.search(r"<details><summary>100 message IDs</summary>", html)
    assert re.search(r'<p class="audit-error"><strong>Error</strong> Deleted 98 of 100', html)
    assert re.search(r"<dt>Count</dt>\s*<dd>100</dd>", html)


def test_the_profile_filter_keeps_one_profiles_events(client, admin_user):
    event(admin_user, profile_name="Production", queue="billing")
    event(admin_user, profile_name="Staging", queue="billing-test")
    client.force_login(admin_user)
    html = client.get(reverse("audit:log"), {"profile": "Staging"}).content.decode()
    assert "1 event" in html and "billing-test" in html
    assert ">billing<" not in html
    # Only profiles that appear in the trail are offered.
    assert '<option value="Production">' in html
    assert '<option value="Staging" selected>' in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_ids_unfold_and_short_columns_stay_on_one_line(
    page, login, admin_user, seeded, live_server
):
    event(
        admin_user,
        profile_name=seeded.name,
        queue="orders",
        parameters={"count": 100, "message_ids": IDS},
        outcome="partial",
        error="Deleted 98 of 100 messages: 2 receipt handles had expired.",
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    login(admin_user)
    page.goto(f"{live_server.url}/audit/")
    row = page.locator("table.audit tbody tr").first
    expect(row.get_by_text(IDS[-1])).to_be_hidden()
    row.get_by_text("100 message IDs").click()
    expect(row.get_by_text(IDS[-1])).to_be_visible()
    for label in ("Time (UTC)", "User", "Profile · region", "Action", "Outcome"):
        lines = row.locator(f'td[data-label="{label}"]').evaluate(LINES_OF_TEXT)
        assert lines == 1, f"{label} wraps onto {lines} lines"


# The template an event's row was rendered with before display.audit_row built it.
AUDIT_ROW_TEMPLATE = """\
      <tr>
        <td data-label="Time (UTC)" class="nowrap">{{ event.created_at|date("Y-m-d H:i:s") }}</td>
        <td data-label="User" class="nowrap">{{ event.username|default("—", true) }}</td>
        <td data-label="Profile · region" class="nowrap">{{ event.profile_name|default("—", true) }}{% if event.region %} · {{ event.region }}{% endif %}</td>
        <td data-label="Queue" class="queue-name">{{ event.queue|default("—", true) }}</td>
        <td data-label="Action" class="nowrap"><code>{{ event.action }}</code></td>
        <td data-label="Outcome" class="nowrap"><span class="badge outcome-{{ event.outcome }}">{{ event.get_outcome_display() }}</span></td>
        <td data-label="Details" class="audit-details">
          {% if event.error %}<p class="audit-error"><strong>Error</strong> {{ event.error }}</p>{% endif %}
          {% if event.details %}
          <dl class="audit-params">
            {% for detail in event.details %}
            <div><dt>{{ detail.label }}</dt>
              <dd>{% if detail.summary %}<details><summary>{{ detail.summary }}</summary><ul class="audit-items">{% for item in detail.items %}<li><code>{{ item }}</code></li>{% endfor %}</ul></details>
              {% elif detail.items %}{% for item in detail.items %}<code>{{ item }}</code>{% if not loop.last %}, {% endif %}{% endfor %}
              {% else %}{{ detail.text }}{% endif %}</dd></div>
            {% endfor %}
          </dl>
          {% endif %}
        </td>
        <td data-label="From" class="audit-from"><div>{% if event.client_address %}<code>{{ event.client_address }}</code>{% endif %}{% if event.user_agent %}<br><span class="muted user-agent" title="{{ event.user_agent }}">{{ event.user_agent|truncatechars(40) }}</span>{% endif %}</div></td>
      </tr>
"""  # noqa: E501

AT = datetime(2026, 12, 2, 5, 18, 26, 361000, tzinfo=UTC)
PARAMETERS = {
    "attributes": {"VisibilityTimeout": "45", "Policy": '{"a": "<b>"}'},
    "tags_removed": ["team", "o'neil"],
    "message_ids": IDS[:5],
    "deleted": True,
    "group_id": "",
    "none": [],
}
AGENT = 'Mozilla/5.0 (X11; Linux x86_64) "Chromium" <script>alert(1)</script>'
# Unsaved events, each as (what, outcome, who, where, and the rest).
ROWS = {
    name: AuditEvent(created_at=AT, action=action, outcome=outcome, **fields)
    for name, action, outcome, fields in [
        (
            "labelled parameters",
            "edit_queue",
            "success",
            {"username": "ops", "profile_name": "Prod <eu>", "region": "eu-west-1"}
            | {"queue": "orders", "parameters": PARAMETERS}
            | {"client_address": "203.0.113.9", "user_agent": AGENT},
        ),
        (
            "failure, nothing named",
            "purge_queue",
            "failure",
            {"error": "Access denied: <arn:aws:iam::1:user/x> & more"},
        ),
        (
            "partly, no profile but a region",
            "send_messages",
            "partial",
            {"username": "cli", "region": "us-east-1", "user_agent": "curl/8"}
            | {"parameters": {"sent": 3, "applied": ["1", "2", "3"]}},
        ),
    ]
}


@pytest.mark.parametrize("name", ROWS)
@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
def test_an_events_row_is_the_html_its_template_made(name, zone):
    event = ROWS[name]
    reference = engines["jinja2"].env.from_string(AUDIT_ROW_TEMPLATE)
    event.details = describe(event.parameters)
    with timezone.override(zone):
        html = audit_row(event)
        expected = reference.render(event=event)
    assert isinstance(html, SafeString)
    assert between_tags(html) == between_tags(expected)


def test_an_events_row_escapes_what_it_was_given_and_reads_in_the_pages_time_zone():
    with timezone.override("Asia/Kolkata"):
        row = audit_row(ROWS["labelled parameters"])
    assert "2026-12-02 10:48:26" in row  # 05:18 UTC
    assert "Prod &lt;eu&gt; · eu-west-1" in row and "<script>" not in row
    assert "<summary>5 message IDs</summary>" in row
    assert "<code>team</code>, <code>o&#x27;neil</code>" in row
    failed = audit_row(ROWS["failure, nothing named"])
    assert (
        "<strong>Error</strong> Access denied: &lt;arn:aws:iam::1:user/x&gt; &amp; more" in failed
    )
    assert failed.count(">—</td>") == 3  # user, profile, queue
