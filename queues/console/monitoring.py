"""Recent counts of queues, kept in the shared cache so that anyone opening a queue sees its
recent history, not an empty chart.

Samples come from calls the dashboard makes anyway: the detail and Monitoring pages' count polls,
the queue list's count chunks and the estate snapshot. Each queue keeps a bounded list (the last
MONITORING_HISTORY_SECONDS, at most MAX_SAMPLES points), keyed by profile, region and queue.

Two processes recording the same queue at the same instant can lose one of the two samples
(read-modify-write on the cache); a chart then misses a point, nothing else.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections.abc import Mapping
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache

from ..sqs import QueueCounts

# One sample per second at most is kept per queue (several viewers polling the same queue add
# no points), and never more than this many.
MIN_SPACING_SECONDS = 1.0
MAX_SAMPLES = 720


class Sample(NamedTuple):
    """One reading of a queue's counts. A tuple: a list chunk decodes a few thousand at once
    (24 queues, an hour of samples each), and a frozen dataclass took ten times as long to
    make."""

    at: float  # epoch seconds
    available: int
    in_flight: int
    delayed: int

    @property
    def depth(self) -> int:
        return self.available + self.in_flight + self.delayed


def _key(profile_pk: int, region: str, queue: str) -> str:
    return f"sqsadmin:samples:{profile_pk}:{region}:{queue}"


def _window() -> int:
    return settings.MONITORING_HISTORY_SECONDS


def _decode(raw: list | None) -> list[Sample]:
    return [Sample._make(item) for item in raw or ()]


def _appended(raw: list | None, counts: QueueCounts, now: float) -> list[tuple]:
    # Oldest first: the samples out of the window are a prefix, cut off in one slice.
    raw = raw or []
    kept = raw[bisect.bisect_right(raw, now - _window(), key=lambda s: s[0]) :]
    sample = (now, counts.available, counts.in_flight, counts.delayed)
    if kept and now - kept[-1][0] < MIN_SPACING_SECONDS:
        kept[-1] = sample
    else:
        kept.append(sample)
    return kept[-MAX_SAMPLES:]


def record(
    profile_pk: int, region: str, queue: str, counts: QueueCounts, now: float | None = None
) -> None:
    key = _key(profile_pk, region, queue)
    cache.set(key, _appended(cache.get(key), counts, now or time.time()), _window())


def record_many(
    profile_pk: int, region: str, counts: Mapping[str, QueueCounts], now: float | None = None
) -> dict[str, list[Sample]]:
    """Many queues' samples in two cache round trips (a list chunk, an estate snapshot). Returns
    each queue's history, this sample included: what the caller shows next to the counts,
    without reading and decoding every history a second time."""
    if not counts:
        return {}
    now = now or time.time()
    keys = {_key(profile_pk, region, name): name for name in counts}
    known = cache.get_many(list(keys))
    written = {key: _appended(known.get(key), counts[name], now) for key, name in keys.items()}
    cache.set_many(written, _window())
    return {name: _decode(written[key]) for key, name in keys.items()}


def samples(profile_pk: int, region: str, queue: str) -> list[Sample]:
    return _decode(cache.get(_key(profile_pk, region, queue)))


# A queue's depth "keeps rising" when, over the last RISING_WINDOW_SECONDS, at least
# RISING_SAMPLES samples spanning RISING_MIN_SPAN_SECONDS or more never go down and the last is
# higher than the first (a burst seen by a few polls seconds apart is not a trend).
RISING_SAMPLES = 4
RISING_MIN_SPAN_SECONDS = 120
RISING_WINDOW_SECONDS = 900


def keeps_rising(history: list[Sample], now: float | None = None) -> bool:
    now = now or time.time()
    recent = [s for s in history if s.at >= now - RISING_WINDOW_SECONDS]
    if len(recent) < RISING_SAMPLES or recent[-1].at - recent[0].at < RISING_MIN_SPAN_SECONDS:
        return False
    depths = [s.available + s.delayed for s in recent]
    return all(b >= a for a, b in itertools.pairwise(depths)) and depths[-1] > depths[0]


def calls_per_minute(interval_seconds: float) -> str:
    """What the live chart costs, in words."""
    per_minute = 60 / interval_seconds
    shown = f"{per_minute:g}" if per_minute == int(per_minute) else f"{per_minute:.1f}"
    return (
        f"1 GetQueueAttributes call every {interval_seconds:g} s = {shown} calls/minute "
        "while this page is open"
    )
