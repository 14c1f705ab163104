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
from array import array
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache

from ..sqs import QueueCounts
from .charts import thinned

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


# A history is kept as packed doubles, four a sample (Sample's fields, oldest first): the cache
# pickles what it keeps, and an hour's 720 samples as a list of tuples took ~0.4 ms to pickle and
# unpickle again, per queue and per reading (~10 ms for a list chunk of 24 queues); as bytes it is
# a copy. Doubles hold counts exactly (to 2**53).
FIELDS = len(Sample._fields)


def _packed(raw: bytes | array | list | None) -> array:
    """A kept history as an array of doubles; histories kept as lists of tuples (by earlier
    versions, still in a shared cache) are read too."""
    if isinstance(raw, array):
        return raw
    if isinstance(raw, bytes):
        return array("d", raw)
    return array("d", itertools.chain.from_iterable(raw or ()))


def decoded(raw: bytes | array | list | None) -> list[Sample]:
    values = _packed(raw)
    return [
        Sample(values[i], int(values[i + 1]), int(values[i + 2]), int(values[i + 3]))
        for i in range(0, len(values), FIELDS)
    ]


def _appended(raw: bytes | list | None, counts: QueueCounts, now: float) -> array:
    values = _packed(raw)
    # Oldest first: the samples out of the window are a prefix, cut off in one slice.
    first = bisect.bisect_right(values[::FIELDS], now - _window())
    sample = (now, counts.available, counts.in_flight, counts.delayed)
    if len(values) > first * FIELDS and now - values[-FIELDS] < MIN_SPACING_SECONDS:
        values[-FIELDS:] = array("d", sample)
    else:
        values.extend(sample)
    first = max(first, len(values) // FIELDS - MAX_SAMPLES)
    return values[first * FIELDS :]


def record(
    profile_pk: int, region: str, queue: str, counts: QueueCounts, now: float | None = None
) -> None:
    key = _key(profile_pk, region, queue)
    cache.set(key, _appended(cache.get(key), counts, now or time.time()).tobytes(), _window())


def record_many(
    profile_pk: int, region: str, counts: Mapping[str, QueueCounts], now: float | None = None
) -> dict[str, array]:
    """Many queues' samples in two cache round trips (a list chunk, an estate snapshot). Returns
    each queue's history, this sample included: what the caller shows next to the counts,
    without reading every history a second time. Histories are packed as kept (a chunk of 24
    queues with an hour's history is some 17,000 samples): `availables` reads what a sparkline
    draws, `decoded` makes Samples."""
    if not counts:
        return {}
    now = now or time.time()
    keys = {_key(profile_pk, region, name): name for name in counts}
    known = cache.get_many(list(keys))
    written = {key: _appended(known.get(key), counts[name], now) for key, name in keys.items()}
    cache.set_many({key: values.tobytes() for key, values in written.items()}, _window())
    return {name: written[key] for key, name in keys.items()}


def samples(profile_pk: int, region: str, queue: str) -> list[Sample]:
    return decoded(cache.get(_key(profile_pk, region, queue)))


# A queue's depth "keeps rising" when, over the last RISING_WINDOW_SECONDS, at least
# RISING_SAMPLES samples spanning RISING_MIN_SPAN_SECONDS or more never go down and the last is
# higher than the first (a burst seen by a few polls seconds apart is not a trend).
RISING_SAMPLES = 4
RISING_MIN_SPAN_SECONDS = 120
RISING_WINDOW_SECONDS = 900


def availables(history: array | None, most: int) -> list[int]:
    """The messages available in at most `most` samples of a packed history, evenly spread, the
    oldest and the latest among them."""
    if history is None:
        return []
    return [int(v) for v in thinned(history[1::FIELDS], most)]


def keeps_rising(history: Sequence[Sample], now: float | None = None) -> bool:
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
