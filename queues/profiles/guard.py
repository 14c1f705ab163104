"""A circuit breaker and a bulkhead per SQS endpoint (a profile in a region), so that one endpoint
that hangs cannot take the dashboard's threads with it.

- Circuit breaker: after AWS_BREAKER_FAILURES calls in a row that got no answer (refused, reset,
  timed out), the endpoint is left alone for AWS_BREAKER_COOLDOWN seconds: its calls fail at once
  and say since when and until when. Then one call (the probe) is let through; an answer closes
  the breaker, another failure opens it again. The state lives in Django's cache, so every
  worker sharing the cache (CACHE_URL) agrees. Failures are counted with the cache's add and
  incr, which Redis, memcached and the local-memory cache do atomically: requests failing at
  the same moment in several threads or workers each count, where a read-modify-write of one
  entry would let them overwrite each other's count.
- Bulkhead: at most AWS_ENDPOINT_MAX_WAITING requests of this process may have calls in flight
  to one endpoint at once; another waits briefly while those calls look healthy, and is refused
  at once when they look stuck, rather than queued behind a hung endpoint. A request counts once
  however many calls it fans out, so a page's own parallel calls never wait for each other.
  A long poll takes no place: it waits on purpose, for as long as the operator chose (its own
  budget covers the wait), so two operators' 20-second polls never look like a stuck endpoint
  that the rest of the dashboard is refused for.

`EndpointGuard` plugs into the SQS layer through its small Guard interface (queues/sqs/budget.py);
one is made per SqsService, so per request.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache

from ..sqs import errors

# A request waits for a place at a busy endpoint while the places are held by calls that look
# healthy (the oldest began less than STUCK_SECONDS ago), at most SLOT_WAIT_SECONDS in all: a
# burst of a page's count chunks queues briefly, but requests behind a hung endpoint are refused
# at once instead of taking the threads /healthz and other profiles need.
STUCK_SECONDS = 1.0
SLOT_WAIT_SECONDS = 5.0
# Within one request, the breaker's state is read from the cache at most this often.
STATE_READ_SECONDS = 1.0


class _Slots:
    """One endpoint's places in this process, and since when each holder has held its place."""

    def __init__(self, places: int) -> None:
        self._places = threading.BoundedSemaphore(places)
        self._held: dict[int, float] = {}
        self._lock = threading.Lock()

    def acquire(self, holder: int) -> bool:
        waited_until = time.monotonic() + SLOT_WAIT_SECONDS
        while not self._places.acquire(timeout=0.05):
            now = time.monotonic()
            with self._lock:
                oldest = min(self._held.values(), default=now)
            if now - oldest > STUCK_SECONDS or now > waited_until:
                return False
        with self._lock:
            self._held[holder] = time.monotonic()
        return True

    def release(self, holder: int) -> None:
        with self._lock:
            self._held.pop(holder, None)
        self._places.release()


_slots: dict[str, _Slots] = {}
_slots_lock = threading.Lock()


def _slot(key: str) -> _Slots:
    with _slots_lock:
        slot = _slots.get(key)
        if slot is None:
            slot = _slots[key] = _Slots(settings.AWS_ENDPOINT_MAX_WAITING)
        return slot


def forget_slots() -> None:
    """For tests: new semaphores with the current setting."""
    with _slots_lock:
        _slots.clear()


def endpoint_key(profile_pk: int | None, region: str, endpoint: str) -> str:
    digest = hashlib.sha256(endpoint.encode()).hexdigest()[:16]
    return f"{profile_pk}:{region}:{digest}"


@dataclass
class _State:
    """An open breaker (what requests read before each call)."""

    since: float = 0.0  # when the first of the failures in a row happened
    retry_at: float = 0.0  # when the open breaker lets a probe through (0: not open)


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S UTC")


