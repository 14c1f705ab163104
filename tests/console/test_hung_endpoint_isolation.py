"""One profile's endpoint hangs and 16 requests pile onto it; the dashboard, served by a real
granian as `make serve` runs it (one worker of 4 threads here), still answers /healthz and
another profile's queue list while those requests are still waiting. Asserted on order of
completion, never on timings."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.served import dashboard_env, served_dashboard


def test_a_hung_endpoint_leaves_healthz_and_other_profiles_answering(
    sqs_endpoint, silent_endpoint, tmp_path: Path
):
    hung_endpoint, held = silent_endpoint
    env = dashboard_env(
        tmp_path,
        # The hung requests must still be waiting when the others are checked.
        AWS_READ_TIMEOUT="30",
        AWS_REQUEST_BUDGET="30",
        AWS_ENDPOINT_MAX_WAITING="2",
    )
    profiles = {"hung": hung_endpoint, "healthy": sqs_endpoint}
    with served_dashboard(env, profiles) as (base, session):
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
