"""The queue list: names first (one ListQueues call), counts filled in by HTMX in chunks."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from html import escape
from urllib.parse import urlencode

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from ...accounts.roles import BROWSE, require_permission
from ...sqs import Queue, QueueNotFound
from ...sqs.batching import batched
from ...sqs.queues import QueuePage, queue_name_from_url, queue_name_problem
from .. import links, monitoring, queue_index, workspace
from ..charts import SPARK_POINTS, sparkline

# How many GetQueueAttributes calls one chunk request runs at once. A browser opens about six
# connections per host, so at most ~30 calls are in flight per user: below the boto3 client's
# connection pool (32) and gentle on SQS's rate limits.
COUNT_CONCURRENCY = 5
# Queues per chunk request, and a cap on the names' length so the URL stays short.
CHUNK_SIZE = 50
CHUNK_CHARS = 2500
PAGE_SIZES = (50, 100, 250, 500, 1000)
# "Show counts" (the list without JavaScript) reads the whole page's counts in one request: more
# calls at once than a chunk, still below the client's connection pool.
NO_SCRIPT_CONCURRENCY = 10
DEFAULT_PAGE_SIZE = 1000

_signer = signing.Signer(salt="sqsadmin.queue-rows")


@dataclass(frozen=True)
class Row:
    """One line of the queue list, ready to display: the first paint has only the name and
    type; a loaded row has counts, creation time and DLQ, or why it could not be read."""

    name: str
    type_label: str
    dlq: str = ""
    available: int = 0
    in_flight: int = 0
    delayed: int = 0
    created: str = ""
    tags: tuple[str, ...] = ()
    error: str = ""
    missing: bool = False
    spark: str = ""  # recent depth as an SVG sparkline (from the shared samples)

    @classmethod
    def placeholder(cls, url: str) -> Row:
        name = url.rsplit("/", 1)[-1]
        return cls(name, "FIFO" if name.endswith(".fifo") else "Standard")

    @classmethod
    def loaded(cls, queue: Queue, spark: str = "") -> Row:
        counts, created = queue.counts, queue.created
        return cls(
            name=queue.name,
            type_label=queue.type_label,
            dlq=queue.dead_letter_queue_name,
            available=counts.available,
            in_flight=counts.in_flight,
            delayed=counts.delayed,
            # "YYYY-MM-DD HH:MM": isoformat is C; strftime goes through Python for datetimes.
            created=created.isoformat(" ", "minutes")[:16] if created else "",
            tags=tuple(f"{k}={v}" for k, v in sorted(queue.tags.items())),
            spark=spark,
        )


@dataclass(frozen=True)
class Chunk:
    query: str
    loaded: bool
    html: str  # the rows, pre-rendered (placeholder_rows or loaded_rows_html)


# The list's rows are built with str.format and the standard library's escape rather than a
# template loop (or format_html, whose lazy-aware escaping costs more than the rest of the page):
# 1,000 first-paint rows add milliseconds, not tens of them, and a chunk's 50 loaded rows a
# fraction of one.

# A first-paint row: name, link and type, counts still loading.
_PLACEHOLDER_ROW = (
    '\n<tr data-queue="{0}"><td><a href="{1}{0}/">{0}</a></td><td>{2}</td>'
    '<td class="num pending" colspan="3">loading…</td><td></td><td></td>{3}</tr>'
)
# A loaded row: its counts, recent depth and creation time, or why it could not be read.
_LOADED_ROW = (
    '\n<tr data-queue="{name}"{attributes}><td><a href="{prefix}{name}/">{name}</a>{badge}</td>'
    "<td>{type}</td>{cells}{tags}</tr>"
)
_COUNT_CELLS = (
    '<td class="num">{0}</td><td class="num">{1}</td><td class="num">{2}</td>'
    '<td class="spark-cell">{3}</td><td>{4}</td>'
)
_DLQ_BADGE = ' <span class="badge dlq" title="Has a dead-letter queue: {0}">DLQ</span>'
_DELETED = "Deleted — it no longer exists."


def placeholder_rows(rows: list[Row], detail_prefix: str, with_tags: bool) -> str:
    prefix, tags_cell = escape(detail_prefix), "<td></td>" if with_tags else ""
    return mark_safe(
        "".join(
            _PLACEHOLDER_ROW.format(escape(r.name), prefix, escape(r.type_label), tags_cell)
            for r in rows
        )
    )


def _loaded_row(r: Row, prefix: str, with_tags: bool) -> str:
    dlq = escape(r.dlq)
    attributes = f' data-dlq="{dlq}"' if dlq else ""
    if with_tags:
        attributes += f' data-tags="{escape(" ".join(r.tags))} "'
    if r.missing:
        attributes += ' class="missing"'
    if r.error:
        said = _DELETED if r.missing else escape(r.error)
        cells = f'<td colspan="5" class="row-error">{said}</td>'
    else:
        # The counts are ints and the sparkline is safe SVG (charts.sparkline): nothing to escape.
        cells = _COUNT_CELLS.format(r.available, r.in_flight, r.delayed, r.spark, escape(r.created))
    tags = ""
    if with_tags:
        tags = "".join(f'<span class="tag">{escape(tag)}</span> ' for tag in r.tags)
        tags = f'<td class="tags">{tags}</td>'
    return _LOADED_ROW.format(
        name=escape(r.name),
        attributes=attributes,
        prefix=prefix,
        badge=_DLQ_BADGE.format(dlq) if dlq else "",
        type=escape(r.type_label),
        cells=cells,
        tags=tags,
    )


def loaded_rows_html(rows: list[Row], detail_prefix: str, with_tags: bool) -> str:
    prefix = escape(detail_prefix)
    return mark_safe("".join(_loaded_row(r, prefix, with_tags) for r in rows))


def _url_base(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[0] + "/"


def _chunked(urls: tuple[str, ...]) -> list[list[str]]:
    """Chunks of one queue-URL base, at most CHUNK_SIZE names and CHUNK_CHARS of them."""
    return batched(
        urls,
        max_items=CHUNK_SIZE,
        max_total=CHUNK_CHARS,
        size_of=lambda url: len(queue_name_from_url(url)) + 3,
        key=_url_base,
    )


# Characters urlencode leaves as they are: SQS's queue names are made of them.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.-]*")


@functools.lru_cache(maxsize=256)
def _signed_base(base: str) -> str:
    """A queue-URL base, signed: the same for every chunk of a region's list, so signed once."""
    return _signer.sign(base)


