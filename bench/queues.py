"""The queue list with 1,000 queues: every row with its counts, against raw boto3 at the same
concurrency, and the first paint with 10 against 1,000 queues."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from html import unescape

from bench.harness import Bench, Row, best_of, interleaved_best
from queues.console.views.queue_list import COUNT_CONCURRENCY
from queues.sqs.queues import ROW_ATTRIBUTES as _ROW_ATTRIBUTES

TITLE = "Queue list: 1,000 queues with counts (moto server, dashboard over HTTP)"

# A browser opens about six connections per host; htmx's chunk requests share them.
BROWSER_CONNECTIONS = 6
# Calls in flight at once: six chunk requests, each running COUNT_CONCURRENCY calls.
CONCURRENCY = BROWSER_CONNECTIONS * COUNT_CONCURRENCY
QUEUES = 1000
CHUNK_RE = re.compile(r'<tbody class="queue-chunk" hx-get="([^"]+)"')


def _create(bench: Bench, names: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda name: bench.raw_sqs.create_queue(QueueName=name), names))


def _first_paint(bench: Bench) -> str:
    response = bench.http.get(bench.url("/p/bench/us-east-1/queues/"), timeout=60)
    response.raise_for_status()
    return response.text


def _dashboard_all_rows(bench: Bench) -> None:
    html = _first_paint(bench)
    chunks = [unescape(url) for url in CHUNK_RE.findall(html)]

    def fetch(url: str) -> int:
        response = bench.http.get(bench.url(url), headers={"HX-Request": "true"}, timeout=60)
        response.raise_for_status()
        return response.text.count("<tr ")

    with ThreadPoolExecutor(max_workers=BROWSER_CONNECTIONS) as pool:
        rows = sum(pool.map(fetch, chunks))
    assert rows == QUEUES, rows


def _raw_list(bench: Bench) -> list[str]:
    return bench.raw_sqs.list_queues(MaxResults=1000).get("QueueUrls", [])


def _raw_all_rows(bench: Bench) -> None:
    urls = _raw_list(bench)

    def one(url: str) -> dict:
        return bench.raw_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=_ROW_ATTRIBUTES)

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        results = list(pool.map(one, urls))
    assert len(results) == QUEUES


def run(bench: Bench) -> list[Row]:
    _create(bench, [f"small-{i:02d}" for i in range(10)])
    _first_paint(bench)  # warm the client cache and templates
    paint_10 = best_of(lambda: _first_paint(bench), repeat=5)
    raw_list_10 = best_of(lambda: _raw_list(bench), repeat=5)

    _create(bench, [f"bench-{i:04d}" for i in range(QUEUES - 10)])
    paint_1000 = best_of(lambda: _first_paint(bench), repeat=5)
    raw_list_1000 = best_of(lambda: _raw_list(bench), repeat=5)

    _dashboard_all_rows(bench)  # warm up
    _raw_all_rows(bench)
    dashboard, floor = interleaved_best(
        lambda: _dashboard_all_rows(bench), lambda: _raw_all_rows(bench)
    )

    return [
        Row(
            f"all {QUEUES} rows with counts ({CONCURRENCY} calls in flight)",
            dashboard,
            floor,
            "<= 1.15",
        ),
        Row("first paint, 10 queues (vs ListQueues)", paint_10, raw_list_10, "info"),
        Row("first paint, 1,000 queues (vs ListQueues)", paint_1000, raw_list_1000, "info"),
        Row(
            "first paint: 1,000 queues (left) vs 10 queues (right)",
            paint_1000,
            paint_10,
            "~1 (no per-queue calls)",
        ),
    ]
