"""The Audit page reads like a log, not a Python dump: labelled values, long ID lists folded, the
error apart from the parameters, a profile filter, and columns that do not wrap word by word."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from queues.audit.display import Detail, describe
from queues.models import AuditEvent

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
