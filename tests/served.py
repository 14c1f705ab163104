"""The dashboard served as `make serve` serves it (granian, DEBUG off, whitenoise) in a process
of its own, on a database of the test's: for tests of what only the production server shows
(threads kept free, streams delivered as they are written, work stopped when a tab closes)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from bench.harness import (
    free_port,
    served_env,
    server_command,
    server_process,
    signed_in_session,
)

USERNAME, PASSWORD = "served-admin", "served-password-not-secret"
_SETUP = """
from django.contrib.auth.models import User
from django.core.management import call_command
from queues.models import AwsProfile
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
User.objects.create_superuser({username!r}, password={password!r})
for slug, endpoint in {profiles!r}.items():
    AwsProfile.objects.create(
        name=slug, slug=slug, region="us-east-1", endpoint_url=endpoint,
        access_key_id="AKIASERVED", secret_access_key="served-secret",
    )
"""


def dashboard_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The benchmarks' production settings (`served_env`) with the test's own database, cache
    and static files under `tmp_path`."""
    return served_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_URL=f"filecache://{tmp_path / 'cache'}",
        STATIC_ROOT=str(tmp_path / "static"),
        ALLOWED_HOSTS="127.0.0.1",
        **extra,
    )


def manage(env: dict[str, str], code: str) -> str:
    """`manage.py shell -c code` in the served dashboard's settings; what it printed."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    return done.stdout


@contextmanager
def served_dashboard(
    env: dict[str, str], profiles: dict[str, str], threads: int = 4
) -> Iterator[tuple[str, requests.Session]]:
    """One worker of `threads` threads serving a database with an admin and a profile per
    `profiles` entry (slug: endpoint): its base URL and a session signed in as the admin.
    Stopped by its PID afterwards."""
    manage(env, _SETUP.format(username=USERNAME, password=PASSWORD, profiles=profiles))
    base = f"http://127.0.0.1:{free_port()}"
    with server_process(server_command(base, workers=1, threads=threads), f"{base}/healthz", env):
        yield base, signed_in_session(base, USERNAME, PASSWORD, pool_maxsize=32)
