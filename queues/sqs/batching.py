"""Splitting work into batches and running calls side by side: the two shapes of bulk SQS work."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

# SQS batch calls take at most 10 entries and 1 MiB of messages together.
BATCH_ENTRIES = 10
BATCH_BYTES = 1_048_576


def batched[T](
    items: Iterable[T],
    *,
    max_items: int = BATCH_ENTRIES,
    max_total: int | None = None,
    size_of: Callable[[T], int] = lambda _: 0,
    key: Callable[[T], Hashable] | None = None,
) -> list[list[T]]:
    """Consecutive batches of at most `max_items`, whose sizes add up to at most `max_total`,
    and whose items share one `key`. An item larger than `max_total` goes alone."""
    batches: list[list[T]] = []
    current: list[T] = []
    total = 0
    for item in items:
        size = size_of(item)
        if current and (
            len(current) >= max_items
            or (max_total is not None and total + size > max_total)
            or (key is not None and key(item) != key(current[0]))
        ):
            batches.append(current)
            current, total = [], 0
        current.append(item)
        total += size
    if current:
        batches.append(current)
    return batches


# Calls made side by side run on threads kept for the process's life: starting threads for each
# page's calls cost about a millisecond of wall time per page, more on a busy machine. A call
# made from one of these threads (work nested in parallel work) gets threads of its own, so it
# never waits for a place held by the work it is part of.
POOL_THREADS = 64
_local = threading.local()
_after_task: list[Callable[[], None]] = []


def _mark_pooled() -> None:
    _local.pooled = True


_pool = ThreadPoolExecutor(
    max_workers=POOL_THREADS, thread_name_prefix="sqs-calls", initializer=_mark_pooled
)


def after_each_task(hook: Callable[[], None]) -> None:
    """Run `hook` on a kept thread after each task, e.g. to close what the task opened there
    (the Django app closes the thread's database connections, as a thread's end would)."""
    _after_task.append(hook)


def _task[T, R](fn: Callable[[T], R], item: T) -> R:
    try:
        return fn(item)
    finally:
        for hook in _after_task:
            hook()


def in_parallel[T, R](fn: Callable[[T], R], items: Sequence[T], concurrency: int) -> list[R]:
    """`fn` over `items`, at most `concurrency` at a time, results in the items' order. Every
    item runs; the first failure in the items' order is raised once all have ended."""
    if len(items) <= 1 or concurrency <= 1:
        return [fn(item) for item in items]
    workers = min(concurrency, len(items))
    if getattr(_local, "pooled", False):
        with ThreadPoolExecutor(max_workers=workers) as own:
            return list(own.map(fn, items))
    # `workers` lanes, each taking the next item until none is left: no thread waits for a
    # place, and the calling thread is not woken between items.
    results: list[Any] = [None] * len(items)
    failures: dict[int, BaseException] = {}
    indexes = iter(range(len(items)))
    taking = threading.Lock()

    def lane(_: None) -> None:
        while True:
            with taking:
                index = next(indexes, None)
            if index is None:
                return
            try:
                results[index] = fn(items[index])
            except BaseException as error:
                failures[index] = error

    for running_lane in [_pool.submit(_task, lane, None) for _ in range(workers)]:
        running_lane.result()
    if failures:
        raise failures[min(failures)]
    return results


@contextmanager
def running[R](call: Callable[[], R]) -> Iterator[Future[R]]:
    """Run `call` in a thread while the block does other work; the block reads its result.
    The block ends when the call has, as if it had waited for its thread."""
    future = _pool.submit(_task, lambda _: call(), None)
    try:
        yield future
    finally:
        wait([future])


def side_by_side(*calls: Callable[[], Any]) -> list[Any]:
    """Run independent calls at the same time; each result is its value or the exception it
    raised, so one failure does not hide the others."""

    def run(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except Exception as error:
            return error

    return in_parallel(run, list(calls), len(calls))
