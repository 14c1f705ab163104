"""Faults: a healthy profile's pages and /healthz while another profile's endpoint hangs.

granian serves as `make serve` does (2 workers x 4 threads, DEBUG off) with a shared file cache
(so the workers share the circuit breaker, as CACHE_URL makes them in production). The "hung"
profile points at a listener that accepts connections and never answers; HUNG_CLIENTS threads
keep requesting its queue list for the whole run, each as a person at a browser does: read the
answer, wait HUNG_THINK_SECONDS, ask again. (With no pause at all, a client told "unreachable"
in a millisecond asks hundreds of times a second, and the run measures how fast error pages
render rather than whether a hung endpoint takes the dashboard down; FAULT_THINK=0 runs that.)
After a warm-up of one request budget (the time the first hung requests take to fail and open
the breaker), wrk measures the healthy profile's queue list and /healthz; the same wrk runs
without the hang are the baseline.

Targets: the healthy list keeps >= 90% of its baseline throughput; /healthz p99 < 100 ms.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import requests

from bench import load
from bench.harness import REGION, Bench, free_port, served_env, server_command, server_process
from bench.load import WRK, _wrk

TITLE = "Faults: granian 2 workers x 4 threads; one profile's endpoint hangs, another is healthy"
SECONDS = int(os.environ.get("FAULT_SECONDS", "15"))
WORKERS, THREADS = 2, 4
HUNG_CLIENTS = 8
HUNG_THINK_SECONDS = float(os.environ.get("FAULT_THINK", "1"))
LIST_QUEUES = 50


@dataclass(frozen=True)
class FaultRow:
    label: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    note: str


def print_table(title: str, rows: list[FaultRow]) -> None:
    print(f"\n{title}")
    print(f"{'measurement':<52} {'req/s':>8} {'p50':>9} {'p99':>9} {'errors':>7}  note")
    for row in rows:
        print(
            f"{row.label:<52} {row.requests_per_s:>8.0f} {row.p50_ms:>7.1f}ms "
            f"{row.p99_ms:>7.1f}ms {row.errors:>7}  {row.note}"
        )


class _Silent:
    """An endpoint that accepts connections and never answers."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(256)
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                self.held.append(self._listener.accept()[0])
            except TimeoutError:
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.held:
            conn.close()
        self._listener.close()


class _HungLoad:
    """Threads requesting the hung profile's page until stopped; what they were told."""

    def __init__(self, url: str, cookie: str) -> None:
        self.answers: Counter[str] = Counter()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._loop, args=(url, cookie), daemon=True)
            for _ in range(HUNG_CLIENTS)
        ]
        for thread in self._threads:
            thread.start()

    def _loop(self, url: str, cookie: str) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            try:
                response = session.get(url, headers={"Cookie": cookie}, timeout=90)
                text = response.text
                kind = (
                    "breaker open"
                    if "has been unreachable since" in text
                    else "bulkhead refused"
                    if "Too many requests are already waiting" in text
                    else "timed out"
                    if "budget" in text or "did not answer" in text
                    else f"HTTP {response.status_code}"
                )
            except requests.RequestException as error:
                kind = type(error).__name__
            with self._lock:
                self.answers[kind] += 1
            self._stop.wait(HUNG_THINK_SECONDS)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)


def _seed(bench: Bench) -> None:
    for i in range(LIST_QUEUES):
        bench.raw_sqs.create_queue(QueueName=f"fault-{i:03d}")


def run(bench: Bench) -> list[FaultRow]:
    if shutil.which(WRK) is None:
        raise SystemExit("The faults run needs wrk: apt-get install -y wrk (make bench does it).")
    from django.conf import settings

    from queues.models import AwsProfile

    _seed(bench)
    silent = _Silent()
    AwsProfile.objects.create(
        name="Hung",
        slug="hung",
        region=REGION,
        endpoint_url=silent.url,
        access_key_id="AKIAHUNG",
        secret_access_key="hung-secret",
    )
    tmp = Path(os.environ["STATIC_ROOT"]).parent
    base = f"http://127.0.0.1:{free_port()}"
    env = served_env(
        CACHE_URL=f"filecache://{tmp / 'cache'}",
        MALLOC_ARENA_MAX=os.environ.get("MALLOC_ARENA_MAX", "2"),
    )
    server = server_command(base, workers=WORKERS, threads=THREADS)
    cookie = f"sessionid={bench.http.cookies['sessionid']}"
    healthy = f"{base}/p/{bench.profile.slug}/{REGION}/queues/"
    healthz = f"{base}/healthz"
    rows: list[FaultRow] = []
    try:
        with server_process(server, healthz, env=env):
            check = requests.get(healthy, headers={"Cookie": cookie}, timeout=30)
            if check.status_code != 200 or "fault-000" not in check.text:
                raise RuntimeError(f"{healthy} answered {check.status_code}; the run needs 200")
            load.SECONDS = SECONDS  # wrk's duration for this run
            base_list = _wrk(healthy, f"Cookie: {cookie}")
            base_health = _wrk(healthz, f"Cookie: {cookie}")
            rows.append(FaultRow("healthy list page, nothing hung", *base_list, "baseline"))
            rows.append(FaultRow("/healthz, nothing hung", *base_health, "baseline"))

            hung = _HungLoad(f"{base}/p/hung/{REGION}/queues/", cookie)
            # Warm-up: the first hung requests take one budget to fail; then the breaker is open.
            time.sleep(settings.AWS_REQUEST_BUDGET + 2)
            try:
                during_list = _wrk(healthy, f"Cookie: {cookie}")
                during_health = _wrk(healthz, f"Cookie: {cookie}")
            finally:
                hung.stop()
            kept = during_list[0] / base_list[0] if base_list[0] else 0.0
            rows.append(
                FaultRow(
                    "healthy list page, other profile hung",
                    *during_list,
                    f"{kept:.0%} of baseline (target >= 90%)",
                )
            )
            rows.append(
                FaultRow(
                    "/healthz, other profile hung",
                    *during_health,
                    f"p99 {'<' if during_health[2] < 100 else '>='} 100 ms (target < 100 ms)",
                )
            )
            told = ", ".join(f"{kind}: {n}" for kind, n in hung.answers.most_common())
            rows.append(
                FaultRow(
                    f"hung profile's list ({HUNG_CLIENTS} clients, {HUNG_THINK_SECONDS:g} s pause)",
                    sum(hung.answers.values()) / (SECONDS * 2 + settings.AWS_REQUEST_BUDGET + 2),
                    0.0,
                    0.0,
                    0,
                    f"answers: {told}; connections the hung endpoint got: {len(silent.held)}",
                )
            )
    finally:
        silent.close()
    return rows
