"""Queues: the list (names first, counts filled in by HTMX in chunks), create, detail, edit, purge
and delete."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import wraps
from html import escape
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from .. import audit, workspace
from ..forms.queues import QueueForm, name_problem, settled_name
from ..models import AuditEvent
from ..roles import BROWSE, OPERATE, require_permission
from ..services import (
    AccessDenied,
    PurgeInProgress,
    Queue,
    QueueDeletedRecently,
    QueueNameTaken,
    QueueNotFound,
    SqsError,
)

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

    @classmethod
    def placeholder(cls, url: str) -> Row:
        name = url.rsplit("/", 1)[-1]
        return cls(name, "FIFO" if name.endswith(".fifo") else "Standard")

    @classmethod
    def loaded(cls, queue: Queue) -> Row:
        counts, created = queue.counts, queue.created
        return cls(
            name=queue.name,
            type_label=queue.type_label,
            dlq=queue.dead_letter_queue_name,
            available=counts.available,
            in_flight=counts.in_flight,
            delayed=counts.delayed,
            created=created.strftime("%Y-%m-%d %H:%M") if created else "",
            tags=tuple(f"{k}={v}" for k, v in sorted(queue.tags.items())),
        )


@dataclass(frozen=True)
class Chunk:
    rows: list[Row]
    query: str
    loaded: bool
    placeholders: str = ""  # the first paint's rows, pre-rendered (see placeholder_rows)


# A first-paint row: name, link and type, counts still loading. Built with str.format and the
# standard library's escape rather than a template loop (or format_html, whose lazy-aware escaping
# costs more than the rest of the page), so 1,000 rows add milliseconds, not tens of them.
_PLACEHOLDER_ROW = (
    '\n<tr data-queue="{0}"><td><a href="{1}{0}/">{0}</a></td><td>{2}</td>'
    '<td class="num pending" colspan="3">loading…</td><td></td>{3}</tr>'
)


def placeholder_rows(rows: list[Row], detail_prefix: str, with_tags: bool) -> str:
    prefix, tags_cell = escape(detail_prefix), "<td></td>" if with_tags else ""
    return mark_safe(
        "".join(
            _PLACEHOLDER_ROW.format(escape(r.name), prefix, escape(r.type_label), tags_cell)
            for r in rows
        )
    )


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


def _list_context(profile: str, region: str) -> dict:
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
        **_list_context(profile, region),
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
        detail_prefix = context["detail_prefix"]
        chunks = []
        for chunk in _chunked(urls):
            rows = [Row.placeholder(url) for url in chunk]
            chunks.append(
                Chunk(
                    rows=rows,
                    query=_chunk_query(chunk, with_tags),
                    loaded=False,
                    placeholders=placeholder_rows(rows, detail_prefix, with_tags),
                )
            )
        context.update(
            chunks=chunks,
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
    names = [
        name
        for name in request.GET.getlist("q")[:CHUNK_SIZE]
        if not name_problem(name, fifo=name.endswith(".fifo"))
    ]
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
            rows.append(Row.loaded(result))
        else:
            rows.append(
                replace(
                    Row.placeholder(url),
                    error=str(result),
                    missing=isinstance(result, QueueNotFound),
                )
            )
    context = {
        **_list_context(profile, region),
        "with_tags": with_tags,
        "chunk": Chunk(rows=rows, query=_chunk_query(urls, with_tags), loaded=True),
    }
    return render(request, "queues/queue_list.html#queue-rows", context)


def get_queue_or_404(current: workspace.Workspace, name: str) -> Queue:
    """The queue named in the URL, or the 404 page saying it does not exist."""
    fifo = name.endswith(".fifo")
    if name_problem(name, fifo=fifo):
        raise Http404(f"{name!r} is not a queue name: {name_problem(name, fifo=fifo)}")
    try:
        return current.queue(name)
    except QueueNotFound as error:
        raise Http404(str(error)) from None


def _sqs_problem_page(view):
    """A queue page whose SQS call fails (unreachable, denied, throttled) explains it instead of
    failing with a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SqsError as error:
            status = 403 if isinstance(error, AccessDenied) else 503
            return render(request, "queues/sqs_problem.html", {"error": str(error)}, status=status)

    return wrapper


def _workspace_queue_names(current: workspace.Workspace) -> list[str]:
    """Queues to offer as dead-letter queues (the first 1,000, as ListQueues gives them)."""
    try:
        return list(current.sqs.list_queues(max_results=1000).names)
    except SqsError:
        return []


def _dead_letter_arn(current: workspace.Workspace, form: QueueForm) -> str | None:
    """The chosen DLQ's ARN ("" for none), or None after adding a form error."""
    name = form.cleaned_data.get("dead_letter_queue")
    if not name:
        return ""
    try:
        return current.sqs.get_queue(name).arn
    except QueueNotFound:
        form.add_error("dead_letter_queue", f"The queue {name!r} no longer exists.")
    except SqsError as error:
        form.add_error("dead_letter_queue", str(error))
    return None


