"""The circuit breaker counts failures that happen at the same moment in several threads (or
workers sharing a cache): each one counts, so the breaker opens after exactly
AWS_BREAKER_FAILURES of them, however they interleave."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache as real_cache

from queues.profiles import guard
from queues.sqs import errors


class SlowReads:
    """The cache as a network cache behaves: a read takes a few milliseconds, long enough for
    other threads to read the same value before anyone writes."""

    def __init__(self, cache) -> None:
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def get(self, *args, **kwargs):
        value = self._cache.get(*args, **kwargs)
        time.sleep(0.01)  # the answer is on its way back
        return value

    def get_many(self, *args, **kwargs):
        values = self._cache.get_many(*args, **kwargs)
        time.sleep(0.01)
        return values


@pytest.fixture
def slow_cache(monkeypatch, settings):
    settings.AWS_ENDPOINT_MAX_WAITING = 64
    guard.forget_slots()
    real_cache.clear()
    monkeypatch.setattr(guard, "cache", SlowReads(real_cache))
    yield
    guard.forget_slots()
    real_cache.clear()


def _fail_together(threads: int) -> None:
    """`threads` requests whose calls to one endpoint fail at the same moment."""
    start = threading.Barrier(threads)

    def request() -> None:
        one = guard.EndpointGuard("1:us-east-1:x", "http://10.0.0.1")
        one.before_call()
        start.wait()
        one.after_call(errors.EndpointUnreachable("connection refused"))

    workers = [threading.Thread(target=request) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_failures_at_the_same_moment_each_count_and_open_the_breaker(slow_cache, settings):
    settings.AWS_BREAKER_FAILURES = 12
    _fail_together(12)
    with pytest.raises(errors.CircuitOpen, match="has been unreachable since"):
        guard.EndpointGuard("1:us-east-1:x", "http://10.0.0.1").before_call()


def test_fewer_failures_than_the_threshold_leave_it_closed_and_an_answer_resets_the_count(
    slow_cache, settings
):
    settings.AWS_BREAKER_FAILURES = 12
    _fail_together(11)
    answered = guard.EndpointGuard("1:us-east-1:x", "http://10.0.0.1")
    answered.before_call()  # still closed: the call goes out
    answered.after_call(None)
    _fail_together(11)  # a new run of failures starts from zero
    after = guard.EndpointGuard("1:us-east-1:x", "http://10.0.0.1")
    after.before_call()
    after.after_call(None)


def test_long_polls_leave_the_endpoints_places_to_the_rest_of_the_dashboard(
    profile, standard_url, settings
):
    """Two operators long-polling an empty queue hold no place of the bulkhead: a third request
    for the same endpoint is answered at once, not refused as if the endpoint hung."""
    from queues.profiles.credentials import sqs_for

    settings.AWS_ENDPOINT_MAX_WAITING = 2
    guard.forget_slots()
    polls = [
        threading.Thread(target=lambda: sqs_for(profile, "us-east-1").peek(standard_url, wait=3))
        for _ in range(2)
    ]
    for poll in polls:
        poll.start()
    time.sleep(1.5)  # both polls are waiting, past the bulkhead's idea of a stuck call
    assert all(poll.is_alive() for poll in polls)
    names = sqs_for(profile, "us-east-1").list_queues().names
    assert "orders" in names
    for poll in polls:
        poll.join()
    guard.forget_slots()
