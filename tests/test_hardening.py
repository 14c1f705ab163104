"""Production settings pass Django's deploy checks; login throttling; the health check."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.test_settings import manage

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x9!" * 20 + "production-like-secret-key-for-the-deploy-check",
    "ALLOWED_HOSTS": "sqsadmin.example.com",
}


def test_the_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_when_https_is_turned_off():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECURE_HTTPS="false"
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_sign_in_is_refused_after_repeated_failures(client, viewer_user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert (
            "correct username and password"
            in sign_in(client, viewer_user.username, "nope").content.decode()
        )
    refused = sign_in(client, viewer_user.username, PASSWORD)
    assert "Too many failed sign-ins" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_clears_earlier_failures(client, viewer_user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    sign_in(client, viewer_user.username, "nope")
    sign_in(client, viewer_user.username, "nope")
    assert sign_in(client, viewer_user.username, PASSWORD).status_code == 302
    client.logout()
    sign_in(client, viewer_user.username, "nope")
    sign_in(client, viewer_user.username, "nope")
    assert sign_in(client, viewer_user.username, PASSWORD).status_code == 302


def test_the_health_check_needs_no_login_and_checks_the_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}


def test_the_health_check_reports_a_database_outage(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("queues.console.views.home.connection", Unreachable())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unreachable"


@pytest.mark.parametrize("path", ["/", "/audit/", "/switch/", "/p/any/us-east-1/queues/"])
def test_every_page_but_login_and_health_needs_a_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_an_expired_session_under_htmx_sends_the_whole_page_to_login(client, db):
    response = client.get(
        "/p/any/us-east-1/queues/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/p/any/us-east-1/queues/?prefix=o",
        },
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")
    assert "prefix%3Do" in response["HX-Redirect"]
