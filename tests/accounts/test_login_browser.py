"""A person signs in with a real Chromium and lands on the demo queues."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_lands_on_the_seeded_queues(page, login, admin_user, seeded):
    console = []
    page.on("console", lambda message: console.append(message.text))
    login(admin_user)

    expect(page).to_have_url(f"{page.url.split('/p/')[0]}/p/local-demo/us-east-1/queues/")
    table = page.locator("#queue-table")
    for name in ("orders", "orders-dlq", "payments.fifo", "notifications"):
        expect(table.get_by_role("cell", name=name, exact=False).first).to_be_visible()
    orders = table.get_by_role("row").filter(has_text="orders DLQ")
    expect(orders.get_by_role("cell").nth(2)).to_have_text("40")
    expect(page.locator("#workspace")).to_contain_text("Local demo")
    expect(page.locator("#workspace")).to_contain_text("us-east-1")
    assert not [text for text in console if "Content Security Policy" in text], console


def test_a_wrong_password_is_refused_on_the_page(page, login, admin_user):
    login(admin_user, password="wrong")
    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")


def test_the_header_switches_region(page, login, admin_user, seeded):
    login(admin_user)
    page.get_by_label("Region").fill("eu-west-1")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("#workspace")).to_contain_text("eu-west-1")
    expect(page.get_by_text("There are no queues in eu-west-1")).to_be_visible()


def test_typing_a_prefix_filters_the_list(page, login, admin_user, seeded):
    login(admin_user)
    page.get_by_label("Name prefix").fill("pay")
    expect(page.locator("#queue-table").get_by_role("row")).to_have_count(2)  # header + one
    expect(page.locator("#queue-table")).to_contain_text("payments.fifo")
    assert "prefix=pay" in page.url


def test_logging_out_returns_to_the_login_page(page, login, admin_user, seeded):
    login(admin_user)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Sign in to sqsadmin")).to_be_visible()
