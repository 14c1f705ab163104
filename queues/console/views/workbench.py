"""The dead-letter workbench: start and watch a DLQ redrive (SQS's own message move tasks),
move or copy messages selected in a poll to another queue, and edit and resend one.

Every action is an Operator action and leaves an audit event with the IDs SQS returned."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from ... import audit
from ...accounts.roles import BROWSE, OPERATE, require_permission
from ...audit.models import AuditEvent
from ...profiles.credentials import sqs_for
from ...sqs import Queue, QueueNotFound, SqsError
from ...sqs.message_operations import MAX_RECEIVE
from ...sqs.queues import queue_name_from_arn
from ...sqs.transfers import Transfer
from .. import workspace
from ..forms.messages import AttributeRow
from ..forms.workbench import RedriveForm, ResendForm, TransferForm
from ..workspace import Workspace
from . import bulk

REDRIVE = "console/redrive.html"
WORKBENCH = "console/workbench.html"
# htmx stops polling an element when its request answers 286.
STOP_POLLING = 286


# Dead-letter queue redrive.


def _redrive_context(current: Workspace, queue: Queue, **extra: Any) -> dict[str, Any]:
    """The panel: the queue's recent move tasks (or why they cannot be read), the running one,
    and the sources a redrive without a destination goes back to."""
    context: dict[str, Any] = {"queue": queue, "tasks": (), "tasks_error": "", **extra}
    try:
        context["tasks"] = current.sqs.list_message_move_tasks(queue.arn)
    except SqsError as error:
        context["tasks_error"] = str(error)
    active = next((t for t in context["tasks"] if t.active), None)
    context["active"] = active
    if active is not None:
        context["observed_rate"] = active.observed_rate(time.time())
    else:
        context.setdefault("form", RedriveForm())
        try:
            context["sources"] = current.sqs.list_dead_letter_source_queues(queue.url)
        except SqsError:
            context["sources"] = ()
    return context


def _redrive_response(
    request: HttpRequest, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    if request.htmx:
        if status == 200 and context.get("active") is None and request.method == "GET":
            status = STOP_POLLING
        return render(request, REDRIVE, context, status=status)
    return render(request, "console/redrive_page.html", context, status=status)


@require_GET
@require_permission(BROWSE)
def redrive_panel(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """The redrive panel of a dead-letter queue's page; polled every 2 s while a task runs."""
    current = workspace.enter(request, profile, region)
    found = workspace.queue_or_404(current, queue)
    return _redrive_response(request, _redrive_context(current, found))


@require_POST
@require_permission(OPERATE)
def redrive_start(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region, operate="start_redrive")
    found = workspace.queue_or_404(current, queue)
    form = RedriveForm(request.POST)
    if not form.is_valid():
        return _redrive_response(request, _redrive_context(current, found, form=form), 400)
    name, velocity = form.cleaned_data["destination_queue"], form.cleaned_data["max_per_second"]
    destination_arn = ""
    if name:
        try:
            destination = current.queue(name)
        except QueueNotFound:
            form.add_error("destination_queue", f"There is no queue {name!r} in {region}.")
        except SqsError as error:
            form.add_error("destination_queue", str(error))
        else:
            if destination.name == found.name:
                form.add_error("destination_queue", "Choose another queue than this one.")
            elif destination.is_fifo != found.is_fifo:
                form.add_error(
                    "destination_queue",
                    f"{found.name} is a {found.type_label} queue: SQS redrives it only to "
                    f"{found.type_label} queues, and {destination.name} is "
                    f"{destination.type_label}.",
                )
            destination_arn = destination.arn
        if form.errors:
            return _redrive_response(request, _redrive_context(current, found, form=form), 400)
    try:
        with audit.recorded_for(
            request,
            "start_redrive",
            queue=found.name,
            destination=name or "source queues",
            max_per_second=velocity,
        ) as event:
            handle = current.sqs.start_message_move_task(found.arn, destination_arn, velocity)
            event.parameters["task_handle"] = handle
    except SqsError as error:
        context = _redrive_context(current, found, form=form, error=str(error))
        return _redrive_response(request, context, 400)
    where = name or "the source queue(s)"
    outcome = f"Redrive started: SQS is moving the messages of {found.name} to {where}."
    return _redrive_after_action(request, current, found, outcome)


