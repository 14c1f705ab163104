"""The queue index: every queue name of a profile's account in a region, for searching names by
substring in accounts with more queues than one ListQueues page.

ListQueues only filters by prefix and returns 1,000 URLs a page, so the index pages through all of
them once and keeps the URLs in the shared Django cache, keyed by profile pk + version and region
(saving a profile starts a new index). An index older than FRESH_SECONDS is still answered from,
and refreshed in the background (a thread that pages through ListQueues while the request goes
on); the Refresh button rebuilds it on demand. Only one build per profile, version and region runs
at a time across every worker sharing the cache.

The URLs are stored as one newline-joined string: pickling a single string costs a copy, not an
object per queue, so a search of 10,000 names reads the index in about a millisecond.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections

from ..profiles.credentials import sqs_for
from ..sqs import SqsError
from ..sqs.queues import queue_name_from_url
from .units import largest_unit

logger = logging.getLogger("sqsadmin.queue_index")

# An index older than this is refreshed in the background when it is used.
FRESH_SECONDS = 300
# How long the cache keeps an index at all (a stale index still answers while it is rebuilt).
KEEP_SECONDS = 24 * 3600
# A build may take this long (10,000 queues are 10 ListQueues pages); its lock expires after it.
BUILD_BUDGET_SECONDS = 120
PAGE_SIZE = 1000


@dataclass(frozen=True)
class QueueIndex:
    urls: str  # newline-joined queue URLs, sorted by name
    built_at: float  # time.time() when the build finished
    build_seconds: float = 0.0

    @property
    def url_list(self) -> list[str]:
        return self.urls.split("\n") if self.urls else []

    @property
    def size(self) -> int:
        return self.urls.count("\n") + 1 if self.urls else 0

    @property
    def age_seconds(self) -> float:
        return max(0.0, time.time() - self.built_at)

    @property
    def stale(self) -> bool:
        return self.age_seconds > FRESH_SECONDS

    @property
    def age(self) -> str:
        """ "2 minutes old", as the list shows it."""
        seconds = int(self.age_seconds)
        if seconds < 60:
            return "less than a minute old"
        return f"{largest_unit(seconds)} old"

    @property
    def summary(self) -> str:
        return f"index of {self.size:,} queue{'s' if self.size != 1 else ''}, {self.age}"

    def search(self, term: str) -> list[str]:
        """URLs of the queues whose name contains `term` (case-insensitive), sorted by name."""
        needle = term.lower()
        return [url for url in self.url_list if needle in queue_name_from_url(url).lower()]


def _key(profile, region: str) -> str:
    return f"sqsadmin:queue-index:{profile.pk}:{profile.version}:{region}"


def current(profile, region: str) -> QueueIndex | None:
    return cache.get(_key(profile, region))


def build(profile, region: str) -> QueueIndex:
    """Page through ListQueues and store the index (one SqsService, its own time budget)."""
    started = time.perf_counter()
    sqs = sqs_for(profile, region, budget=BUILD_BUDGET_SECONDS)
    urls: list[str] = []
    token = None
    while True:
        page = sqs.list_queues(max_results=PAGE_SIZE, next_token=token)
        urls.extend(page.urls)
        token = page.next_token
        if not token or not page.urls:
            break
    urls.sort(key=queue_name_from_url)
    index = QueueIndex("\n".join(dict.fromkeys(urls)), time.time(), time.perf_counter() - started)
    cache.set(_key(profile, region), index, KEEP_SECONDS)
    return index


def _build_quietly(profile, region: str, lock: str) -> None:
    try:
        build(profile, region)
    except SqsError as error:
        logger.warning("queue index of %s in %s not refreshed: %s", profile.slug, region, error)
    except Exception:  # a background thread has nobody else to tell
        logger.exception("queue index of %s in %s failed", profile.slug, region)
    finally:
        cache.delete(lock)


def _in_thread(target, *args) -> None:
    try:
        target(*args)
    finally:
        connections.close_all()  # a database cache opened a connection in this thread


def _start(target, *args) -> None:
    """Run a background build (tests replace this to run it in place)."""
    threading.Thread(
        target=_in_thread, args=(target, *args), daemon=True, name="queue-index"
    ).start()


def refresh_in_background(profile, region: str) -> bool:
    """Start a build unless one is already running for this profile version and region."""
    lock = _key(profile, region) + ":building"
    if not cache.add(lock, 1, BUILD_BUDGET_SECONDS):
        return False
    _start(_build_quietly, profile, region, lock)
    return True


def for_search(profile, region: str, *, rebuild: bool = False) -> QueueIndex:
    """The index to search: built now when there is none (or Refresh asked for it), else the
    cached one, refreshed in the background when stale."""
    index = None if rebuild else current(profile, region)
    if index is None:
        return build(profile, region)
    if index.stale:
        refresh_in_background(profile, region)
    return index
