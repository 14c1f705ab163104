"""Production settings pass Django's deploy checks; login throttling; the health check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.test_settings import manage

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x9!" * 20 + "production-like-secret-key-for-the-deploy-check",
    "ALLOWED_HOSTS": "sqsadmin.example.com",
}


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    # A database of its own: a local db.sqlite3 made by `make run` holds the demo admin.
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DATABASE_URL=database
    )
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


def test_the_health_check_reads_no_session_and_sets_no_cookie(client, db, operator_user):
    """Answered by the first middleware: one database query (SELECT 1), and none of what a
    page costs: no session lookup, no CSRF cookie, no content security policy nonce."""
    client.force_login(operator_user)
    client.cookies["csrftoken"] = "not-a-valid-token"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 1"]
    assert not response.cookies
    assert "Content-Security-Policy" not in response
    assert client.post(reverse("healthz")).status_code == 405


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


DEMO_ADMIN = (
    "from django.contrib.auth.models import User; "
    "User.objects.create_superuser('admin', password='sqsadmin-demo')"
)
NEW_PASSWORD = (
    "from django.contrib.auth.models import User; u = User.objects.get(username='admin'); "
    "u.set_password('a-long-passphrase-of-our-own'); u.save()"
)


def test_start_up_refuses_while_an_account_keeps_the_demo_password(tmp_path):
    env = {
        **PRODUCTION,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEMO_ADMIN_PASSWORD": "sqsadmin-demo",
    }
    assert manage("migrate", "--noinput", **env).returncode == 0
    assert manage("shell", "-c", DEMO_ADMIN, **env).returncode == 0
    refused = manage("check", "--deploy", **env)
    assert refused.returncode != 0
    assert "'admin' still has the demo password" in refused.stderr
    assert "./manage.py changepassword admin" in refused.stderr
    # `make serve` checks after migrating, before granian starts.
    assert "check --deploy" in (Path(__file__).parent.parent / "Makefile").read_text()

    assert manage("shell", "-c", NEW_PASSWORD, **env).returncode == 0
    allowed = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert allowed.returncode == 0, allowed.stderr
