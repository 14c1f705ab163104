"""A person clicks "Sign in with ...", signs in on the identity provider's own page in Chromium,
and lands on the dashboard with the role their IdP groups map to."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.accounts.conftest import IDP_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_with_idp(page, live_server, username: str):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    expect(page.get_by_role("heading", name="Test IdP")).to_be_visible()
    page.get_by_label("IdP username").fill(username)
    page.get_by_label("IdP password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Continue to sqsadmin").click()
    page.wait_for_load_state()
    return page


def test_an_operator_signs_in_through_the_idp_and_can_create_queues(page, live_server, sso, seeded):
    sign_in_with_idp(page, live_server, "otto-operator")
    expect(page).to_have_url(f"{live_server.url}/p/local-demo/us-east-1/queues/")
    expect(page.locator(".who")).to_have_text("otto-operator")
    page.goto(f"{live_server.url}/p/local-demo/us-east-1/queues/new/")
    expect(page.get_by_role("heading", name="Not allowed")).to_have_count(0)
    expect(page.locator("#id_name")).to_be_visible()


def test_someone_in_no_mapped_group_lands_with_no_role(page, live_server, sso, seeded):
    sign_in_with_idp(page, live_server, "nils-nogroup")
    expect(page.locator(".who")).to_have_text("nils-nogroup")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("main")).to_contain_text("This needs the Viewer role")
    expect(page.locator("#queue-table")).to_have_count(0)
