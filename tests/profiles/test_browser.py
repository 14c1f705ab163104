"""An admin creates a profile in a real Chromium and tests its connection; an operator cannot."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from queues.models import AwsProfile

from .pki import ACCOUNT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_creates_a_static_profile_and_tests_it(page, login, admin_user, sqs_endpoint):
    console = []
    page.on("console", lambda message: console.append(message.text))
    login(admin_user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profiles").click()
    page.get_by_role("link", name="Create profile").click()

    page.get_by_label("Name", exact=True).fill("Moto static")
    page.get_by_label("Default region").fill("us-east-1")
    page.get_by_label("Endpoint URL").fill(sqs_endpoint)
    # Picking another auth mode swaps its fields in; picking static keys brings them back.
    page.get_by_label("Auth mode").select_option(label="Assume role")
    expect(page.get_by_label("Role ARN")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Moto static")
    page.get_by_label("Auth mode").select_option(label="Static keys")
    expect(page.get_by_label("Role ARN")).to_have_count(0)
    page.get_by_label("Access key ID").fill("AKIABROWSERTEST00001")
    page.get_by_label("Secret access key").fill("browser-secret-value-123")

    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#form-test")).to_contain_text(f"account {ACCOUNT}")
    expect(page.locator("#form-test")).to_contain_text(" ms")

    page.get_by_role("button", name="Create profile").click()
    expect(page.get_by_text("Profile “Moto static” created.")).to_be_visible()
    page.get_by_role("button", name="Test connection of Moto static").click()
    expect(page.locator("#test-moto-static")).to_contain_text(f"account {ACCOUNT}")

    page.get_by_role("link", name="Edit Moto static").click()
    expect(page.get_by_text("Stored: …-123. Leave blank to keep it.")).to_be_visible()
    assert "browser-secret-value-123" not in page.content()
    assert AwsProfile.objects.get(name="Moto static").secret_access_key == (
        "browser-secret-value-123"
    )
    assert not [text for text in console if "Content Security Policy" in text], console


def test_an_operator_cannot_open_the_profile_pages(page, login, operator_user, live_server):
    login(operator_user)
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Profiles")
    ).to_have_count(0)
    response = page.goto(f"{live_server.url}/profiles/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("#denied")).to_contain_text("Admin")
    response = page.goto(f"{live_server.url}/profiles/new/")
    assert response.status == 403