def _form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "queues/queue_form.html", context, status=status)


@require_GET
@require_permission(OPERATE)
def queue_name_check(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    """Live validation of the create form's name: format, .fifo and whether it is taken."""
    current = workspace.enter(request, profile, region)
    fifo = request.GET.get("queue_type") == "fifo"
    name = settled_name(request.GET.get("name", ""), fifo=fifo)
    problem, note = name_problem(name, fifo=fifo), ""
    if not problem:
        try:
            current.sqs.get_queue_url(name)
        except QueueNotFound:
            note = f"{name} is available."
        except SqsError as error:
            note = f"{name} looks valid (could not check whether it is taken: {error})"
        else:
            problem = f"A queue named {name} already exists in {region}."
    return render(
        request,
        "queues/queue_form.html#name-check",
        {"name_problem": problem, "name_note": note},
    )


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
def queue_create(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    current = workspace.enter(request, profile, region)
    names = _workspace_queue_names(current)
    form = QueueForm(request.POST or None, queue_names=names)
    context = {"form": form, "creating": True, "error": None}
    if request.method == "GET" or not form.is_valid():
        return _form_page(request, context, status=200 if request.method == "GET" else 400)
    name = form.cleaned_data["name"]
    # CreateQueue with a taken name and the same attributes quietly returns the existing queue.
    try:
        current.sqs.get_queue_url(name)
    except QueueNotFound:
        pass
    except SqsError as error:
        context["error"] = str(error)
        return _form_page(request, context, status=400)
    else:
        form.add_error(
            "name", f"A queue named {name} already exists in {region}: open it or pick another."
        )
        return _form_page(request, context, status=400)
    dead_letter_arn = _dead_letter_arn(current, form)
    if dead_letter_arn is None:
        return _form_page(request, context, status=400)
    attributes = {k: v for k, v in form.attributes(dead_letter_arn).to_raw().items() if v != ""}
    try:
        with audit.recorded(
            request, "create_queue", queue=name, attributes=attributes, tags=form.tags()
        ):
            current.sqs.create_queue(name, attributes, tags=form.tags())
    except (QueueNameTaken, QueueDeletedRecently) as error:
        form.add_error("name", str(error))
        return _form_page(request, context, status=400)
    except SqsError as error:
        context["error"] = str(error)
        return _form_page(request, context, status=400)
    messages.success(request, f"Created queue {name}.")
    return redirect("queues:queue-detail", profile, region, name)


@require_GET
@require_permission(BROWSE)
@_sqs_problem_page
def queue_detail(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region)
    found = get_queue_or_404(current, queue)
    problems = []
    # Tags and dead-letter sources are independent: read them at the same time.
    with ThreadPoolExecutor(max_workers=1) as pool:
        tagging = pool.submit(current.sqs.list_queue_tags, found.url)
        try:
            sources = current.sqs.list_dead_letter_source_queues(found.url)
        except SqsError as error:
            sources, problems = (), [*problems, f"Dead-letter sources: {error}"]
        try:
            tags = tagging.result()
        except SqsError as error:
            tags, problems = {}, [f"Tags: {error}", *problems]
    context = {
        **_list_context(profile, region),
        "queue": found,
        "settings": found.settings,
        "tags": sorted(tags.items()),
        "sources": sources,
        "problems": problems,
        "raw_json": json.dumps(found.attributes, indent=2, sort_keys=True),
        "counts": found.counts,
    }
    return render(request, "queues/queue_detail.html", context)


@require_GET
@require_permission(BROWSE)
def queue_counts(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """The detail page's live counts (polled by HTMX)."""
    current = workspace.enter(request, profile, region)
    context: dict = {"queue_name": queue, "counts": None, "counts_error": ""}
    try:
        context["counts"] = current.sqs.get_counts(current.sqs.get_queue_url(queue))
    except QueueNotFound:
        context["counts_error"] = "This queue no longer exists."
        # 286 tells htmx to stop polling.
        return render(request, "queues/queue_detail.html#queue-counts", context, status=286)
    except SqsError as error:
        context["counts_error"] = str(error)
    return render(request, "queues/queue_detail.html#queue-counts", context)


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
@_sqs_problem_page
def queue_edit(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region)
    found = get_queue_or_404(current, queue)
    # Tags that cannot be read start empty: saving then only adds tags, never removes any.
    with contextlib.suppress(SqsError):
        found = replace(found, tags=current.sqs.list_queue_tags(found.url))
    same_type = [n for n in _workspace_queue_names(current) if n.endswith(".fifo") == found.is_fifo]
    form = QueueForm(request.POST or None, queue=found, queue_names=same_type)
    context = {"form": form, "creating": False, "queue": found, "error": None}
    if request.method == "GET" or not form.is_valid():
        return _form_page(request, context, status=200 if request.method == "GET" else 400)
    dead_letter_arn = _dead_letter_arn(current, form)
    if dead_letter_arn is None:
        return _form_page(request, context, status=400)
    changed = form.attributes(dead_letter_arn).changes_from(found.settings)
    new_tags = form.tags()
    added = {k: v for k, v in new_tags.items() if found.tags.get(k) != v}
    removed = sorted(set(found.tags) - set(new_tags))
    try:
        with audit.recorded(
            request,
            "edit_queue",
            queue=found.name,
            attributes=changed,
            tags_set=added,
            tags_removed=removed,
        ):
            if changed:
                current.sqs.set_queue_attributes(found.url, changed)
            current.sqs.tag_queue(found.url, added)
            current.sqs.untag_queue(found.url, removed)
    except SqsError as error:
        context["error"] = str(error)
        return _form_page(request, context, status=400)
    if changed or added or removed:
        messages.success(request, f"Saved queue {found.name}.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect("queues:queue-detail", profile, region, found.name)


def _last_purge(request: HttpRequest, queue: str) -> AuditEvent | None:
    current = request.workspace  # type: ignore[attr-defined]
    return (
        AuditEvent.objects.filter(
            action="purge_queue",
            queue=queue,
            profile=current.profile,
            region=current.region,
            outcome=AuditEvent.Outcome.SUCCESS,
        )
        .order_by("-created_at")
        .first()
    )


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
@_sqs_problem_page
def queue_purge(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region)
    found = get_queue_or_404(current, queue)
    counts = found.counts
    form = TypedConfirmationForm(request.POST or None, queue_name=found.name, verb="purge")
    context: dict = {"queue": found, "counts": counts, "form": form, "verb": "Purge", "error": None}
    if request.method == "GET" or not form.is_valid():
        status = 200 if request.method == "GET" else 400
        return render(request, "queues/queue_purge.html", context, status=status)
    total = counts.available + counts.in_flight + counts.delayed
    try:
        with audit.recorded(request, "purge_queue", queue=found.name, messages_before=total):
            current.sqs.purge_queue(found.url)
    except PurgeInProgress:
        last = _last_purge(request, found.name)
        if last is not None:
            retry = last.created_at + timedelta(seconds=60)
            wait = max(1, int((retry - timezone.now()).total_seconds()))
            when = f"Try again in about {wait} seconds (after {retry:%H:%M:%S} UTC)."
        else:
            when = "Try again in a minute."
        context["error"] = (
            f"{found.name} was purged less than 60 seconds ago, and SQS allows one purge per "
            f"queue every 60 seconds (PurgeQueueInProgress). The earlier purge is still deleting "
            f"messages. {when}"
        )
        return render(request, "queues/queue_purge.html", context, status=409)
    except SqsError as error:
        context["error"] = str(error)
        return render(request, "queues/queue_purge.html", context, status=400)
    messages.success(
        request,
        f"Purging {found.name}: {total} message{'s' if total != 1 else ''} will be deleted. "
        "SQS can take up to 60 seconds to finish; the counts below show it.",
    )
    return redirect("queues:queue-detail", profile, region, found.name)


class TypedConfirmationForm(forms.Form):
    """Destructive actions (purge, delete) go ahead only once the queue's name is typed."""

    confirm_name = forms.CharField(label="Type the queue name to confirm", max_length=80)

    def __init__(self, *args, queue_name: str, verb: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.queue_name, self.verb = queue_name, verb
        self.fields["confirm_name"].widget.attrs.update(
            {"data-expected": queue_name, "autocomplete": "off", "spellcheck": "false"}
        )

    def clean_confirm_name(self) -> str:
        typed = self.cleaned_data["confirm_name"]
        if typed != self.queue_name:
            raise forms.ValidationError(f"Type {self.queue_name} exactly to {self.verb} it.")
        return typed


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
@_sqs_problem_page
def queue_delete(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region)
    found = get_queue_or_404(current, queue)
    form = TypedConfirmationForm(request.POST or None, queue_name=found.name, verb="delete")
    context: dict = {
        "queue": found,
        "form": form,
        "counts": found.counts,
        "verb": "Delete",
        "error": None,
    }
    if request.method == "GET":
        # Deleting a dead-letter queue leaves its sources pointing at nothing: say which.
        with contextlib.suppress(SqsError):
            context["sources"] = current.sqs.list_dead_letter_source_queues(found.url)
    if request.method == "GET" or not form.is_valid():
        status = 200 if request.method == "GET" else 400
        return render(request, "queues/queue_delete.html", context, status=status)
    try:
        with audit.recorded(request, "delete_queue", queue=found.name):
            current.sqs.delete_queue(found.url)
        current.forget_queue_url(found.name)
    except SqsError as error:
        context["error"] = str(error)
        return render(request, "queues/queue_delete.html", context, status=400)
    messages.success(
        request,
        f"Deleted queue {found.name}. SQS reserves the name for 60 seconds: a new queue named "
        f"{found.name} can be created after {timezone.now() + timedelta(seconds=60):%H:%M:%S} UTC.",
    )
    return redirect("queues:queue-list", profile, region)
