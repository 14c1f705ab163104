"""Long work on messages: browse beyond one poll, send more copies than one request should, and
import an NDJSON export. Each shows its progress and can be stopped.

How: the form's POST validates and leaves the work in the cache under a one-time token, and
answers with a progress box whose htmx SSE extension opens `stream` (GET, text/event-stream).
That response runs the work step by step and sends an event after each step. The work ends:
- when done, with a "done" event carrying the summary (the box closes its EventSource);
- when the operator presses Stop: the page closes the EventSource at once, so the next event
  the server writes fails and the generator is closed (GeneratorExit), and it posts `stop`,
  which also sets a flag the work checks between steps (for proxies that keep the connection
  open) and answers with the summary;
- when the operator leaves the page: the same GeneratorExit;
- after LONG_WORK_MAX_SECONDS, since a streaming response holds a server thread; and no more
  than LONG_WORK_MAX_STREAMS run at once in one process.
Whatever ends it, leased messages are released and the audit event is written. Chosen over a
`django.tasks` worker because the work needs the operator's page anyway (progress, Stop), and a
stream needs no worker process, no job table and no polling.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ... import audit
from ...accounts.roles import OPERATE, require_permission
from ...audit.models import AuditEvent
from ...profiles.credentials import sqs_for
from ...sqs import OutgoingMessage, Queue, SqsError
from ...sqs.browse import is_localstack
from .. import workspace
from ..forms.bulk import BrowseForm, ImportForm
from ..forms.messages import SendMessageForm
from ..workspace import Workspace

TEMPLATE = "console/long_work.html"
MESSAGES = "console/messages.html"
# How long a started piece of work waits for its stream to open, and a summary is kept.
JOB_SECONDS = 300
# How long Stop waits for the work to notice and say what it did.
STOP_WAIT_SECONDS = 10
# Matches listed by a browse (the count says how many more there were).
SHOWN_MATCHES = 100
# Failed lines or copies listed in a summary.
SHOWN_FAILURES = 20

_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _slots_for_process() -> threading.BoundedSemaphore:
    with _slots_lock:
        limit = settings.LONG_WORK_MAX_STREAMS
        return _slots.setdefault(limit, threading.BoundedSemaphore(limit))


def _key(token: str, part: str = "job") -> str:
    return f"sqsadmin:long-work:{token}:{part}"


@dataclass(frozen=True)
class Stream:
    """What the progress box needs: where to listen, where to stop, what it is doing."""

    token: str
    stream_url: str
    stop_url: str
    label: str
    total: int


@dataclass
class Progress:
    done: int
    total: int
    text: str


@dataclass
class Summary:
    level: str  # success, warning, danger
    text: str
    details: list[str] = field(default_factory=list)
    matches: Sequence[Any] = ()
    more_matches: int = 0
    walk: Any = None  # a browse's Walk, for how its matches are shown
    held: int = 0  # matches a browse holds under its lease for a move or copy
    queue: str = ""


def _start(
    request: HttpRequest, current: Workspace, queue: str, job: dict[str, Any], label: str
) -> Stream:
    """Leave the work for its stream and say where the stream is."""
    token = secrets.token_urlsafe(16)
    job.update(user=request.user.pk, profile=current.profile.pk, region=current.region)
    job["queue"] = queue
    cache.set(_key(token), job, JOB_SECONDS)
    args = [current.profile.slug, current.region, queue, token]
    return Stream(
        token=token,
        stream_url=reverse("console:messages-stream", args=args),
        stop_url=reverse("console:messages-stream-stop", args=args),
        label=label,
        total=job["total"],
    )


def _mine(
    request: HttpRequest, current: Workspace, queue: str, entry: dict[str, Any] | None
) -> bool:
    """Whether a cached piece of work (or what it holds) belongs to this user, workspace and
    queue: a token alone gives nobody else's work."""
    return (
        entry is not None
        and entry["user"] == request.user.pk
        and entry["profile"] == current.profile.pk
        and entry["region"] == current.region
        and entry["queue"] == queue
    )


def _event(name: str, html: str) -> str:
    data = "\n".join(f"data: {line}" for line in html.splitlines() or [""])
    return f"event: {name}\n{data}\n\n"


