"""What every benchmark needs, started once per run.

- an SQS server on 127.0.0.1: moto's server in a process of its own, so that neither the
  dashboard nor the boto3 floor shares its interpreter lock with the server; or, with
  SQS=localstack, LocalStack's SQS, started by scripts/with-localstack around the whole run
  (bench/__main__.py re-runs itself under it) and stopped by it afterwards,
- the dashboard served over real HTTP by a threaded WSGI server with DEBUG off, on a scratch
  SQLite database, with a signed-in `requests` session,
- a plain boto3 client against the same SQS server: the floor every figure is compared with.

Timings take the best of a few repeats so one hiccup on a 2-core machine does not decide a ratio.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
import requests

REGION = "us-east-1"
# Which SQS server the benchmarks run against: "moto" (default) or "localstack".
SQS = os.environ.get("SQS", "moto") or "moto"
LOCALSTACK_URL = os.environ.get("SQSADMIN_TEST_SQS_URL", "").rstrip("/")
USERNAME, PASSWORD = "bench-admin", "bench-password-not-secret"


@dataclass(frozen=True)
class Row:
    """One comparison: the dashboard's time against the floor's, and the ratio it must meet."""

    label: str
    dashboard_s: float
    floor_s: float
    target: str  # e.g. "<= 1.15" or ">= 0.8 (throughput)"

    @property
    def ratio(self) -> float:
        return self.dashboard_s / self.floor_s if self.floor_s else float("inf")


def best_of(
    fn: Callable[[], object], repeat: int = 3, setup: Callable[[], object] | None = None
) -> float:
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def interleaved_best(
    dashboard: Callable[[], object],
    floor: Callable[[], object],
    rounds: int = 3,
    repeat: int = 1,
    dashboard_setup: Callable[[], object] | None = None,
    floor_setup: Callable[[], object] | None = None,
) -> tuple[float, float]:
    """The best times of the dashboard and of its floor, taken in turns over `rounds`: on a
    shared 2-core machine a slow stretch then slows both, not only one side of the ratio."""
    best_dashboard = best_floor = float("inf")
    for _ in range(rounds):
        best_dashboard = min(best_dashboard, best_of(dashboard, repeat, dashboard_setup))
        best_floor = min(best_floor, best_of(floor, repeat, floor_setup))
    return best_dashboard, best_floor


class Bench:
    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="sqsadmin-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(self._tmp.name) / 'bench.sqlite3'}"
        # Production settings over plain HTTP on loopback: DEBUG off, hashed static files.
        os.environ["DEBUG"] = "false"
        os.environ["SECURE_HTTPS"] = "false"
        os.environ["STATIC_ROOT"] = str(Path(self._tmp.name) / "static")
        os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
        os.environ.setdefault("LOG_LEVEL", "WARNING")  # no audit line per benchmarked send
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sqsadmin.settings")
        import django

        django.setup()
        from django.contrib.auth.models import User
        from django.core.management import call_command

        from queues.models import AwsProfile

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self._processes = contextlib.ExitStack()
        self.sqs_name = SQS
        if SQS == "localstack":
            if not LOCALSTACK_URL:
                raise SystemExit("SQS=localstack: run under scripts/with-localstack (make does)")
            self.sqs_endpoint = LOCALSTACK_URL
        else:
            port = free_port()
            self.sqs_endpoint = f"http://127.0.0.1:{port}"
            self._processes.enter_context(
                server_process(
                    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                    f"{self.sqs_endpoint}/moto-api/",
                )
            )
        self.profile = AwsProfile.objects.create(
            name="Bench",
            slug="bench",
            region=REGION,
            endpoint_url=self.sqs_endpoint,
            access_key_id="AKIABENCH",
            secret_access_key="bench-secret",
        )
        User.objects.create_superuser(USERNAME, password=PASSWORD)
        self.raw_sqs = sqs_client(self.sqs_endpoint, "AKIABENCH", "bench-secret")
        self._serve()
        self.http = self.signed_in_session()

    def _serve(self) -> None:
        from django.core.wsgi import get_wsgi_application
        from werkzeug.serving import make_server

        self._web = make_server("127.0.0.1", 0, get_wsgi_application(), threaded=True)
        self.base_url = f"http://127.0.0.1:{self._web.server_port}"
        threading.Thread(target=self._web.serve_forever, daemon=True).start()

    def signed_in_session(self) -> requests.Session:
        return signed_in_session(self.base_url, USERNAME, PASSWORD)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def reset_sqs(self) -> None:
        if self.sqs_name == "localstack":
            # No reset endpoint: delete every queue (in parallel: there may be 10,000).
            self.delete_queues(self.list_all_queue_urls())
            return
        requests.post(f"{self.sqs_endpoint}/moto-api/reset", timeout=30).raise_for_status()

    def list_all_queue_urls(self, prefix: str = "") -> list[str]:
        pages = self.raw_sqs.get_paginator("list_queues").paginate(
            QueueNamePrefix=prefix, PaginationConfig={"PageSize": 1000}
        )
        return [url for page in pages for url in page.get("QueueUrls", [])]

    def create_queues(self, names: list[str], workers: int = 32) -> None:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda name: self.raw_sqs.create_queue(QueueName=name), names))

    def delete_queues(self, urls: list[str], workers: int = 32) -> None:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda url: self.raw_sqs.delete_queue(QueueUrl=url), urls))

    def close(self) -> None:
        self._web.shutdown()
        self._processes.close()
        self._tmp.cleanup()


def raw_receive(sqs, url: str, count: int, lease: int) -> list[dict]:
    """What a browse or poll receives, in plain boto3: receives of up to 10 one after another
    under a `lease`, until `count` distinct messages or an empty answer."""
    seen: dict[str, dict] = {}
    while len(seen) < count:
        batch = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=min(10, count - len(seen)),
            WaitTimeSeconds=0,
            VisibilityTimeout=lease,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            break
        seen.update((m["MessageId"], m) for m in batch)
    return list(seen.values())


def raw_release(sqs, url: str, messages: list[dict]) -> None:
    """Received messages made visible again, in plain boto3: ChangeMessageVisibilityBatch calls
    of 10, ten at once."""
    handles = [m["ReceiptHandle"] for m in messages]
    for group in range(0, len(handles), 100):
        chunks = [handles[i : i + 10] for i in range(group, min(group + 100, len(handles)), 10)]

        def release(chunk: list[str]) -> None:
            sqs.change_message_visibility_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                    for i, h in enumerate(chunk)
                ],
            )

        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            list(pool.map(release, chunks))


def sqs_client(endpoint: str, access_key_id: str, secret_access_key: str):
    """Plain boto3 SQS at `endpoint` with room for 64 connections: the floor's client."""
    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=boto3.session.Config(max_pool_connections=64),
    )