def _redrive_after_action(
    request: HttpRequest, current: Workspace, queue: Queue, outcome: str
) -> HttpResponse:
    if not request.htmx:
        from django.contrib import messages

        messages.success(request, outcome)
        return redirect("console:queue-detail", current.profile.slug, current.region, queue.name)
    return _redrive_response(request, _redrive_context(current, queue, outcome=outcome))


@require_POST
@require_permission(OPERATE)
def redrive_cancel(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """Cancel the queue's running task: only the one SQS lists as running for this queue."""
    current = workspace.enter(request, profile, region, operate="cancel_redrive")
    found = workspace.queue_or_404(current, queue)
    handle = request.POST.get("task_handle", "")
    if not handle:
        error = "Choose the running redrive to cancel: there is nothing to cancel."
        return _redrive_response(request, _redrive_context(current, found, error=error), 400)
    try:
        tasks = current.sqs.list_message_move_tasks(found.arn)
    except SqsError as error:
        return _redrive_response(request, _redrive_context(current, found, error=str(error)), 400)
    running = next((t for t in tasks if t.running), None)
    if running is None or running.task_handle != handle:
        error = "This redrive is no longer running: there is nothing to cancel."
        return _redrive_response(request, _redrive_context(current, found, error=error), 409)
    try:
        with audit.recorded_for(
            request, "cancel_redrive", queue=found.name, task_handle=handle
        ) as event:
            moved = current.sqs.cancel_message_move_task(handle)
            event.parameters["moved"] = moved
    except SqsError as error:
        return _redrive_response(request, _redrive_context(current, found, error=str(error)), 400)
    outcome = (
        f"Redrive cancelled: {moved} message{'s' if moved != 1 else ''} had been moved; the "
        f"rest stay in {found.name}."
    )
    return _redrive_after_action(request, current, found, outcome)


# Move, copy, edit and resend.


@require_GET
@require_permission(OPERATE)
def queue_options(request: HttpRequest, profile: str, region: str) -> HttpResponse:
    """Suggestions for a destination-queue field: queues whose names start with what is typed
    (ListQueues' prefix, so any queue of an account with thousands can be found)."""
    current = workspace.enter(request, profile, region, operate="move_messages")
    typed = next(
        (
            request.GET[key].strip()
            for key in ("target", "destination_queue")
            if request.GET.get(key, "").strip()
        ),
        "",
    )
    prefix = queue_name_from_arn(typed) if typed.startswith("arn:") else typed
    kind, own = request.GET.get("type", ""), request.GET.get("own", "")
    try:
        names = current.sqs.list_queues(prefix, max_results=1000).names
    except SqsError:
        names = ()
    names = [n for n in names if n != own and (not kind or n.endswith(".fifo") == (kind == "fifo"))]
    return render(request, f"{WORKBENCH}#queue-options", {"names": names})


def _selected(request: HttpRequest) -> list[str]:
    picked = request.POST.getlist("selected")
    return list(dict.fromkeys(i.strip() for i in picked if i.strip()))[:MAX_RECEIVE]


def _workbench_response(
    request: HttpRequest, queue: str, partial: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"queue_name": queue, **context}
    template = f"{WORKBENCH}#{partial}" if request.htmx else WORKBENCH
    response = render(request, template, {"partial": partial, **context}, status=status)
    if request.htmx and status == 200:
        trigger_client_event(response, "countsChanged")
    return response


@require_POST
@require_permission(OPERATE)
def transfer(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """Move or copy the messages selected in a poll to another queue."""
    current = workspace.enter(request, profile, region, operate="move_messages")
    form = TransferForm(request.POST)
    ids = _selected(request)
    errors: list[str] = []
    if not ids:
        errors.append("Select at least one message to move or copy.")
    if not form.is_valid():
        errors += [e for field in form.errors.values() for e in field]
    if errors:
        return _workbench_response(request, queue, "transfer-result", {"errors": errors}, 400)
    try:
        source_url = current.queue_url(queue)
    except SqsError as error:
        return _workbench_response(request, queue, "transfer-result", {"errors": [str(error)]}, 400)
    return _transfer(
        request,
        current,
        queue,
        form,
        len(ids),
        lambda sqs, target, **options: sqs.transfer_selected(source_url, ids, target, **options),
    )


def _transfer(
    request: HttpRequest,
    current: Workspace,
    queue: str,
    form: TransferForm,
    count: int,
    run: Callable[..., Transfer],
    **context: Any,
) -> HttpResponse:
    """Move or copy with `run(sqs, target, move=, group_id=)`, audited with what SQS handed out,
    accepted and deleted, and answer with every message's outcome."""
    move = form.cleaned_data["transfer"] == "move"
    name = form.cleaned_data["target"]
    action = "move_messages" if move else "copy_messages"
    try:
        try:
            target = current.queue(name)
        except QueueNotFound:
            raise QueueNotFound(
                f"There is no queue {name!r} in {current.region}: nothing was sent or deleted."
            ) from None
        with audit.recorded_for(request, action, queue=queue, target=name, selected=count) as event:
            result = run(current.sqs, target, move=move, group_id=form.cleaned_data["group_id"])
            # What SQS handed out, accepted and deleted, never what the form claimed.
            event.parameters.update(
                message_ids=[o.message_id for o in result.sent],
                new_message_ids=[o.new_message_id for o in result.sent],
                deleted=[o.message_id for o in result.deleted],
                not_sent=len(result.not_sent),
                not_found=len(result.missing),
            )
            if not result.complete:
                event.outcome = (
                    AuditEvent.Outcome.PARTIAL if result.sent else AuditEvent.Outcome.FAILURE
                )
                failure = result.not_sent or result.not_deleted
                event.error = (
                    (failure[0].send_error or failure[0].delete_error)
                    if failure
                    else "not found again"
                )
    except SqsError as error:
        return _workbench_response(
            request, queue, "transfer-result", {"errors": [str(error)], **context}, 400
        )
    return _workbench_response(request, queue, "transfer-result", {"result": result, **context})


# A held move sends and deletes up to 1,000 messages (MAX_HELD) in one request: 200 batch calls,
# 10 at a time. It gets this budget instead of AWS_REQUEST_BUDGET: under the 60 s a proxy commonly
# waits for an answer.
HELD_MOVE_BUDGET = 50

NOT_HELD = (
    "These messages are no longer held: they were moved, copied or released already, or their "
    "lease is ending. Browse again."
)


def _take_held(
    request: HttpRequest, current: Workspace, queue: str, token: str
) -> tuple[str, list[Any]] | HttpResponse:
    """The source queue's URL and the messages a browse holds under `token`, taken; or the
    answer that says why not."""
    box = {"result_box": f"held-{token}", "token": token}
    try:
        source_url = current.queue_url(queue)
    except SqsError as error:
        return _workbench_response(
            request, queue, "transfer-result", {"errors": [str(error)], **box}, 400
        )
    messages = bulk.take_held(request, current, queue, token)
    if not messages:
        return _workbench_response(
            request, queue, "transfer-result", {"errors": [NOT_HELD], **box}, 409
        )
    return source_url, messages


@require_POST
@require_permission(OPERATE)
def held_transfer(
    request: HttpRequest, profile: str, region: str, queue: str, token: str
) -> HttpResponse:
    """Move or copy the matches a browse holds under its lease: sent and deleted with the
    receipt handles that lease gave them, with no second receive."""
    current = workspace.enter(request, profile, region, operate="move_messages")
    form = TransferForm(request.POST)
    box = {"result_box": f"held-{token}", "token": token}
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return _workbench_response(
            request, queue, "transfer-result", {"errors": errors, **box}, 400
        )
    taken = _take_held(request, current, queue, token)
    if isinstance(taken, HttpResponse):
        return taken
    source_url, messages = taken
    mover = sqs_for(current.profile, current.region, current.username, budget=HELD_MOVE_BUDGET)
    return _transfer(
        request,
        current,
        queue,
        form,
        len(messages),
        lambda _, target, **options: mover.transfer_held(source_url, messages, target, **options),
        **box,
    )


@require_POST
@require_permission(OPERATE)
def held_release(
    request: HttpRequest, profile: str, region: str, queue: str, token: str
) -> HttpResponse:
    """Give up the matches a browse holds: visible to consumers again at once."""
    current = workspace.enter(request, profile, region, operate="release_messages")
    box = {"result_box": f"held-{token}", "token": token}
    taken = _take_held(request, current, queue, token)
    if isinstance(taken, HttpResponse):
        return taken
    source_url, messages = taken
    ids = [m.message_id for m in messages]
    with audit.recorded_for(
        request, "release_messages", queue=queue, received=len(ids), message_ids=ids
    ) as event:
        unreleased = current.sqs.release(source_url, [m.receipt_handle for m in messages])
        if unreleased:
            event.outcome = AuditEvent.Outcome.PARTIAL
            event.error = f"{unreleased} messages could not be released"
    notice = f"Released {len(ids) - unreleased:,} of {len(ids):,} held messages: visible again."
    if unreleased:
        notice += f" {unreleased:,} could not be released and reappear when their lease ends."
    return _workbench_response(request, queue, "transfer-result", {"notice": notice, **box})


def _resend_form(request: HttpRequest, current: Workspace, source: Queue) -> ResendForm:
    """The bound form, checked against the queue it sends to (or the source, when the target
    cannot be found: the target field then says why)."""
    target_name = request.POST.get("target", "").strip() or source.name
    target, problem = source, ""
    if target_name != source.name:
        try:
            target = current.queue(target_name)
        except QueueNotFound:
            problem = f"There is no queue {target_name!r} in {current.region}."
        except SqsError as error:
            problem = str(error)
    form = ResendForm(request.POST, queue=target)
    if problem:
        form.is_valid()
        form.add_error("target", problem)
    return form


@require_POST
@require_permission(OPERATE)
def resend(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """Edit and resend: a POST with a selected message opens it (received again by its ID and
    released); a POST with a body sends it, and deletes the original when asked."""
    current = workspace.enter(request, profile, region, operate="resend_message")
    source = workspace.queue_or_404(current, queue)
    context: dict[str, Any] = {"queue": source}
    if "body" not in request.POST:
        return _resend_open(request, current, source, context)
    form = _resend_form(request, current, source)
    context["form"] = form
    if not form.is_valid():
        return _workbench_response(request, queue, "resend-panel", context, 400)
    data = form.cleaned_data
    (outgoing,) = form.messages()
    target = form.queue
    delete = data["delete_original"]
    try:
        with audit.recorded_for(
            request,
            "resend_message",
            queue=queue,
            target=target.name,
            original_id=data["original_id"],
            delete_original=delete,
            attributes=sorted(form.message_attributes),
            size=outgoing.size,
        ) as event:
            sent, not_deleted = current.sqs.resend(
                target.url,
                outgoing,
                delete_from=source.url if delete else "",
                original_id=data["original_id"],
            )
            event.parameters["message_id"] = sent.message_id
            event.parameters["deleted"] = bool(delete and not not_deleted)
            if not_deleted:
                event.outcome = AuditEvent.Outcome.PARTIAL
                event.error = not_deleted
    except SqsError as error:
        context["error"] = str(error)
        return _workbench_response(request, queue, "resend-panel", context, 400)
    context.update(sent=sent, target=target, deleted=delete and not not_deleted)
    context["not_deleted"] = not_deleted
    return _workbench_response(request, queue, "resend-panel", context)


def _resend_open(
    request: HttpRequest, current: Workspace, source: Queue, context: dict[str, Any]
) -> HttpResponse:
    ids = _selected(request)
    if len(ids) != 1:
        context["error"] = "Select exactly one message to edit and resend."
        return _workbench_response(request, source.name, "resend-panel", context, 400)
    try:
        with audit.recorded_for(
            request, "peek_messages", queue=source.name, count=1, message_ids=ids
        ) as event:
            message = current.sqs.find_message(source.url, ids[0])
            event.parameters["received"] = 1 if message else 0
    except SqsError as error:
        context["error"] = str(error)
        return _workbench_response(request, source.name, "resend-panel", context, 400)
    if message is None:
        context["error"] = (
            "SQS did not hand this message out again: it was deleted, moved to a dead-letter "
            "queue or received by a consumer since the poll. Poll again."
        )
        return _workbench_response(request, source.name, "resend-panel", context, 400)
    initial = {
        "body": message.body,
        "body_format": "text",
        "group_id": message.group_id,
        "deduplication_id": uuid.uuid4().hex,
        "target": source.name,
        "original_id": message.message_id,
    }
    form = ResendForm(initial=initial, queue=source)
    # Add attribute adds rows; a blank one only when the message has none to edit.
    form.attribute_rows = ResendForm.rows_for(message) or [AttributeRow()]
    context.update(form=form, original=message)
    return _workbench_response(request, source.name, "resend-panel", context)
