"""Load: the queue list and queue detail pages under production serving, next to the floor.

granian serves the dashboard as `make serve` does (2 workers, 4 threads each, DEBUG off); SQS is
moto's server in a process of its own, or LocalStack's (SQS=localstack), where the floor is not
the bottleneck; wrk holds 32 connections for LOAD_SECONDS (20 s) on each
page. The floor makes the same SQS calls directly, from 2 processes at the same total
concurrency, for the same time. RSS is each granian worker's peak resident memory.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.harness import (
    REGION,
    SQS,
    Bench,
    free_port,
    served_env,
    server_command,
    server_process,
    sqs_client,
)

SERVER = "LocalStack" if SQS == "localstack" else "moto"
TITLE = f"Load: granian 2 workers x 4 threads, wrk 32 connections, {SERVER} in its own process"
SECONDS = int(os.environ.get("LOAD_SECONDS", "20"))
CONNECTIONS = 32
WORKERS, THREADS = 2, 4
LIST_QUEUES = 100
WRK = "wrk"


@dataclass(frozen=True)
class LoadRow:
    label: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    rss_mb: str
    target: str


def print_table(title: str, rows: list[LoadRow]) -> None:
    print(f"\n{title}")
    print(
        f"{'measurement':<44} {'req/s':>8} {'p50':>9} {'p99':>9} {'errors':>7} "
        f"{'RSS/worker':>14}  target"
    )
    for row in rows:
        print(
            f"{row.label:<44} {row.requests_per_s:>8.0f} {row.p50_ms:>7.1f}ms "
            f"{row.p99_ms:>7.1f}ms {row.errors:>7} {row.rss_mb:>14}  {row.target}"
        )


def _sqs_client(endpoint: str):
    return sqs_client(endpoint, "AKIALOAD", "load-secret")


def _seed(endpoint: str) -> str:
    """LIST_QUEUES queues for the list page; one queue with a DLQ, tags and messages to inspect."""
    sqs = _sqs_client(endpoint)
    for i in range(LIST_QUEUES):
        sqs.create_queue(QueueName=f"load-{i:04d}")
    dlq = sqs.create_queue(QueueName="load-detail-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = sqs.create_queue(
        QueueName="load-detail",
        Attributes={
            "RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"5"}}'
        },
        tags={"team": "load", "env": "bench"},
    )["QueueUrl"]
    for i in range(20):
        sqs.send_message(QueueUrl=url, MessageBody=f"message {i}")
    return "load-detail"


# The SQS calls behind each page, made directly: the floor. Module-level so that spawned floor
# processes can import them.


def list_page_calls(sqs, queue: str) -> None:
    sqs.list_queues(MaxResults=1000)


def detail_page_calls(sqs, queue: str) -> None:
    # The dashboard remembers queue URLs, so a detail page costs these three calls.
    url = _queue_url(sqs, queue)
    sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    sqs.list_queue_tags(QueueUrl=url)
    sqs.list_dead_letter_source_queues(QueueUrl=url)


@functools.cache
def _queue_url(sqs, queue: str) -> str:
    return sqs.get_queue_url(QueueName=queue)["QueueUrl"]


FLOORS: dict[str, Callable] = {"list": list_page_calls, "detail": detail_page_calls}


def _floor_process(args: tuple[str, str, str, int, float]) -> tuple[list[float], int]:
    """One floor process: `threads` loops making the page's SQS calls until `until`."""
    endpoint, page, queue, threads, until = args
    sqs = _sqs_client(endpoint)
    calls = FLOORS[page]
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def loop() -> None:
        mine, failed = [], 0
        while time.time() < until:
            started = time.perf_counter()
            try:
                calls(sqs, queue)
            except Exception:  # a timeout under load counts as an error, as wrk counts them
                failed += 1
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, failures[0]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _floor(endpoint: str, page: str, queue: str) -> LoadRow:
    until = time.time() + 2 + SECONDS  # spawned processes need a moment to import boto3
    started = until - SECONDS
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WORKERS) as pool:
        per_process = pool.map(
            _floor_process,
            [(endpoint, page, queue, CONNECTIONS // WORKERS, until)] * WORKERS,
        )
    latencies = [s for chunk, _ in per_process for s in chunk]
    elapsed = max(time.time() - started, 1e-9)
    return LoadRow(
        f"floor: {page} page's SQS calls, direct",
        len(latencies) / elapsed,
        _percentile(latencies, 0.50) * 1000,
        _percentile(latencies, 0.99) * 1000,
        sum(failed for _, failed in per_process),
        "-",
        "",
    )


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


# wrk gives up on a request after 2 s by default, counts it as an error and leaves it out of the
# latencies: a page slow under saturation would lower p99 instead of raising it. Waited for, a
# slow answer is a latency and an error is an answer that failed.
WRK_TIMEOUT = "30s"


def _wrk(url: str, cookie: str) -> tuple[float, float, float, int]:
    output = subprocess.run(
        [
            WRK,
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--timeout",
            WRK_TIMEOUT,
            "--latency",
            "-H",
            cookie,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * _UNITS[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return rps, latency("50"), latency("99"), errors


def _peak_rss_mb(master_pid: int) -> list[float]:
    """VmHWM of each granian worker (the master's children)."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            kb = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            if kb:
                peaks.append(int(kb.group(1)) / 1024)
    return peaks


def run(bench: Bench) -> list[LoadRow]:
    if shutil.which(WRK) is None:
        raise SystemExit("The load run needs wrk: apt-get install -y wrk (make bench does it).")
    base = f"http://127.0.0.1:{free_port()}"
    # As `make serve` runs it: two malloc arenas, not one per thread, keep threaded RSS flat.
    env = served_env(MALLOC_ARENA_MAX=os.environ.get("MALLOC_ARENA_MAX", "2"))
    server = server_command(base, workers=WORKERS, threads=THREADS)
    queue = _seed(bench.sqs_endpoint)
    cookie = f"Cookie: sessionid={bench.http.cookies['sessionid']}"
    workspace = f"{base}/p/{bench.profile.slug}/{REGION}/queues"
    pages = {"list": f"{workspace}/", "detail": f"{workspace}/{queue}/"}
    targets = {"list": "", "detail": "p99 < 100 ms"}
    rows: list[LoadRow] = []
    with server_process(server, f"{base}/healthz", env=env) as master:
        for page, url in pages.items():
            check = requests.get(url, headers={"Cookie": cookie[8:]}, timeout=30)
            if check.status_code != 200 or queue not in check.text:
                raise RuntimeError(f"{url} answered {check.status_code}; the load run needs 200")
            rps, p50, p99, errors = _wrk(url, cookie)
            rss = _peak_rss_mb(master)
            rows.append(
                LoadRow(
                    f"dashboard: {page} page",
                    rps,
                    p50,
                    p99,
                    errors,
                    "/".join(f"{mb:.0f}" for mb in rss) + " MB",
                    ", ".join(filter(None, [targets[page], "RSS < 120 MB"])),
                )
            )
            rows.append(_floor(bench.sqs_endpoint, page, queue))
    return rows