def _chunk_query(urls: list[str], with_tags: bool) -> str:
    """The chunk's URLs as one signed base (never trusted from the browser) and the names."""
    names = [url.rsplit("/", 1)[-1] for url in urls]
    query = urlencode([("base", _signed_base(_url_base(urls[0])))])
    if _UNQUOTED.fullmatch("".join(names)):
        query += "".join(f"&q={name}" for name in names)
    else:  # a name SQS would not give (an endpoint of another kind): encoded
        query += "&" + urlencode([("q", name) for name in names])
    return query + "&tags=1" if with_tags else query


def _page_size(raw: str | None) -> int:
    try:
        size = int(raw or DEFAULT_PAGE_SIZE)
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def detail_links(profile: str, region: str) -> dict:
    return {
        "rows_url": links.url("console:queue-rows", profile, region),
        # Rows link to the detail page by appending the name: one URL for the whole page.
        "detail_prefix": links.url("console:queue-detail", profile, region, "_")[:-2],
    }


def loaded_rows(
    current, urls: list[str], with_tags: bool, max_workers: int = COUNT_CONCURRENCY
) -> list[Row]:
    """The rows of `urls` in the workspace `current`, with their counts and sparklines; a queue
    that cannot be read says why."""
    results = current.sqs.get_queue_rows(urls, max_workers=max_workers, with_tags=with_tags)
    # The counts just read are samples too; the sparklines show them with the earlier ones.
    loaded = {r.name: r.counts for r in results if isinstance(r, Queue)}
    history = monitoring.record_many(current.profile.pk, current.region, loaded)
    rows = []
    for url, result in zip(urls, results, strict=True):
        if isinstance(result, Queue):
            depth = monitoring.availables(history.get(result.name), SPARK_POINTS)
            spark = sparkline(depth, f"Messages available in {result.name}, recent samples")
            rows.append(Row.loaded(result, spark))
        else:
            rows.append(
                replace(
                    Row.placeholder(url),
                    error=str(result),
                    missing=isinstance(result, QueueNotFound),
                )
            )
    return rows


