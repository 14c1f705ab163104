"""An admin creates a profile in a real Chromium and tests its connection; an operator cannot."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from queues.models import AwsProfile
from tests.helpers import errors_away_from_their_fields

from .pki import ACCOUNT, RA_PROFILE_ARN, TRUST_ANCHOR_ARN

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


@pytest.mark.parametrize("width", [390, 1280])
def test_after_an_error_the_emptied_key_and_passphrase_say_so_beside_them(
    page, login, admin_user, live_server, client_cert, width
):
    page.set_viewport_size({"width": width, "height": 900})
    login(admin_user)
    page.goto(f"{live_server.url}/profiles/new/")
    page.get_by_label("Name", exact=True).fill("Workload")
    page.get_by_label("Default region").fill("us-east-1")
    page.get_by_label("Auth mode").select_option(label="IAM Roles Anywhere")
    page.get_by_label("Trust anchor ARN").fill(TRUST_ANCHOR_ARN)
    page.get_by_label("Profile ARN", exact=True).fill(RA_PROFILE_ARN)
    page.get_by_label("Role ARN", exact=True).fill("not-a-role")
    page.get_by_label("Certificate (PEM)").fill(client_cert.certificate_pem)
    page.get_by_label("Private key (PEM)").fill(client_cert.key_pem("right"))
    page.get_by_label("Private key passphrase").fill("right")
    page.get_by_label("Session duration", exact=True).fill("13")
    page.get_by_label("Session duration unit").select_option("hours")
    page.get_by_role("button", name="Create profile").click()

    expect(page.locator("#field-role_arn .errorlist")).to_be_visible()
    expect(page.locator("#field-duration_seconds .errorlist")).to_have_text(
        "Use at most 12 hours (43,200 seconds)."
    )
    for name in ("private_key_pem", "private_key_passphrase"):
        notice = page.locator(f"#field-{name} .blanked-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("cleared because the form had errors")
    expect(page.get_by_label("Private key (PEM)")).to_have_value("")
    # What is not secret is kept, with no such notice.
    expect(page.get_by_label("Certificate (PEM)")).not_to_have_value("")
    expect(page.locator("#field-certificate_pem .blanked-notice")).to_have_count(0)
    assert errors_away_from_their_fields(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if shots := os.environ.get("SQSADMIN_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(shots, f"profile-form-errors-{width}.png"), full_page=True
        )
