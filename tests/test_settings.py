"""A wrong setting stops start-up with one line naming it, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "not-a-database-url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://user:pw@127.0.0.1:notaport/sqsadmin"}, "DATABASE_URL"),
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50, "FERNET_KEYS": ""}, "FERNET_KEYS"),
        ({"FERNET_KEYS": "too-short"}, "FERNET_KEYS"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"AWS_READ_TIMEOUT": "soon"}, "AWS_READ_TIMEOUT"),
        ({"TRUSTED_PROXIES": "10.0.0.1,proxy.internal"}, "TRUSTED_PROXIES"),
        ({"LOGIN_MAX_FAILURES_PER_ADDRESS": "0"}, "LOGIN_MAX_FAILURES_PER_ADDRESS"),
        ({"LOCAL_LOGIN": "false"}, "LOCAL_LOGIN"),
        (
            {"OIDC_CLIENT_ID": "sqsadmin", "OIDC_ISSUER": "https://idp.example"},
            "OIDC_CLIENT_SECRET",
        ),
        ({"OIDC_CLIENT_ID": "sqsadmin", "OIDC_CLIENT_SECRET": "s3cret"}, "OIDC_ISSUER"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(env, named):
    result = manage("check", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_the_password_of_a_database_url_is_not_echoed():
    result = manage("check", DATABASE_URL="mysqlx://user:hunter2@db/sqsadmin")
    assert result.returncode != 0
    assert "hunter2" not in result.stderr


def test_hsts_preloading_is_off_unless_asked_for():
    probe = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    assert manage("shell", "-c", probe).stdout.splitlines()[-1] == "False"
    assert (
        manage("shell", "-c", probe, SECURE_HSTS_PRELOAD="true").stdout.splitlines()[-1] == "True"
    )


def test_a_production_install_does_not_pull_the_embedded_sqs():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("moto") for d in project["dependencies"])
    assert any(d.startswith("moto[server]") for d in project["optional-dependencies"]["demo"])


def test_good_settings_pass_the_system_check():
    result = manage("check")
    assert result.returncode == 0, result.stderr


def test_the_oidc_client_secret_is_not_echoed():
    result = manage(
        "check", OIDC_CLIENT_ID="sqsadmin", OIDC_CLIENT_SECRET="hunter2-oidc", OIDC_ISSUER="ftp://x"
    )
    assert result.returncode != 0
    assert "hunter2-oidc" not in result.stderr + result.stdout


def test_sso_from_the_environment_adds_its_backend_and_routes():
    probe = (
        "from django.conf import settings; from django.urls import reverse; "
        "print(settings.AUTHENTICATION_BACKENDS); print(reverse('accounts:oidc_start'))"
    )
    sso = {
        "OIDC_CLIENT_ID": "sqsadmin",
        "OIDC_CLIENT_SECRET": "s3cret",
        "OIDC_ISSUER": "https://idp.example/realms/team/",
    }
    result = manage("shell", "-c", probe, **sso)
    assert result.returncode == 0, result.stderr
    backends, start = result.stdout.splitlines()[-2:]
    assert "RoleMappingBackend" in backends and "ModelBackend" in backends
    assert start == "/accounts/oidc/start/"
    local_off = manage("shell", "-c", probe, **sso, LOCAL_LOGIN="false")
    assert "ModelBackend" not in local_off.stdout.splitlines()[-2]
    without = manage("shell", "-c", "from django.conf import settings; print(settings.SSO_ENABLED)")
    assert without.stdout.splitlines()[-1] == "False"