def _progress_event(progress: Progress) -> str:
    return _event("progress", render_to_string(f"{TEMPLATE}#progress", {"progress": progress}))


def _summary_html(token: str, summary: Summary, request: HttpRequest | None = None) -> str:
    return render_to_string(
        f"{TEMPLATE}#summary", {"token": token, "summary": summary}, request=request
    )


def _finish(token: str, summary: Summary, request: HttpRequest | None = None) -> str:
    """Keep the summary for Stop, and send it as the last event."""
    html = _summary_html(token, summary, request)
    cache.set(_key(token, "summary"), html, JOB_SECONDS)
    return _event("done", html)


def _stopper(token: str) -> tuple[Callable[[], bool], dict[str, bool]]:
    """A check the work makes between steps: Stop was posted, or its time is up. It looks at
    the cache at most once a second."""
    ends = time.monotonic() + settings.LONG_WORK_MAX_SECONDS
    state = {"stopped": False, "timed_out": False, "checked": 0.0}

    def should_stop() -> bool:
        now = time.monotonic()
        if now >= ends:
            state["timed_out"] = True
            return True
        if now - state["checked"] >= 1:
            state["checked"] = now
            state["stopped"] = bool(cache.get(_key(token, "stop")))
        return state["stopped"]

    return should_stop, state  # type: ignore[return-value]


def _why_stopped(state: dict[str, Any], closed: bool) -> str:
    if state["timed_out"]:
        return f"Stopped at the {settings.LONG_WORK_MAX_SECONDS}-second limit for long work."
    return "Stopped by you." if closed or state["stopped"] else ""


