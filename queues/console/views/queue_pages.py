"""A queue's pages: create, detail (with live counts), edit, purge and delete."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ... import audit
from ...accounts.roles import BROWSE, OPERATE, require_permission
from ...audit.models import AuditEvent
from ...sqs import (
    PurgeInProgress,
    Queue,
    QueueAttributes,
    QueueDeletedRecently,
    QueueNameTaken,
    QueueNotFound,
    SqsError,
    TagChanges,
)
from ...sqs.queues import queue_name_from_arn, queue_name_problem, settled_queue_name
from .. import monitoring, workspace
from ..forms.confirm import TypedConfirmationForm
from ..forms.queues import QueueForm
from .queue_list import detail_links

FORM_TEMPLATE = "console/queue_form.html"
PURGE_TEMPLATE = "console/queue_purge.html"
DELETE_TEMPLATE = "console/queue_delete.html"


def _dead_letter_choices(current: workspace.Workspace, prefix: str = "") -> list[str]:
    """Queues to suggest as dead-letter queues: the first 1,000 ListQueues gives for the prefix
    typed so far (any other can still be typed in full)."""
    try:
        return list(current.sqs.list_queues(prefix, max_results=1000).names)
    except SqsError:
        return []


@require_GET
@require_permission(OPERATE)
def dead_letter_options(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    """The dead-letter queue field's suggestions for what is typed so far: queues of the same
    type whose names start with it, found with ListQueues' prefix (so any queue of an account
    with thousands can be found)."""
    current = workspace.enter(request, profile, region, operate="list_dead_letter_queues")
    typed = request.GET.get("dead_letter_queue", "").strip()
    prefix = queue_name_from_arn(typed) if typed.startswith("arn:") else typed
    fifo = request.GET.get("queue_type") == "fifo"
    own = request.GET.get("own", "")
    names = [
        n for n in _dead_letter_choices(current, prefix) if n.endswith(".fifo") == fifo and n != own
    ]
    return render(request, f"{FORM_TEMPLATE}#dead-letter-queues", {"suggestions": names})


def _form_context(form: QueueForm, **extra) -> dict:
    """What the create and edit pages show: the form, its dead-letter suggestions, no error yet."""
    return {"form": form, "error": None, "suggestions": form.dead_letter_suggestions, **extra}


def _unsaved_form(
    request: HttpRequest, context: dict, template: str = FORM_TEMPLATE
) -> HttpResponse | None:
    """The form as first shown (GET), or sent back with its mistakes (400); None when a POST is
    valid and the action may go ahead."""
    if request.method == "GET":
        return render(request, template, context)
    if not context["form"].is_valid():
        return render(request, template, context, status=400)
    return None


def _confirm_context(found: Queue, form: TypedConfirmationForm, verb: str) -> dict:
    """What a page that asks to type the queue's name before `verb` shows."""
    return {"queue": found, "counts": found.counts, "form": form, "verb": verb, "error": None}


def _refused(
    request: HttpRequest, template: str, context: dict, error: str, status: int = 400
) -> HttpResponse:
    """The page again, with why SQS did not do the action above it."""
    context["error"] = error
    return render(request, template, context, status=status)


def _form_failed(request: HttpRequest, context: dict, error: SqsError) -> HttpResponse:
    """An action's SQS failure, shown on its form: beside the field it concerns, else above."""
    form = context["form"]
    if isinstance(error, QueueNameTaken | QueueDeletedRecently) and "name" in form.fields:
        form.add_error("name", str(error))
    elif isinstance(error, QueueNotFound) and form.cleaned_data.get("dead_letter_queue"):
        form.add_error("dead_letter_queue", str(error))
    else:
        context["error"] = str(error)
    return render(request, FORM_TEMPLATE, context, status=400)


