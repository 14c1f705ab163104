"""The lockout holds across worker processes: granian with two workers, as `make serve` runs it,
on a file SQLite database (or a database of its own on the PostgreSQL lane's server)."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from bench.harness import free_port, server_command, stop_process

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "correct-horse-battery-staple"
LOCKED = "Too many failed sign-ins. Wait 15 minutes before trying again."


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'workers.sqlite3'}"
        return
    import psycopg

    name = f"sqsadmin_workers_{os.getpid()}"
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield urlsplit(url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def served(tmp_path, database_url) -> Iterator[str]:
    """`make serve`'s granian (DEBUG off, two workers) on 127.0.0.1; stopped by its PID."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FERNET_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HTTPS": "false",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(tmp_path / "static"),
        "LOGIN_MAX_FAILURES": "5",
        "LOGIN_MAX_FAILURES_PER_ADDRESS": "100",
        "DJANGO_SETTINGS_MODULE": "tests.accounts.fast_hashing_settings",
        "LOG_LEVEL": "ERROR",  # server errors land in server.log
    }

    def manage(*args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish(process: subprocess.Popen) -> None:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors

    # Static files (DEBUG off serves the hashed ones) while the database is made.
    static = manage("collectstatic", "--noinput", "--verbosity", "0")
    finish(manage("migrate", "--noinput", "--verbosity", "0"))
    make_users = (
        "from django.contrib.auth.models import User\n"
        "for name in ('victim', 'bystander'):\n"
        f"    User.objects.create_user(name, password={PASSWORD!r})"
    )
    finish(manage("shell", "-c", make_users))
    finish(static)
    base = f"http://127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        server_command(base, workers=2, threads=4),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("w"),
    )
    try:
        for _ in range(150):
            try:
                if requests.get(f"{base}/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            assert server.poll() is None, "granian exited"
            time.sleep(0.2)
        else:
            pytest.fail("granian did not answer /healthz")
        yield base
    finally:
        stop_process(server)


def sign_in(base: str, username: str, password: str) -> requests.Response:
    """A browser's sign-in: the login page (for its CSRF token), then the form's POST."""
    browser = requests.Session()
    browser.get(f"{base}/accounts/login/", timeout=30)
    return browser.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=30,
    )


def test_concurrent_guesses_on_two_workers_lock_the_account_but_spraying_locks_no_one(served):
    with ThreadPoolExecutor(max_workers=16) as pool:
        guesses = list(pool.map(lambda _: sign_in(served, "victim", "guess"), range(16)))
    # Every guess was answered (no server errors from the concurrent writes): refused as a wrong
    # password until the count was reached, then as locked out.
    assert {response.status_code for response in guesses} <= {200, 429}, [
        response.status_code for response in guesses
    ]
    assert any(response.status_code == 429 for response in guesses)

    refused = sign_in(served, "victim", PASSWORD)
    assert refused.status_code == 429 and LOCKED in refused.text

    # Someone sprays 45 made-up usernames from the same address ...
    with ThreadPoolExecutor(max_workers=8) as pool:
        sprayed = list(
            pool.map(lambda n: sign_in(served, f"made-up-{n}", "Summer2026!"), range(45))
        )
    assert all(response.status_code == 200 for response in sprayed)
    # ... and another real user still signs in.
    landed = sign_in(served, "bystander", PASSWORD)
    assert landed.status_code == 302 and landed.headers["Location"] == "/"
