"""A person sends 5,000 copies, watches the progress and presses Stop, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import visible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bulk_send_shows_progress_and_stops_when_asked(
    page, login, live_server, operator_user, profile, raw_sqs, standard_url
):
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")
    expect(page.locator("#send-form").get_by_text("At most 10,000")).to_be_visible()
    page.get_by_label("Message body").fill("many")
    page.get_by_label("Copies").fill("5000")
    page.get_by_role("button", name="Send message").click()

    progress = page.locator(".long-work-progress")
    expect(progress).to_contain_text(re.compile(r"Sent [1-9][\d,]* of 5,000 messages"))
    send_button = page.locator("#send-form").get_by_role("button", name="Send message")
    expect(send_button).to_be_disabled()
    page.get_by_role("button", name="Stop").click()

    summary = page.locator("[data-long-work-done]")
    expect(summary).to_contain_text("Stopped by you.")
    sent = int(re.search(r"Sent ([\d,]+) of 5,000", summary.inner_text()).group(1).replace(",", ""))
    assert 0 < sent < 5000
    expect(page.get_by_role("button", name="Stop")).to_have_count(0)
    expect(send_button).to_be_enabled()
    assert visible(raw_sqs, standard_url) == sent
