"""The Audit page: admins see everything, others their own; filters, paging and CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from queues import audit
from queues.audit import views
from queues.models import AuditEvent


def event(user, action="purge_queue", queue="orders", outcome="success", **extra) -> AuditEvent:
    return AuditEvent.objects.create(
        user=user,
        username=user.username,
        action=action,
        queue=queue,
        outcome=outcome,
        profile_name="Test",
        region="us-east-1",
        **extra,
    )


@pytest.fixture
def events(admin_user, operator_user):
    return [
        event(operator_user, "purge_queue", "orders"),
        event(
            operator_user,
            "delete_queue",
            "old",
            outcome="failure",
            error="Queue 'old' does not exist",
        ),
        event(admin_user, "create_profile", ""),
    ]


def test_an_admin_sees_every_event(client, admin_user, events):
    client.force_login(admin_user)
    html = client.get(reverse("audit:log")).content.decode()
    assert "3 events" in html
    assert "oscar-operator" in html and "create_profile" in html


def test_rows_shown_again_are_the_same_and_new_events_join_them_on_top(client, admin_user, events):
    client.force_login(admin_user)
    first = client.get(reverse("audit:log")).content.decode()
    event(admin_user, "send_message", "payments", error="", client_address="10.0.0.7")
    again = client.get(reverse("audit:log")).content.decode()
    rows = again[again.index("<tbody>") : again.index("</tbody>")]
    assert rows.index("payments") < rows.index("create_profile") < rows.index("purge_queue")
    assert "10.0.0.7" in rows
    # The rows the first view showed are there again, character for character.
    before = first[first.index("<tbody>") + len("<tbody>") : first.index("</tbody>")]
    assert before.strip() and before.strip() in rows
    # Another new event, read as the one before was (one row, not shown yet): itself.
    event(admin_user, "purge_queue", "invoices")
    third = client.get(reverse("audit:log")).content.decode()
    rows = third[third.index("<tbody>") : third.index("</tbody>")]
    assert rows.count("invoices") == 1 and rows.count("payments") == 1
    assert rows.index("invoices") < rows.index("payments")


def options(client, name: str) -> list[str]:
    """The values a filter of the Audit page offers."""
    html = client.get(reverse("audit:log")).content.decode()
    filters = html[html.index('class="card filters"') :]
    select = filters[
        filters.index(f'name="{name}"') : filters.index(
            "</select>", filters.index(f'name="{name}"')
        )
    ]
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_action_filter_offers_an_action_recorded_since_the_last_view(
    client, admin_user, events
):
    client.force_login(admin_user)
    assert "redrive_messages" not in options(client, "action")
    with audit.recorded("redrive_messages", user=admin_user, queue="orders-dlq"):
        pass
    assert options(client, "action") == [
        "",
        "create_profile",
        "delete_queue",
        "purge_queue",
        "redrive_messages",
    ]


def test_the_profile_filter_offers_a_profile_first_used_since_the_last_view(
    client, operator_user, profile, events
):
    client.force_login(operator_user)
    assert options(client, "profile") == ["", "Test"]
    with audit.recorded("purge_queue", user=operator_user, profile=profile, queue="orders"):
        pass
    assert options(client, "profile") == ["", "Test", profile.name]


def test_each_user_is_offered_the_actions_of_their_own_events_and_admins_everyones(
    client, admin_user, operator_user, events
):
    client.force_login(operator_user)
    assert options(client, "action") == ["", "delete_queue", "purge_queue"]
    client.force_login(admin_user)
    assert "send_message" not in options(client, "action")
    # One user's new action joins their own choices and everyone's, not another user's.
    with audit.recorded("send_message", user=operator_user, queue="orders"):
        pass
    with audit.recorded("rename_profile", user=admin_user):
        pass
    assert {"send_message", "rename_profile"} <= set(options(client, "action"))
    client.force_login(operator_user)
    assert options(client, "action") == ["", "delete_queue", "purge_queue", "send_message"]


def test_an_operator_sees_only_their_own_events(client, operator_user, events):
    client.force_login(operator_user)
    html = client.get(reverse("audit:log")).content.decode()
    assert "2 events" in html and "create_profile" not in html
    assert 'name="user"' not in html


def test_filters_narrow_the_list(client, admin_user, events):
    client.force_login(admin_user)
    html = client.get(
        reverse("audit:log"), {"action": "delete_queue", "outcome": "failure"}
    ).content.decode()
    assert "1 event" in html and "does not exist" in html and "purge_queue</code>" not in html


def test_an_impossible_time_range_is_explained(client, admin_user, events):
    client.force_login(admin_user)
    response = client.get(
        reverse("audit:log"), {"since": "2026-02-01T00:00", "until": "2026-01-01T00:00"}
    )
    assert response.status_code == 200
    assert "must be after" in response.content.decode()


def test_pages_hold_fifty_events(client, admin_user):
    for i in range(55):
        event(admin_user, queue=f"q{i}")
    client.force_login(admin_user)
    first = client.get(reverse("audit:log")).content.decode()
    second = client.get(reverse("audit:log"), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and first.count("<tr>") == 51
    assert second.count("<tr>") == 6


def test_a_page_past_the_end_is_the_last_and_a_page_that_is_no_number_the_first(client, admin_user):
    for i in range(55):
        event(admin_user, queue=f"q{i}")
    client.force_login(admin_user)
    past = client.get(reverse("audit:log"), {"page": 9}).content.decode()
    assert "Page 2 of 2" in past and past.count("<tr>") == 6 and "q0<" in past
    garbled = client.get(reverse("audit:log"), {"page": "last"}).content.decode()
    assert "Page 1 of 2" in garbled and "q54<" in garbled
    far = client.get(reverse("audit:log"), {"page": "9" * 30}).content.decode()
    assert "Page 2 of 2" in far and far.count("<tr>") == 6


def test_a_large_log_is_counted_only_so_far_past_the_page(client, admin_user, monkeypatch):
    monkeypatch.setattr(views, "COUNT_AHEAD", 60)
    for i in range(120):
        event(admin_user, queue=f"q{i}")
    client.force_login(admin_user)
    first = client.get(reverse("audit:log")).content.decode()
    assert "More than 60 events" in first and "Page 1 of 2 or more" in first
    assert "Older" in first and first.count("<tr>") == 51
    second = client.get(reverse("audit:log"), {"page": 2}).content.decode()
    assert "More than 110 events" in second and "Page 2 of 3 or more" in second
    # Near the end, the count is exact again.
    last = client.get(reverse("audit:log"), {"page": 3}).content.decode()
    assert "120 events" in last and "Page 3 of 3<" in last and last.count("<tr>") == 21
    assert "Older" not in last


def test_the_csv_download_has_the_filtered_events_and_defuses_formulas(
    client, admin_user, operator_user
):
    event(operator_user, queue="=HYPERLINK(1)")
    event(admin_user, action="create_profile")
    client.force_login(admin_user)
    response = client.get(reverse("audit:log"), {"user": "oscar-operator", "format": "csv"})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["time", "user", "profile"]
    assert len(rows) == 2 and rows[1][4] == "'=HYPERLINK(1)"


def test_events_cannot_be_changed_through_the_page(client, admin_user, events):
    client.force_login(admin_user)
    assert client.post(reverse("audit:log")).status_code == 405
    assert AuditEvent.objects.count() == 3


def test_an_action_through_the_dashboard_shows_where_it_came_from(
    client, operator_user, admin_user, profile, raw_sqs
):
    raw_sqs.create_queue(QueueName="orders")
    client.force_login(operator_user)
    client.post(
        reverse("console:queue-purge", args=[profile.slug, "us-east-1", "orders"]),
        {"confirm_name": "orders"},
        REMOTE_ADDR="198.51.100.23",
        HTTP_USER_AGENT="curl/8.14 =cmd",
    )
    assert AuditEvent.objects.get(action="purge_queue").client_address == "198.51.100.23"
    client.force_login(admin_user)
    page = client.get(reverse("audit:log")).content.decode()
    assert "198.51.100.23" in page and "curl/8.14" in page
    response = client.get(reverse("audit:log"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-2:] == ["client address", "user agent"]
    assert rows[1][-2:] == ["198.51.100.23", "curl/8.14 =cmd"]
