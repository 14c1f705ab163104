"""The estate health snapshot: for every profile and its regions, the dead-letter queues that hold
messages, queues whose oldest message is too old or whose depth keeps rising, and endpoints that
fail. Kept in the shared cache, one entry per profile and region, so every user sees the same
snapshot and its age.

Regions: a profile's default region only, for now (a per-profile list of regions would slot in
at `regions_of`).

Cost, per profile and region: ListQueues (one call per 1,000 queues), one GetQueueAttributes per
queue (counts and RedrivePolicy, ESTATE_COUNT_WORKERS at a time) and, when CloudWatch answers,
one GetMetricData per 500 queues for ApproximateAgeOfOldestMessage. ESTATE_PROFILE_WORKERS
profiles are scanned at once, so an endpoint that is down costs its own timeouts, not everyone's.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from ..profiles.credentials import client_for, sqs_for
from ..profiles.models import AwsProfile
from ..sqs import Queue, SqsError
from ..sqs.metrics import CloudWatchMetrics
from . import monitoring

# Stop listing after this many queues per profile and region (ListQueues pages of 1,000).
MAX_QUEUES = 20_000
# A snapshot older than this is dropped from the cache and taken again on the next visit.
KEEP_SECONDS = 24 * 3600
_RUN_KEY = "sqsadmin:estate:last-run"


@dataclass(frozen=True)
class Finding:
    queue: str
    available: int
    in_flight: int
    delayed: int
    age_seconds: float | None = None

    @property
    def total(self) -> int:
        return self.available + self.in_flight + self.delayed


@dataclass(frozen=True)
class EndpointReport:
    """One profile in one region at one moment."""

    profile_pk: int
    profile_name: str
    profile_slug: str
    region: str
    endpoint: str
    taken_at: float
    seconds: float
    queue_count: int = 0
    dead_letters: tuple[Finding, ...] = ()
    old: tuple[Finding, ...] = ()
    rising: tuple[Finding, ...] = ()
    failed_queues: int = 0
    error: str = ""
    cloudwatch_note: str = ""
    truncated: bool = False

    @property
    def healthy(self) -> bool:
        return not (self.error or self.dead_letters or self.old or self.rising)


@dataclass(frozen=True)
class Snapshot:
    reports: list[EndpointReport] = field(default_factory=list)
    taken_at: float | None = None  # the oldest report's time
    seconds: float | None = None  # how long the last refresh took

    @property
    def age_seconds(self) -> float | None:
        return None if self.taken_at is None else max(0.0, time.time() - self.taken_at)


def regions_of(profile: AwsProfile) -> list[str]:
    return [profile.region] if profile.region else []


def _key(profile: AwsProfile, region: str) -> str:
    # The version too: an edited profile (new keys, another endpoint) is scanned afresh.
    return f"sqsadmin:estate:{profile.pk}:{profile.version}:{region}"


def _list_all(profile: AwsProfile, region: str) -> tuple[list[str], bool]:
    sqs = sqs_for(profile, region)
    urls: list[str] = []
    token = None
    while True:
        page = sqs.list_queues(max_results=1000, next_token=token)
        urls += page.urls
        token = page.next_token
        if not token or len(urls) >= MAX_QUEUES:
            return urls[:MAX_QUEUES], bool(token)


def _finding(queue: Queue, age: float | None = None) -> Finding:
    c = queue.counts
    return Finding(queue.name, c.available, c.in_flight, c.delayed, age)


def scan(profile: AwsProfile, region: str) -> EndpointReport:
    """One profile and region, now. Never raises for SQS or CloudWatch failures."""
    started = time.perf_counter()
    base = {
        "profile_pk": profile.pk,
        "profile_name": profile.name,
        "profile_slug": profile.slug,
        "region": region,
        "endpoint": profile.endpoint_url or f"AWS ({region})",
        "taken_at": time.time(),
    }
    try:
        urls, truncated = _list_all(profile, region)
    except SqsError as error:
        return EndpointReport(**base, seconds=time.perf_counter() - started, error=str(error))
    rows = sqs_for(profile, region).get_queue_rows(urls, max_workers=settings.ESTATE_COUNT_WORKERS)
    queues = [row for row in rows if isinstance(row, Queue)]
    history = monitoring.record_many(profile.pk, region, {q.name: q.counts for q in queues})
    targets = {q.dead_letter_queue_name for q in queues if q.dead_letter_queue_name}

    ages: dict[str, float] = {}
    note = ""
    if queues:
        try:
            cloudwatch = CloudWatchMetrics(client_for(profile, region, "cloudwatch"))
            ages = cloudwatch.oldest_ages([q.name for q in queues])
        except SqsError as error:
            note = f"Oldest-message ages need CloudWatch: {error}"
        else:
            if not ages:
                note = "CloudWatch has no ApproximateAgeOfOldestMessage data for these queues."

    threshold = settings.ESTATE_OLDEST_AGE_SECONDS
    return EndpointReport(
        **base,
        seconds=time.perf_counter() - started,
        queue_count=len(urls),
        dead_letters=tuple(
            _finding(q, ages.get(q.name)) for q in queues if q.name in targets and _total(q)
        ),
        old=tuple(_finding(q, ages[q.name]) for q in queues if ages.get(q.name, 0) > threshold),
        rising=tuple(
            _finding(q, ages.get(q.name))
            for q in queues
            if monitoring.keeps_rising(monitoring.decoded(history.get(q.name)))
        ),
        failed_queues=len(rows) - len(queues),
        cloudwatch_note=note,
        truncated=truncated,
    )


def _total(queue: Queue) -> int:
    c = queue.counts
    return c.available + c.in_flight + c.delayed


def refresh(profiles: Iterable[AwsProfile]) -> Snapshot:
    """Scan every profile and region, ESTATE_PROFILE_WORKERS at a time, and keep the result."""
    pairs = [(p, r) for p in profiles for r in regions_of(p)]
    started = time.perf_counter()
    if not pairs:
        return Snapshot()
    workers = max(1, min(settings.ESTATE_PROFILE_WORKERS, len(pairs)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        reports = list(pool.map(lambda pair: scan(*pair), pairs))
    seconds = time.perf_counter() - started
    cache.set_many(
        {_key(p, r): rep for (p, r), rep in zip(pairs, reports, strict=True)}, KEEP_SECONDS
    )
    cache.set(_RUN_KEY, seconds, KEEP_SECONDS)
    return Snapshot(reports, min(r.taken_at for r in reports), seconds)


def snapshot(profiles: Iterable[AwsProfile]) -> Snapshot:
    """The kept snapshot of these profiles; any never scanned (or edited since) is scanned now."""
    profiles = list(profiles)
    pairs = [(p, r) for p in profiles for r in regions_of(p)]
    kept = cache.get_many([_key(p, r) for p, r in pairs])
    missing = [p for p in profiles if any(_key(p, r) not in kept for r in regions_of(p))]
    if missing:
        refresh(missing)
        kept = cache.get_many([_key(p, r) for p, r in pairs])
    reports = [kept[_key(p, r)] for p, r in pairs if _key(p, r) in kept]
    if not reports:
        return Snapshot()
    return Snapshot(reports, min(r.taken_at for r in reports), cache.get(_RUN_KEY))