@require_GET
@require_permission(BROWSE)
def queue_list(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    """Names, types and links from ListQueues alone: no per-queue call before the first byte.
    With `counts=1` (the "Show counts" link for browsers without JavaScript) the page's rows are
    rendered with their counts, read here instead of by the chunk requests."""
    current = workspace.enter(request, profile, region)
    prefix = request.GET.get("prefix", "").strip()
    token = request.GET.get("next") or None
    size = _page_size(request.GET.get("size"))
    with_tags = request.GET.get("tags") == "1"
    with_counts = request.GET.get("counts") == "1"
    search = request.GET.get("search", "").strip()[:80]
    if request.GET.get("refresh") == "1":
        # The Refresh button: rebuild the index now, then back to the bookmarkable URL.
        queue_index.build(current.profile, region)
        query = request.GET.copy()
        del query["refresh"]
        return redirect(f"{request.path}?{query.urlencode()}")
    matches = 0
    if search:
        # Names containing the term, across every queue of the account: from the queue index.
        index = queue_index.for_search(current.profile, region)
        found = [u for u in index.search(search) if queue_name_from_url(u).startswith(prefix)]
        matches, token = len(found), None
        page = QueuePage(tuple(found[:size]), None)
    else:
        page = current.sqs.list_queues(prefix, max_results=size, next_token=token)
        index = queue_index.current(current.profile, region)
        # An account larger than a page gets its index ready for the first search.
        if page.next_token and (index is None or index.stale):
            queue_index.refresh_in_background(current.profile, region)
    urls = tuple(sorted(page.urls, key=queue_name_from_url))
    links = detail_links(profile, region)
    chunks = []
    # Bounded to this page: at most `size` queues, whatever the region holds.
    counted = (
        iter(loaded_rows(current, list(urls), with_tags, NO_SCRIPT_CONCURRENCY))
        if with_counts
        else None
    )
    for chunk in _chunked(urls):
        if counted is not None:
            rows = [next(counted) for _ in chunk]
            html = loaded_rows_html(rows, links["detail_prefix"], with_tags)
        else:
            rows = [Row.placeholder(url) for url in chunk]
            html = placeholder_rows(rows, links["detail_prefix"], with_tags)
        chunks.append(Chunk(_chunk_query(chunk, with_tags), counted is not None, html))
    counts_query = request.GET.copy()
    counts_query["counts"] = "1"
    context = {
        **links,
        "with_counts": with_counts,
        "counts_url": f"{request.path}?{counts_query.urlencode()}",
        "prefix": prefix,
        "search": search,
        "index": index,
        "matches": matches,
        "size": size,
        "page_sizes": PAGE_SIZES,
        "with_tags": with_tags,
        "chunks": chunks,
        "queue_count": len(urls),
        "next_token": page.next_token,
        "paged": bool(token),
    }
    template = "console/queue_list.html#queue-table" if request.htmx else "console/queue_list.html"
    return render(request, template, context)


@require_GET
@require_permission(BROWSE)
def queue_rows(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    """One chunk of list rows with counts, creation time and DLQ badges (an HTMX fragment)."""
    current = workspace.enter(request, profile, region)
    asked = request.GET.getlist("q")
    names = [
        name
        for name in asked[:CHUNK_SIZE]
        if not queue_name_problem(name, fifo=name.endswith(".fifo"))
    ]
    try:
        base = _signer.unsign(request.GET.get("base", ""))
    except signing.BadSignature:
        return HttpResponse("This list is out of date; reload the page.", status=400)
    if not names:
        return HttpResponse("This chunk names no queue; reload the page.", status=400)
    with_tags = request.GET.get("tags") == "1"
    urls = [base + name for name in names]
    rows = loaded_rows(current, urls, with_tags)
    links = detail_links(profile, region)
    # The chunk refreshes itself with the query it was asked with when that named only these
    # queues (signed base checked above); otherwise with one built for the queues it shows.
    query = (
        request.META["QUERY_STRING"]
        if len(names) == len(asked) and len(request.GET) == 2 + with_tags
        else _chunk_query(urls, with_tags)
    )
    html = loaded_rows_html(rows, links["detail_prefix"], with_tags)
    context = {
        **links,
        "with_tags": with_tags,
        "chunk": Chunk(query, loaded=True, html=html),
    }
    return render(request, "console/queue_list.html#queue-rows", context)
