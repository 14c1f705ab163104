"""Queues: the list (names first, counts filled in by HTMX in chunks), create, detail, edit, purge
and delete."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .. import workspace
from ..roles import BROWSE, require_permission
from ..services import Queue, QueueNotFound, SqsError

# How many GetQueueAttributes calls one chunk request runs at once. A browser opens about six
# connections per host, so at most ~30 calls are in flight per user: below the boto3 client's
# connection pool (32) and gentle on SQS's rate limits.
COUNT_CONCURRENCY = 5
# Queues per chunk request, and a cap on the names' length so the URL stays short.
CHUNK_SIZE = 50
CHUNK_CHARS = 2500
PAGE_SIZES = (50, 100, 250, 500, 1000)
DEFAULT_PAGE_SIZE = 1000

_signer = signing.Signer(salt="sqsadmin.queue-rows")


@dataclass(frozen=True)
class Row:
    """One line of the queue list: the queue, or why it could not be read."""

    queue: Queue
    error: str = ""
    missing: bool = False


@dataclass(frozen=True)
class Chunk:
    rows: list[Row]
    query: str
    loaded: bool


def _url_base(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[0] + "/"


def _chunked(urls: tuple[str, ...]) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for url in urls:
        name = url.rsplit("/", 1)[-1]
        if chunk and (
            len(chunk) >= CHUNK_SIZE
            or size + len(name) > CHUNK_CHARS
            or _url_base(url) != _url_base(chunk[0])
        ):
            yield chunk
            chunk, size = [], 0
        chunk.append(url)
        size += len(name) + 3
    if chunk:
        yield chunk


def _chunk_query(urls: list[str], with_tags: bool) -> str:
    """The chunk's URLs as one signed base (never trusted from the browser) and the names."""
    params: list[tuple[str, str]] = [("base", _signer.sign(_url_base(urls[0])))]
    params += [("q", url.rsplit("/", 1)[-1]) for url in urls]
    if with_tags:
        params.append(("tags", "1"))
    return urlencode(params)


def _page_size(raw: str | None) -> int:
    try:
        size = int(raw or DEFAULT_PAGE_SIZE)
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _list_context(request: HttpRequest, profile: str, region: str) -> dict:
    return {
        "rows_url": reverse("queues:queue-rows", args=[profile, region]),
        # Rows link to the detail page by appending the name: one reverse() for the whole page.
        "detail_prefix": reverse("queues:queue-detail", args=[profile, region, "_"])[:-2],
    }


@require_GET
@require_permission(BROWSE)
def queue_list(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    """Names, types and links from ListQueues alone: no per-queue call before the first byte."""
    current = workspace.enter(request, profile, region)
    prefix = request.GET.get("prefix", "").strip()
    token = request.GET.get("next") or None
    size = _page_size(request.GET.get("size"))
    with_tags = request.GET.get("tags") == "1"
    context: dict = {
        **_list_context(request, profile, region),
        "prefix": prefix,
        "size": size,
        "page_sizes": PAGE_SIZES,
        "with_tags": with_tags,
        "chunks": [],
        "queue_count": 0,
        "next_token": None,
        "paged": bool(token),
        "error": None,
    }
    try:
        page = current.sqs.list_queues(prefix, max_results=size, next_token=token)
    except SqsError as error:
        context["error"] = str(error)
    else:
        urls = tuple(sorted(page.urls, key=lambda url: url.rsplit("/", 1)[-1]))
        context.update(
            chunks=[
                Chunk(
                    rows=[Row(Queue(url.rsplit("/", 1)[-1], url, {})) for url in chunk],
                    query=_chunk_query(chunk, with_tags),
                    loaded=False,
                )
                for chunk in _chunked(urls)
            ],
            queue_count=len(urls),
            next_token=page.next_token,
        )
    template = "queues/queue_list.html#queue-table" if request.htmx else "queues/queue_list.html"
    return render(request, template, context)


@require_GET
@require_permission(BROWSE)
def queue_rows(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    """One chunk of list rows with counts, creation time and DLQ badges (an HTMX fragment)."""
    current = workspace.enter(request, profile, region)
    names = request.GET.getlist("q")[:CHUNK_SIZE]
    try:
        base = _signer.unsign(request.GET.get("base", ""))
    except signing.BadSignature:
        return HttpResponse("This list is out of date; reload the page.", status=400)
    with_tags = request.GET.get("tags") == "1"
    urls = [base + name for name in names]
    rows = []
    for url, result in zip(
        urls,
        current.sqs.get_queue_rows(urls, max_workers=COUNT_CONCURRENCY, with_tags=with_tags),
        strict=True,
    ):
        if isinstance(result, Queue):
            rows.append(Row(result))
        else:
            placeholder = Queue(url.rsplit("/", 1)[-1], url, {})
            rows.append(
                Row(placeholder, error=str(result), missing=isinstance(result, QueueNotFound))
            )
    context = {
        **_list_context(request, profile, region),
        "with_tags": with_tags,
        "chunk": Chunk(rows=rows, query=_chunk_query(urls, with_tags), loaded=True),
    }
    return render(request, "queues/queue_list.html#queue-rows", context)


def get_queue_or_404(current: workspace.Workspace, name: str) -> Queue:
    """The queue named in the URL, or the 404 page saying it does not exist."""
    try:
        return current.sqs.get_queue(name)
    except QueueNotFound as error:
        raise Http404(str(error)) from None


def queue_name_check(request, profile, region):
    raise Http404


def queue_create(request, profile, region):
    raise Http404


def queue_detail(request, profile, region, queue):
    raise Http404


def queue_counts(request, profile, region, queue):
    raise Http404


def queue_edit(request, profile, region, queue):
    raise Http404


def queue_purge(request, profile, region, queue):
    raise Http404


def queue_delete(request, profile, region, queue):
    raise Http404