def signed_in_session(
    base_url: str, username: str, password: str, pool_maxsize: int = 64
) -> requests.Session:
    """A `requests` session signed in to the dashboard at `base_url` as a browser would be."""
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=pool_maxsize))
    login = f"{base_url}/accounts/login/"
    session.get(login, timeout=30).raise_for_status()
    session.post(
        login,
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": login},
        timeout=30,
    ).raise_for_status()
    return session


def server_command(
    base_url: str, workers: int, threads: int, app: str = "sqsadmin.wsgi:application"
) -> list[str]:
    """granian serving the WSGI `app` on `base_url`'s host and port, as `make serve` runs it."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    return [
        str(Path(sys.executable).with_name("granian")),
        "--interface",
        "wsgi",
        "--no-ws",
        "--host",
        host,
        "--port",
        port,
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--respawn-failed-workers",
        app,
    ]


def served_env(**extra: str) -> dict[str, str]:
    """The environment a benchmark's server runs in: production settings over plain HTTP,
    warnings only."""
    return {
        **os.environ,
        "LOG_LEVEL": "WARNING",
        "SECURE_HTTPS": "false",
        "DEBUG": "false",
        **extra,
    }


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a process we started: asked first, killed if it does not end within `timeout`."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server_process(args: list[str], ready_url: str, env: dict | None = None) -> Iterator[int]:
    """Start a server process, wait until it answers, and stop it by its PID afterwards."""
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in finally; a pipe nobody reads would block the server)
    process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"{args[0]} exited: {log.read()[-2000:]}")
            try:
                requests.get(ready_url, timeout=2)
                break
            # A server can accept before it can answer (granian binds, then its workers import
            # Django): on a busy 2-core machine the first request may time out. Not ready yet.
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{args[0]} did not answer on {ready_url}") from None
                time.sleep(0.2)
        yield process.pid
    finally:
        stop_process(process)
        if os.environ.get("LOAD_DEBUG"):
            log.seek(0)
            print(log.read()[-5000:], file=sys.stderr)
        log.close()


def interpreter() -> str:
    """Which interpreter the benchmarks (and the servers they start) run on, and whether it was
    configured with PGO and LTO: pyenv builds without them unless told to, production
    interpreters are built with them (`make bench OPTIMIZED=1` builds one; README, Benchmarks)."""
    configured = sysconfig.get_config_var("CONFIG_ARGS") or ""
    flags = ", ".join(
        f"{flag} {'yes' if flag in configured else 'no'}"
        for flag in ("--enable-optimizations", "--with-lto")
    )
    return f"Python {sys.version.split()[0]} ({sys.executable}); configured with {flags}"


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"{'measurement':<58} {'dashboard':>10} {'boto3':>10} {'ratio':>7}  target")
    for row in rows:
        print(
            f"{row.label:<58} {row.dashboard_s * 1000:>8.0f}ms {row.floor_s * 1000:>8.0f}ms "
            f"{row.ratio:>7.2f}  {row.target}"
        )