@require_GET
@require_permission(OPERATE)
def queue_name_check(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    """Live validation of the create form's name: format, .fifo and whether it is taken."""
    current = workspace.enter(request, profile, region, operate="check_queue_name")
    fifo = request.GET.get("queue_type") == "fifo"
    name = settled_queue_name(request.GET.get("name", ""), fifo=fifo)
    problem, note = queue_name_problem(name, fifo=fifo), ""
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
        f"{FORM_TEMPLATE}#name-check",
        {"name_problem": problem, "name_note": note},
    )


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
def queue_create(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    current = workspace.enter(request, profile, region, operate="create_queue")
    form = QueueForm(request.POST or None, queue_names=_dead_letter_choices(current))
    context = _form_context(form, creating=True)
    if (unsaved := _unsaved_form(request, context)) is not None:
        return unsaved
    name, tags = form.cleaned_data["name"], form.tags()
    try:
        arn = current.sqs.dead_letter_queue_arn(form.cleaned_data["dead_letter_queue"])
        # Only what differs from SQS's defaults: left alone, a setting gets SQS's own default
        # (which changes over time, as MaximumMessageSize did in 2025).
        attributes = form.attributes(arn).changes_from(QueueAttributes(fifo_queue=form.is_fifo))
        with audit.recorded_for(
            request, "create_queue", queue=name, attributes=attributes, tags=tags
        ):
            current.sqs.create_queue_if_absent(name, attributes, tags)
    except SqsError as error:
        return _form_failed(request, context, error)
    messages.success(request, f"Created queue {name}.")
    return redirect("console:queue-detail", profile, region, name)


def _pretty_json(raw: str) -> str:
    """A JSON document indented for reading; as SQS gave it when it is not JSON."""
    try:
        return json.dumps(json.loads(raw), indent=2) if raw else ""
    except ValueError:
        return raw


@require_GET
@require_permission(BROWSE)
def queue_detail(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region)
    # Attributes, tags and dead-letter sources in one round trip (the URL is remembered).
    found, details = workspace.queue_or_404(current, queue, with_details=True)
    context = {
        **detail_links(profile, region),
        "queue": found,
        "settings": found.settings,
        "tags": sorted(details.tags.items()),
        "sources": details.dead_letter_sources,
        "problems": details.problems,
        "raw_json": json.dumps(found.attributes, indent=2, sort_keys=True),
        "access_policy": _pretty_json(found.settings.policy),
        "counts": found.counts,
    }
    return render(request, "console/queue_detail.html", context)


@require_GET
@require_permission(BROWSE)
def queue_counts(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """The detail page's live counts (polled by HTMX)."""
    current = workspace.enter(request, profile, region)
    context: dict = {"queue_name": queue, "counts": None, "counts_error": "", "gone": False}
    try:
        context["counts"] = current.sqs.get_counts(current.queue_url(queue))
        # Each poll is also a sample for the Monitoring tab's chart.
        monitoring.record(current.profile.pk, current.region, queue, context["counts"])
    except QueueNotFound:
        current.forget_queue(queue)
        context.update(counts_error="This queue no longer exists.", gone=True)
        # 286 tells htmx to stop polling; the partial drops its trigger too.
        return render(request, "console/queue_detail.html#queue-counts", context, status=286)
    except SqsError as error:
        context["counts_error"] = str(error)
    return render(request, "console/queue_detail.html#queue-counts", context)


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
def queue_edit(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region, operate="edit_queue")
    # Attributes, tags and the dead-letter suggestions in one round trip. Tags that cannot be
    # read start empty: saving then only adds tags, never removes any.
    found, names = workspace.queue_or_404(current, queue, for_edit=True)
    same_type = [n for n in names or () if n.endswith(".fifo") == found.is_fifo]
    form = QueueForm(request.POST or None, queue=found, queue_names=same_type)
    context = _form_context(form, creating=False, queue=found)
    if (unsaved := _unsaved_form(request, context)) is not None:
        return unsaved
    try:
        arn = current.sqs.dead_letter_queue_arn(form.cleaned_data["dead_letter_queue"])
        changed = form.attributes(arn).changes_from(found.settings)
        tags = TagChanges.between(found.tags, form.tags())
        with audit.recorded_for(
            request,
            "edit_queue",
            queue=found.name,
            attributes=changed,
            tags_set=tags.added,
            tags_removed=list(tags.removed),
        ):
            current.sqs.update_queue(found.url, changed, tags)
    except SqsError as error:
        return _form_failed(request, context, error)
    finally:
        # Whatever part of the change SQS took, the next send checks against the queue afresh.
        current.forget_settings(found.name)
    if changed or tags:
        messages.success(request, f"Saved queue {found.name}.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect("console:queue-detail", profile, region, found.name)


def _last_purge(current: workspace.Workspace, queue: str) -> AuditEvent | None:
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


def _purge_retry_hint(current: workspace.Workspace, queue: str) -> str:
    last = _last_purge(current, queue)
    if last is None:
        return "Try again in a minute."
    retry = last.created_at + timedelta(seconds=60)
    wait = max(1, int((retry - timezone.now()).total_seconds()))
    return f"Try again in about {wait} seconds (after {retry:%H:%M:%S} UTC)."


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
def queue_purge(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region, operate="purge_queue")
    found = workspace.queue_or_404(current, queue)
    counts = found.counts
    form = TypedConfirmationForm(request.POST or None, expected=found.name, verb="purge")
    context = _confirm_context(found, form, "Purge")
    if (unsaved := _unsaved_form(request, context, PURGE_TEMPLATE)) is not None:
        return unsaved
    total = counts.available + counts.in_flight + counts.delayed
    try:
        with audit.recorded_for(request, "purge_queue", queue=found.name, messages_before=total):
            current.sqs.purge_queue(found.url)
    except PurgeInProgress:
        return _refused(
            request,
            PURGE_TEMPLATE,
            context,
            f"{found.name} was purged less than 60 seconds ago, and SQS allows one purge per "
            f"queue every 60 seconds (PurgeQueueInProgress). The earlier purge is still deleting "
            f"messages. {_purge_retry_hint(current, found.name)}",
            status=409,
        )
    except SqsError as error:
        return _refused(request, PURGE_TEMPLATE, context, str(error))
    messages.success(
        request,
        f"Purging {found.name}: {total} message{'s' if total != 1 else ''} will be deleted. "
        "SQS can take up to 60 seconds to finish; the counts below show it.",
    )
    return redirect("console:queue-detail", profile, region, found.name)


@require_http_methods(["GET", "POST"])
@require_permission(OPERATE)
def queue_delete(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region, operate="delete_queue")
    found = workspace.queue_or_404(current, queue)
    form = TypedConfirmationForm(request.POST or None, expected=found.name, verb="delete")
    context = _confirm_context(found, form, "Delete")
    if request.method == "GET":
        # Deleting a dead-letter queue leaves its sources pointing at nothing: say which.
        with contextlib.suppress(SqsError):
            context["sources"] = current.sqs.list_dead_letter_source_queues(found.url)
    if (unsaved := _unsaved_form(request, context, DELETE_TEMPLATE)) is not None:
        return unsaved
    try:
        with audit.recorded_for(request, "delete_queue", queue=found.name):
            current.sqs.delete_queue(found.url)
        current.forget_queue(found.name)
    except SqsError as error:
        return _refused(request, DELETE_TEMPLATE, context, str(error))
    messages.success(
        request,
        f"Deleted queue {found.name}. SQS reserves the name for 60 seconds: a new queue named "
        f"{found.name} can be created after {timezone.now() + timedelta(seconds=60):%H:%M:%S} UTC.",
    )
    return redirect("console:queue-list", profile, region)
