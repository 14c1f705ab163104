"""Sign-in lockout (django-axes): per account and address, per address across accounts, and which
address counts when a proxy stands in front."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory

from queues.accounts.lockout import client_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-ins. Wait 15 minutes before trying again."


def attempt(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )


def test_a_locked_account_gets_the_login_page_with_the_wait(client, viewer_user, settings):
    settings.LOGIN_MAX_FAILURES = 2
    attempt(client, viewer_user.username, "nope")
    attempt(client, viewer_user.username, "nope")
    refused = attempt(client, viewer_user.username, PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert 'name="password"' in refused.content.decode()  # still the login page
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_that_account_from_that_address_only(
    client, viewer_user, operator_user, settings
):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(3):
        attempt(client, viewer_user.username, "nope", address="10.0.0.1")
    assert attempt(client, operator_user.username, PASSWORD, address="10.0.0.1").status_code == 302
    client.logout()
    assert attempt(client, viewer_user.username, PASSWORD, address="10.0.0.2").status_code == 302


def test_spraying_usernames_locks_the_sprayer_address_not_the_users(client, viewer_user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 10
    for number in range(10):
        attempt(client, f"made-up-{number}", "Summer2026!", address="10.6.6.6")
    # The sprayer's address is refused for every account, even with a right password ...
    assert LOCKED in attempt(client, viewer_user.username, PASSWORD, "10.6.6.6").content.decode()
    # ... and the real user, from their own address, is not locked out.
    assert attempt(client, viewer_user.username, PASSWORD, address="10.0.0.7").status_code == 302


def test_signing_in_does_not_wipe_the_address_count(client, viewer_user, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for number in range(3):
        attempt(client, f"made-up-{number}", "nope", address="10.6.6.6")
    assert attempt(client, viewer_user.username, PASSWORD, address="10.6.6.6").status_code == 302
    client.logout()
    attempt(client, "made-up-9", "nope", address="10.6.6.6")
    assert LOCKED in attempt(client, viewer_user.username, PASSWORD, "10.6.6.6").content.decode()


def test_a_spoofed_forwarded_for_does_not_dodge_the_lock(client, viewer_user, settings):
    settings.LOGIN_MAX_FAILURES = 2
    for number in range(3):
        attempt(client, viewer_user.username, "nope", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert LOCKED in attempt(client, viewer_user.username, PASSWORD).content.decode()


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("remote", "forwarded", "counted"),
    [
        # No trusted proxy in front: the header is the client's to forge.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # Through our proxy: the address it saw connect (the right-most entry).
        ("10.1.0.5", "198.51.100.1", "198.51.100.1"),
        # A client that sends its own header through our proxy cannot choose its address.
        ("10.1.0.5", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # Two of our proxies in a row are skipped.
        ("10.1.0.5", "198.51.100.1, 10.1.0.6", "198.51.100.1"),
        # A garbled header counts against the proxy rather than a guess.
        ("10.1.0.5", "not-an-address", "10.1.0.5"),
        ("10.1.0.5", None, "10.1.0.5"),
    ],
)
def test_the_client_address_trusts_forwarded_for_only_from_trusted_proxies(
    settings, remote, forwarded, counted
):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.1.0.0/24")]
    assert client_ip(_request(remote, forwarded)) == counted


def test_behind_a_trusted_proxy_users_are_told_apart_by_their_own_address(
    client, viewer_user, settings
):
    settings.LOGIN_MAX_FAILURES = 2
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.1.0.5/32")]
    for _ in range(3):
        attempt(client, viewer_user.username, "nope", "10.1.0.5", X_FORWARDED_FOR="198.51.100.1")
    blocked = attempt(
        client, viewer_user.username, PASSWORD, "10.1.0.5", X_FORWARDED_FOR="198.51.100.1"
    )
    assert LOCKED in blocked.content.decode()
    fine = attempt(
        client, viewer_user.username, PASSWORD, "10.1.0.5", X_FORWARDED_FOR="198.51.100.2"
    )
    assert fine.status_code == 302


def test_a_failed_password_is_neither_stored_nor_logged(client, viewer_user, caplog):
    from axes.models import AccessAttempt

    attempt(client, viewer_user.username, "hunter2-guess")
    stored = AccessAttempt.objects.get(username=viewer_user.username)
    assert stored.failures_since_start == 1 and stored.ip_address == "10.0.0.1"
    assert "hunter2-guess" not in stored.post_data
    assert "hunter2-guess" not in caplog.text
    assert "failed sign-in user='vera-viewer' address=10.0.0.1" in caplog.text