class EndpointGuard:
    """The breaker and bulkhead of one endpoint, as seen by one request."""

    def __init__(self, key: str, endpoint: str) -> None:
        self.endpoint = endpoint
        self._state_key = f"sqsadmin:breaker:{key}"
        self._probe_key = f"sqsadmin:breaker-probe:{key}"
        # The failures in a row, and when the first of them happened.
        self._failures_key = f"sqsadmin:breaker-failures:{key}"
        self._since_key = f"sqsadmin:breaker-since:{key}"
        self._slot = _slot(key)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._probing = False
        self._state: _State | None = None
        self._failures = 0  # the count in a row, as last read or made
        self._read_at = -STATE_READ_SECONDS

    # The Guard interface.

    def before_call(self, waits: float = 0.0) -> None:
        if waits > 0:  # a long poll: the breaker's say only
            self._check_breaker()
            return
        with self._lock:
            if self._in_flight == 0 and not self._slot.acquire(id(self)):
                raise errors.Busy(
                    f"Too many requests are already waiting on {self.endpoint}; try again in a "
                    "moment."
                )
            self._in_flight += 1
        try:
            self._check_breaker()
        except BaseException:
            self._leave()
            raise

    def after_call(self, error: BaseException | None, waits: float = 0.0) -> None:
        if waits <= 0:
            self._leave()
        if isinstance(error, errors.EndpointUnreachable) and not isinstance(
            error, errors.CircuitOpen
        ):
            self._failed()
        elif error is None or (
            isinstance(error, errors.SqsError)
            and not isinstance(error, errors.Busy | errors.CircuitOpen)
        ):
            self._answered()

    # The bulkhead.

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._slot.release(id(self))

    # The breaker.

    def _read(self) -> _State:
        now = time.monotonic()
        if self._state is None or now - self._read_at >= STATE_READ_SECONDS:
            found = cache.get_many([self._state_key, self._failures_key])
            self._state = found.get(self._state_key) or _State()
            self._failures = found.get(self._failures_key) or 0
            self._read_at = now
        return self._state

    def _check_breaker(self) -> None:
        state = self._read()
        if state.retry_at == 0 or self._probing:
            return
        now = time.time()
        if now >= state.retry_at and cache.add(self._probe_key, 1, self._probe_seconds()):
            self._probing = True  # half-open: this request's call finds out
            return
        retry = max(state.retry_at, now)
        raise errors.CircuitOpen(
            f"The SQS endpoint {self.endpoint} has been unreachable since {_clock(state.since)}; "
            f"sqsadmin will try again at {_clock(retry)}."
        )

    def _probe_seconds(self) -> int:
        return int(settings.AWS_REQUEST_BUDGET) + 5

    def _failed(self) -> None:
        now = time.time()
        keep = max(600, settings.AWS_BREAKER_COOLDOWN * 10)
        cache.add(self._since_key, now, keep)  # only the first failure in a row sets it
        failures = self._failures = self._count_failure(keep)
        if failures >= settings.AWS_BREAKER_FAILURES:
            since = cache.get(self._since_key) or now
            state = _State(since=since, retry_at=now + settings.AWS_BREAKER_COOLDOWN)
            cache.set(self._state_key, state, keep)
            self._state, self._read_at = state, time.monotonic()
        if self._probing:
            cache.delete(self._probe_key)
            self._probing = False

    def _count_failure(self, keep: int) -> int:
        """One more failure in a row, counted atomically; the count after it."""
        for _ in range(2):
            cache.add(self._failures_key, 0, keep)
            try:
                return cache.incr(self._failures_key)
            except ValueError:  # an answer closed the breaker between add and incr: again
                continue
        return 1

    def _answered(self) -> None:
        """An answer (even an error answer) shows the endpoint is there: close the breaker and
        start the count again."""
        state = self._read()
        if state.retry_at == 0 and not self._probing and not self._failures:
            return
        cache.delete_many([self._state_key, self._failures_key, self._since_key])
        if self._probing:
            cache.delete(self._probe_key)
            self._probing = False
        self._state, self._failures, self._read_at = _State(), 0, time.monotonic()
