"""One profile's endpoint hangs and 16 requests pile onto it; the dashboard, served by a real
gunicorn as `make serve` runs it (one worker of 4 threads here), still answers /healthz and
another profile's queue list while those requests are still waiting. Asserted on order of
completion, never on timings."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.harness import free_port, gunicorn_command, server_process, signed_in_session

USERNAME, PASSWORD = "isolation-admin", "isolation-password-not-secret"
SETUP = """
from django.contrib.auth.models import User
from django.core.management import call_command
from queues.models import AwsProfile
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
User.objects.create_superuser({username!r}, password={password!r})
for slug, endpoint in (("hung", {hung!r}), ("healthy", {healthy!r})):
    AwsProfile.objects.create(
        name=slug, slug=slug, region="us-east-1", endpoint_url=endpoint,
        access_key_id="AKIAISOLATION", secret_access_key="isolation-secret",
    )
"""


def test_a_hung_endpoint_leaves_healthz_and_other_profiles_answering(
    sqs_endpoint, silent_endpoint, tmp_path: Path
):
    hung_endpoint, held = silent_endpoint
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # The hung requests must still be waiting when the others are checked.
        "AWS_READ_TIMEOUT": "30",
        "AWS_REQUEST_BUDGET": "30",
        "AWS_ENDPOINT_MAX_WAITING": "2",
    }
    setup = SETUP.format(
        username=USERNAME, password=PASSWORD, hung=hung_endpoint, healthy=sqs_endpoint
    )
    python = Path(sys.executable)
    subprocess.run(
        [str(python), "manage.py", "shell", "-c", setup], env=env, check=True, timeout=120
    )
    base = f"http://127.0.0.1:{free_port()}"
    gunicorn = gunicorn_command(base, workers=1, threads=4, timeout=120)
    with server_process(gunicorn, f"{base}/healthz", env=env):
        session = signed_in_session(base, USERNAME, PASSWORD, pool_maxsize=32)
        hung_url = f"{base}/p/hung/us-east-1/queues/"
        with ThreadPoolExecutor(max_workers=16) as pool:
            hung = [pool.submit(session.get, hung_url, timeout=90) for _ in range(16)]
            # Wait until requests are actually stuck on the endpoint.
            while len(held) < 2:
                threading.Event().wait(0.05)
            health = requests.get(f"{base}/healthz", timeout=90)
            healthy = session.get(f"{base}/p/healthy/us-east-1/queues/", timeout=90)
            still_waiting = sum(not future.done() for future in hung)
            answers = [future.result() for future in hung]
    assert health.status_code == 200
    assert healthy.status_code == 200
    # Both answered while requests to the hung endpoint were still waiting on it.
    assert still_waiting >= 1
    # No more requests of the process waited on the endpoint than the bulkhead allows; the
    # rest were told so at once.
    assert len(held) <= 2
    refused = [a for a in answers if "Too many requests are already waiting on" in a.text]
    assert refused, [a.text[:500] for a in answers]
    assert all(a.status_code in {200, 503} for a in answers)
