"""Calls side by side run on threads kept between requests (queues/sqs/batching.py): a page does
not pay for starting threads, and work nested in parallel work cannot hang waiting for them."""

from __future__ import annotations

import threading
import time

import pytest

from queues.sqs.batching import POOL_THREADS, in_parallel, running, side_by_side


def test_results_come_back_in_the_items_order_with_at_most_the_concurrency_at_once():
    at_once, most = 0, 0
    lock = threading.Lock()

    def slow_double(n: int) -> int:
        nonlocal at_once, most
        with lock:
            at_once += 1
            most = max(most, at_once)
        time.sleep(0.01)
        with lock:
            at_once -= 1
        return n * 2

    assert in_parallel(slow_double, list(range(20)), 5) == [n * 2 for n in range(20)]
    assert most == 5


def test_every_item_runs_and_the_first_failure_in_order_is_raised():
    ran = []

    def check(n: int) -> int:
        ran.append(n)
        if n in (3, 7):
            raise ValueError(n)
        return n

    with pytest.raises(ValueError, match="3"):
        in_parallel(check, list(range(10)), 3)
    assert sorted(ran) == list(range(10))


def test_parallel_work_inside_parallel_work_finishes_when_it_fills_every_kept_thread():
    def outer(n: int) -> int:
        return sum(side_by_side(lambda: n, lambda: 1))

    result: list[int] = []
    worker = threading.Thread(
        target=lambda: result.extend(in_parallel(outer, list(range(2 * POOL_THREADS)), 1000)),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "nested parallel work waited for threads it was holding"
    assert result == [n + 1 for n in range(2 * POOL_THREADS)]


def test_a_running_call_has_ended_when_its_block_ends():
    ended = threading.Event()

    def call() -> str:
        time.sleep(0.05)
        ended.set()
        return "done"

    with running(call) as future:
        pass
    assert ended.is_set() and future.result() == "done"
