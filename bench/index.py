"""The queue index: building it against raw ListQueues paging, and a substring search once warm.

10,000 queues on LocalStack (SQS=localstack), 2,000 on moto (its ListQueues is O(n) per call),
INDEX_QUEUES to change it; created once, in parallel. Exactly one queue's name contains the
searched word.

- build: the list page's Refresh (GET ...?search=…&refresh=1: page through ListQueues, store the
  index in the cache, redirect) against the same ListQueues pages from a boto3 paginator;
  interleaved, medians.
- search: the list page answering `?search=` from the warm index (first paint: the matching row),
  median of INDEX_SEARCHES (20) requests.
"""

from __future__ import annotations

import os
import re
import statistics
import time

from bench.harness import REGION, Bench, Row

QUEUES = int(os.environ.get("INDEX_QUEUES", "0")) or None
SEARCHES = int(os.environ.get("INDEX_SEARCHES", "20"))
BUILDS = 5
NEEDLE = "wombat"
TITLE = "Queue index: build vs raw ListQueues paging, substring search once warm"


def _count(bench: Bench) -> int:
    return QUEUES or (10_000 if bench.sqs_name == "localstack" else 2_000)


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(bench: Bench) -> list[Row]:
    total = _count(bench)
    names = [f"idx-{i:05d}" for i in range(total - 1)] + [f"idx-{total // 2:05d}-{NEEDLE}"]
    started = time.perf_counter()
    bench.create_queues(names, workers=32)
    print(f"\n(created {total:,} queues in {time.perf_counter() - started:.0f} s)")
    page = bench.url(f"/p/{bench.profile.slug}/{REGION}/queues/")

    def raw_paging() -> None:
        urls = bench.list_all_queue_urls()
        assert len(urls) == total, len(urls)

    def dashboard_build() -> None:
        response = bench.http.get(
            page, params={"search": NEEDLE, "refresh": "1"}, allow_redirects=False, timeout=300
        )
        assert response.status_code == 302, response.status_code

    def search() -> str:
        response = bench.http.get(page, params={"search": NEEDLE}, timeout=60)
        response.raise_for_status()
        return response.text

    dashboard_build()  # warm: client, templates
    raw_paging()
    builds, floors = [], []
    for _ in range(BUILDS):
        builds.append(_timed(dashboard_build))
        floors.append(_timed(raw_paging))

    html = search()
    found = re.findall(r'<tr data-queue="([^"]+)"', html)
    assert found == [f"idx-{total // 2:05d}-{NEEDLE}"], found
    assert f"index of {total:,} queues" in html, html[:2000]
    searches = [_timed(search) for _ in range(SEARCHES)]
    return [
        Row(
            f"build the index of {total:,} queues (vs ListQueues paging)",
            statistics.median(builds),
            statistics.median(floors),
            "<= 1.15",
        ),
        Row(
            f"search '{NEEDLE}' in {total:,} names, warm (vs 200 ms target)",
            statistics.median(searches),
            0.2,
            "<= 1.0 (200 ms)",
        ),
    ]