# Starting: browse.


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
def browse(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """GET: the browse form (the folded panel, opened); POST: start a browse."""
    current = workspace.enter(request, profile, region, operate="browse_messages")
    if request.method == "GET":
        # Opening the fold of a queue deleted since the page loaded says so in the fold (the
        # SQS problem box), as the page's other fragments do.
        found = current.queue(queue) if request.htmx else workspace.queue_or_404(current, queue)
        return _opened(request, found, "browse", {"browse_form": BrowseForm()})
    form = BrowseForm(request.POST)
    context: dict[str, Any] = {"browse_form": form}
    try:
        found = current.queue(queue)
    except SqsError as error:
        found = Queue(name=queue, url="", attributes={})
        context["browse_error"] = str(error)
    if "browse_error" not in context and form.is_valid():
        data = form.cleaned_data
        # Holding needs the lease's receipt handles: a read without receiving has none.
        side_effect_free = (
            not data["hold"]
            and bool(current.profile.endpoint_url)
            and is_localstack(current.sqs.endpoint)
        )
        job = {
            "kind": "browse",
            "url": found.url,
            "total": data["count"],
            "search": data["search"],
            "risk_ok": data["risk_ok"],
            "limit": found.redrive_limit,
            "side_effect_free": side_effect_free,
            "hold": data["hold"],
        }
        context["browse_stream"] = _start(request, current, queue, job, "Browsing")
        context["browse_form"] = BrowseForm(initial=data)
    return _panel(request, found, "browse-panel", context)


def _opened(request: HttpRequest, queue: Queue, panel: str, context: dict[str, Any]):
    """A folded panel asked for by its own URL: its body, fetched when the fold first opens, or
    for a browser without JavaScript the page with the panel open."""
    from .messages import _queue_context

    if request.htmx:
        context = {**_queue_context(queue), **context}
        return render(request, f"console/{panel}.html#{panel}-body", context)
    return _panel(request, queue, f"{panel}-panel", context)


def _panel(request: HttpRequest, queue: Queue, panel: str, context: dict[str, Any]):
    from .messages import _page_context, _queue_context

    context = {**_queue_context(queue), **context}
    if request.htmx:
        template = {
            "browse-panel": "console/browse.html#browse-panel",
            "import-panel": "console/import.html#import-panel",
            "send-panel": f"{MESSAGES}#send-panel",
        }[panel]
        return render(request, template, context)
    return render(request, MESSAGES, {**_page_context(queue), **context})


# Starting: more copies than the send form sends in its own request.


def start_send(
    request: HttpRequest, current: Workspace, queue: Queue, form: SendMessageForm
) -> HttpResponse:
    """The send form asked for more copies than one request sends: stream them."""
    outgoing = form.messages()
    job = {"kind": "send", "url": queue.url, "total": len(outgoing), "messages": outgoing}
    stream = _start(request, current, queue.name, job, "Sending")
    return _panel(request, queue, "send-panel", {"send_form": form, "send_stream": stream})


# Starting: import.


def transfer_off(request: HttpRequest) -> HttpResponse:
    """Export and import are turned off on this server (MESSAGE_EXPORT_ENABLED=false)."""
    return render(request, "console/transfer_off.html", status=403)


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
def import_messages(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """GET: the import form (the folded panel, opened); POST: check or import a file."""
    if not settings.MESSAGE_EXPORT_ENABLED:
        return transfer_off(request)
    current = workspace.enter(request, profile, region, operate="import_messages")
    if request.method == "GET":
        # The form's HTML needs no queue attributes; the whole page does.
        found = Queue(name=queue, url="", attributes={})
        if not request.htmx:
            found = workspace.queue_or_404(current, queue)
        return _opened(request, found, "import", {"import_form": ImportForm(queue=found)})
    context: dict[str, Any] = {}
    try:
        found = current.queue(queue)
    except SqsError as error:
        found = Queue(name=queue, url="", attributes={})
        context["import_error"] = str(error)
    form = ImportForm(request.POST, request.FILES, queue=found)
    context["import_form"] = form
    dry_run = request.POST.get("mode") != "import"
    if "import_error" not in context and form.is_valid():
        context.update(
            import_checked=True,
            dry_run=dry_run,
            lines=form.lines,
            valid=len(form.messages),
            line_errors=form.line_errors[:SHOWN_FAILURES],
            more_line_errors=max(0, len(form.line_errors) - SHOWN_FAILURES),
        )
        if not dry_run and form.messages:
            job = {
                "kind": "import",
                "url": found.url,
                "total": len(form.messages),
                "lines": [n for n, _ in form.messages],
                "messages": [m for _, m in form.messages],
                "skipped": len(form.line_errors),
            }
            context["import_stream"] = _start(request, current, queue, job, "Importing")
    return _panel(request, found, "import-panel", context)


# The stream, and Stop.


@require_GET
@require_permission(OPERATE)
def stream(request: HttpRequest, profile: str, region: str, queue: str, token: str) -> HttpResponse:
    current = workspace.enter(request, profile, region, operate="send_message")
    job = cache.get(_key(token))
    if _mine(request, current, queue, job):
        # One stream per start: a reconnecting EventSource must not run the work again.
        cache.delete(_key(token))
        events = _run(request, current, token, job)
    else:
        summary = Summary("warning", "This work has ended or expired; start it again.")
        events = iter([_event("done", _summary_html(token, summary))])
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@require_POST
@require_permission(OPERATE)
def stop(request: HttpRequest, profile: str, region: str, queue: str, token: str) -> HttpResponse:
    """Ask the work to stop, and answer with what it did once it has."""
    workspace.enter(request, profile, region, operate="send_message")
    cache.set(_key(token, "stop"), True, JOB_SECONDS)
    ends = time.monotonic() + STOP_WAIT_SECONDS
    while (html := cache.get(_key(token, "summary"))) is None and time.monotonic() < ends:
        if not cache.get(_key(token, "running")):
            break
        time.sleep(0.1)
    if html is None:
        summary = Summary(
            "warning",
            "Stopping. Nothing more is received or sent; messages browsed are released when the "
            "current step ends.",
        )
        html = _summary_html(token, summary)
    return HttpResponse(html)


def _run(request: HttpRequest, current: Workspace, token: str, job: dict[str, Any]):
    slots = _slots_for_process()
    if not slots.acquire(blocking=False):
        busy = Summary(
            "danger",
            f"{settings.LONG_WORK_MAX_STREAMS} long operations are already running on this "
            "server; try again when one has finished.",
        )
        yield _finish(token, busy)
        return
    cache.set(_key(token, "running"), True, settings.LONG_WORK_MAX_SECONDS + 60)
    try:
        # The work's own SQS budget: its time limit, and time to release what it leased.
        sqs = sqs_for(current.profile, current.region, budget=settings.LONG_WORK_MAX_SECONDS + 60)
        work = _browse if job["kind"] == "browse" else _send
        yield from work(request, sqs, token, job)
    finally:
        cache.delete(_key(token, "running"))
        slots.release()


def _browse(request: HttpRequest, sqs: Any, token: str, job: dict[str, Any]) -> Iterator[str]:
    should_stop, state = _stopper(token)
    url, search = job["url"], job["search"]
    walk = sqs.browse(
        url,
        job["total"],
        search,
        lease=min(settings.LONG_WORK_MAX_SECONDS + 60, 43_200),
        redrive_limit=job["limit"],
        risk_ok=job["risk_ok"],
        should_stop=should_stop,
        peek=(lambda: sqs.peek_without_receiving(url)) if job["side_effect_free"] else None,
        keep_matches=SHOWN_MATCHES,
        hold=job.get("hold", False),
    )
    closed, error = False, ""
    with audit.recorded_for(
        request,
        "browse_messages",
        queue=job["queue"],
        count=job["total"],
        searched=search.active,
        side_effect_free=walk.side_effect_free,
    ) as event:
        steps = iter(walk)
        try:
            for _ in steps:
                yield _progress_event(
                    Progress(walk.walked, walk.asked, _browse_progress_text(walk))
                )
                for message in walk.new_matches:
                    yield _event(
                        "match", render_to_string(f"{TEMPLATE}#match", {"m": message, "walk": walk})
                    )
        except GeneratorExit:
            closed = True
        except SqsError as failure:
            error = str(failure)
        finally:
            steps.close()  # releases every leased message
            event.parameters.update(
                walked=walk.walked,
                receives=walk.receives,
                matched=walk.matched,
                ended=walk.ended or "stopped",
                unreleased=walk.unreleased,
                message_ids=[m.message_id for m in walk.matches],
            )
            if walk.held:
                event.parameters["held"] = len(walk.held)
                hold(token, job, walk.held, walk.held_until)
            if error:
                event.outcome, event.error = AuditEvent.Outcome.FAILURE, error
            elif walk.unreleased:
                event.outcome = AuditEvent.Outcome.PARTIAL
                event.error = f"{walk.unreleased} leased messages could not be released"
    summary = _browse_summary(walk, error, _why_stopped(state, closed))
    summary.queue = job["queue"]
    if closed:
        cache.set(_key(token, "summary"), _summary_html(token, summary, request), JOB_SECONDS)
    else:
        yield _finish(token, summary, request)


# Matches a browse holds under its lease, for the workbench's move or copy (views/workbench.py).

# Held messages are given up this long before their lease ends, so a move never sends a copy
# of a message whose delete would then fail (leaving it in both queues).
HOLD_MARGIN_SECONDS = 30


def hold(token: str, job: dict[str, Any], messages: list[Any], until: float) -> None:
    """Keep a browse's held matches (with their receipt handles) in the cache for the owner of
    the browse, until shortly before their lease ends."""
    seconds = int(until - time.time()) - HOLD_MARGIN_SECONDS
    if seconds > 0:
        owner = {k: job[k] for k in ("user", "profile", "region", "queue")}
        cache.set(_key(token, "held"), {**owner, "messages": messages}, seconds)


def take_held(request: HttpRequest, current: Workspace, queue: str, token: str) -> list[Any]:
    """The messages a browse of this user's holds under `token`, taken (a second move finds
    none); [] when they were taken, released, or their lease is about to end."""
    held = cache.get(_key(token, "held"))
    if not _mine(request, current, queue, held):
        return []
    cache.delete(_key(token, "held"))
    return held["messages"]


def _browse_progress_text(walk: Any) -> str:
    cost = (
        "read without receiving"
        if walk.side_effect_free
        else f"{walk.receives:,} receive{'s' if walk.receives != 1 else ''}"
    )
    text = f"Browsed {walk.walked:,} of {walk.asked:,} messages · {cost}"
    if walk.search.active:
        text += f" · {walk.matched:,} match{'es' if walk.matched != 1 else ''}"
    return text


def _browse_summary(walk: Any, error: str, stopped: str) -> Summary:
    details = []
    if walk.side_effect_free:
        cost = "Read through LocalStack's message view: no receive count changed."
    else:
        cost = (
            f"It cost {walk.receives:,} ReceiveMessage call{'s' if walk.receives != 1 else ''}: "
            "the receive count of every browsed message went up by one."
        )
        released = walk.walked - walk.unreleased - len(walk.held)
        details.append(
            f"Released {released:,} message{'s' if released != 1 else ''}: visible again."
            + (
                f" {walk.unreleased:,} could not be released and stay hidden until their lease "
                "ends."
                if walk.unreleased
                else ""
            )
        )
    if walk.held:
        details.insert(
            0,
            f"Holding {len(walk.held):,} match{'es' if len(walk.held) != 1 else ''} under the "
            f"lease for about {max(0, int(walk.held_until - time.time()) // 60)} minutes: move "
            "or copy them below, or release them. If you do neither, they reappear then.",
        )
    if walk.ended == "receive-limit":
        details.insert(
            0,
            f"Stopped before pushing messages into the dead-letter queue: {walk.near_limit} "
            f"message{'s' if walk.near_limit != 1 else ''} reached {walk.redrive_limit - 1} of "
            f"{walk.redrive_limit} receives. Tick “I understand…” to browse on.",
        )
    elif walk.ended == "empty":
        details.insert(0, "The queue had no more visible messages to give.")
    head = f"Browsed {walk.walked:,} of {walk.asked:,} messages. {cost}"
    if stopped:
        head = f"{stopped} {head}"
    if walk.search.active:
        head += f" {walk.matched:,} matched the search."
    level = (
        "danger"
        if error
        else ("warning" if stopped or walk.ended == "receive-limit" else "success")
    )
    if error:
        details.insert(0, error)
    return Summary(
        level,
        head,
        details,
        matches=walk.matches,
        more_matches=max(0, walk.matched - len(walk.matches)),
        walk=walk,
        held=len(walk.held),
    )


def _send(request: HttpRequest, sqs: Any, token: str, job: dict[str, Any]) -> Iterator[str]:
    """Bulk copies and imports: send a step at a time, report after each."""
    should_stop, state = _stopper(token)
    messages: list[OutgoingMessage] = job["messages"]
    importing = job["kind"] == "import"
    label = "line" if importing else "copy"
    names = job.get("lines") or list(range(1, len(messages) + 1))
    sent, failures, closed = 0, [], False
    action = "import_messages" if importing else "send_message"
    params: dict[str, Any] = {"copies": len(messages)} if not importing else {}
    if importing:
        params.update(lines=len(messages) + job["skipped"], valid=len(messages))
    with audit.recorded_for(request, action, queue=job["queue"], **params) as event:
        steps = sqs.send_in_steps(job["url"], messages)
        try:
            for result in steps:
                sent += len(result.succeeded)
                failures += [(names[e.index], e.error) for e in result.failed]
                done = sent + len(failures)
                text = f"Sent {sent:,} of {len(messages):,} messages"
                if failures:
                    text += f" · {len(failures):,} failed"
                yield _progress_event(Progress(done, len(messages), text))
                if should_stop():
                    break
        except GeneratorExit:
            closed = True
        finally:
            steps.close()
            event.parameters.update(sent=sent, failed=len(failures))
            stopped = _why_stopped(state, closed)
            if stopped:
                event.parameters["stopped"] = True
            if failures:
                event.outcome = AuditEvent.Outcome.PARTIAL
                event.error = failures[0][1]
    details = [f"{label.capitalize()} {n}: {why}" for n, why in failures[:SHOWN_FAILURES]]
    if importing and job["skipped"]:
        details.append(f"{job['skipped']:,} lines with errors were not sent (listed above).")
    head = f"Sent {sent:,} of {len(messages):,} messages."
    if failures:
        head += f" {len(failures):,} failed."
    if stopped:
        head = f"{stopped} {head} Nothing more was sent."
    level = "warning" if failures or stopped else "success"
    summary = Summary(level, head, details)
    if closed:
        cache.set(_key(token, "summary"), _summary_html(token, summary), JOB_SECONDS)
    else:
        yield _finish(token, summary)
