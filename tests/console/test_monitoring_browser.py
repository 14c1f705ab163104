"""The Monitoring tab in Chromium: the live chart follows the queue as messages arrive."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers import send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_live_chart_reaches_30_available_within_two_samples(
    page, login, viewer_user, profile, raw_sqs, live_server, settings
):
    settings.MONITORING_INTERVAL_SECONDS = 1
    url = raw_sqs.create_queue(QueueName="incoming")["QueueUrl"]
    polls: list[str] = []
    page.on(
        "response",
        lambda response: (
            polls.append(response.url) if "/monitoring/live/" in response.url else None
        ),
    )
    login(viewer_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/incoming/")
    page.get_by_role("link", name="Monitoring").click()
    expect(page.get_by_role("heading", name="Live")).to_be_visible()
    available = page.locator('#live-chart polyline[data-series="Messages available"]')
    expect(available).to_have_attribute("data-latest", "0")
    expect(page.get_by_text("every 1 s = 60 calls/minute while this page is open")).to_be_visible()

    send(raw_sqs, url, 30)
    before = len(polls)
    expect(available).to_have_attribute("data-latest", "30", timeout=15_000)
    # Counted in samples, not seconds: the poll under way when the messages went in may still
    # show 0; the next one shows 30.
    assert len(polls) - before <= 2
    expect(page.locator("#live-latest")).to_contain_text("Messages available 30")
    # The chart's numbers are there as a table too.
    page.locator("#live summary").click()
    expect(page.locator("#live table tbody tr").last.locator("td").first).to_have_text("30")
