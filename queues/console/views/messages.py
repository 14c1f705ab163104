"""Send and receive messages: send (one or many copies), poll without consuming, delete the
selected, receive and delete, export. Everything here receives or changes messages, so it is an
Operator action, and every call leaves an audit event (counts and IDs, never bodies)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from ... import audit
from ...accounts.roles import OPERATE, require_permission
from ...audit.models import AuditEvent
from ...sqs import Message, Queue, QueueNotFound, SqsError
from ...sqs.batching import running
from ...sqs.message_operations import MAX_RECEIVE
from .. import workspace
from ..forms.messages import MAX_COPIES, ConsumeForm, PollForm, SendMessageForm
from ..workspace import Workspace
from . import bulk

TEMPLATE = "console/messages.html"
COUNTS_CHANGED = "countsChanged"
_leases = signing.Signer(salt="sqsadmin.leased-messages")
NOT_FOUND_AGAIN = (
    "SQS did not hand this message out again: it was deleted, moved to a dead-letter queue or "
    "received by a consumer since the poll. Poll again to see the queue as it is now."
)


def _template(request: HttpRequest, partial: str) -> str:
    return f"{TEMPLATE}#{partial}" if request.htmx else TEMPLATE


def _queue_context(queue: Queue) -> dict[str, Any]:
    limit = queue.redrive_limit
    return {
        "queue": queue,
        "queue_name": queue.name,
        "counts": queue.counts,
        "limit": limit,
        "dlq_name": queue.dead_letter_queue_name,
    }


def _page_context(queue: Queue, **extra: Any) -> dict[str, Any]:
    return {
        **_queue_context(queue),
        "send_form": SendMessageForm(queue=queue),
        "poll_form": PollForm(limit=queue.redrive_limit),
        "consume_form": ConsumeForm(),
        # Browse and import are folded, their forms fetched when opened (views/bulk.py).
        **extra,
    }


def _queue_for_action(current: Workspace, name: str) -> tuple[Queue, str]:
    """The queue with fresh attributes, or a stand-in and the error to show at the panel's top.

    The stand-in keeps the forms rendering what the user typed when the queue has gone or the
    endpoint is down.
    """
    try:
        return current.queue(name), ""
    except SqsError as error:
        return Queue(name=name, url="", attributes={}), str(error)


def _flag(messages: tuple[Message, ...], limit: int | None) -> int:
    return sum(1 for m in messages if limit and m.receive_count >= limit)


@require_GET
@require_permission(OPERATE)
def messages_page(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region, operate="view_messages")
    return render(request, TEMPLATE, _page_context(workspace.queue_or_404(current, queue)))


@require_POST
@require_permission(OPERATE)
def send(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """Send a message, or copies of it. The form is checked against the queue as it was last seen
    (the messages page read it), so a send waits on one SQS call, not two. A form that fails that
    check is checked again against the queue as it is now before it is refused, and SQS checks
    every send itself: a setting changed since can let SQS's refusal through, never a wrong one
    of the form's."""
    current = workspace.enter(request, profile, region, operate="send_message")
    remembered = current.queue_to_send_to(queue)
    found, error = (remembered, "") if remembered else _queue_for_action(current, queue)
    form = SendMessageForm(request.POST, queue=found)
    if remembered and not form.is_valid():
        found, error = _queue_for_action(current, queue)
        form = SendMessageForm(request.POST, queue=found)
    context: dict[str, Any] = {"send_form": form, "send_error": error}
    if not error and form.is_valid() and form.cleaned_data["copies"] > MAX_COPIES:
        return bulk.start_send(request, current, found, form)
    if not error and form.is_valid():
        outgoing = form.messages()
        try:
            with audit.recorded_for(request, "send_message", queue=queue) as event:
                event.parameters.update(
                    copies=len(outgoing),
                    attributes=sorted(form.message_attributes),
                    size=outgoing[0].size,
                    group_id=outgoing[0].group_id,
                )
                result = current.sqs.send(found.url, outgoing)
                event.parameters["message_ids"] = [e.message_id for e in result.succeeded]
                if result.failed:
                    event.parameters["failed"] = len(result.failed)
                    event.outcome = AuditEvent.Outcome.PARTIAL
                    event.error = result.failed[0].error
                    current.forget_settings(queue)
                if len(outgoing) == 1:
                    context["sent"] = result.entries[0]
                else:
                    context["batch"] = result
        except SqsError as failure:
            context["send_error"] = str(failure)
            # The next try looks the queue up again (gone, or its settings changed).
            current.forget_queue(queue)
        context["sent_ok"] = "sent" in context or "batch" in context
    if not request.htmx and (found is remembered or context.get("sent_ok")):
        # The whole page is drawn again: from the queue as it is now, counts after the send.
        fresh, problem = _queue_for_action(current, queue)
        found = found if problem else fresh
    context = {**_queue_context(found), **context}
    if request.htmx:
        if form.is_bound and not form.errors and not request.POST.get("redraw"):
            # The form says nothing new and shows no errors of an earlier try: it stays as the
            # operator left it, and only what the send did is swapped in.
            response = render(request, f"{TEMPLATE}#send-outcome", context)
            reswap(retarget(response, "#send-outcome"), "outerHTML")
        else:
            response = render(request, f"{TEMPLATE}#send-panel", context)
        return _counts_changed(response) if context.get("sent_ok") else response
    if found is remembered:
        context["counts"] = None  # not read since the send: not shown rather than wrong
    return render(request, TEMPLATE, {**_page_context(found), **context})


def _counts_changed(response: HttpResponse) -> HttpResponse:
    """Ask the page to reload its counts (after this response, so it does not wait for them)."""
    trigger_client_event(response, COUNTS_CHANGED)
    return response


@require_GET
@require_permission(OPERATE)
def counts(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """The counts strip, reloaded by the page after a send, delete or receive-and-delete."""
    current = workspace.enter(request, profile, region, operate="view_messages")
    try:
        found = current.queue(queue)
    except SqsError:
        return HttpResponse(status=204)
    return render(request, f"{TEMPLATE}#queue-counts", _queue_context(found))


def _fresh_counts(current: Workspace, queue: Queue):
    try:
        return current.sqs.get_counts(queue.url)
    except SqsError:
        return queue.counts


@require_POST
@require_permission(OPERATE)
def poll(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """Peek. The queue's attributes (for the redrive limit) load while the peek runs, unless the
    form asks to confirm a poll at the limit, which needs the limit first."""
    current = workspace.enter(request, profile, region, operate="peek_messages")
    # The page keeps its Receive and delete form as it is (hx-preserve): not rendered again.
    context: dict[str, Any] = {"keep_consume": bool(request.htmx)}
    try:
        url = current.queue_url(queue)
    except SqsError as error:
        found = Queue(name=queue, url="", attributes={})
        context.update(poll_form=PollForm(request.POST), poll_error=str(error))
        return _poll_response(request, found, context)
    with running(lambda: current.queue(queue, url)) as loading:
        early = PollForm(request.POST)
        loaded = partial(_loaded, loading.result, queue, url, context)
        if (
            early.is_valid()
            and not early.messages_at_limit_claimed
            and (answer := _peek(request, current, url, queue, early, context, loaded))
        ):
            return answer
        found = loaded()
    # Not polled yet, or the peek failed: the form checks the limit now, and shows the user's
    # values on an error.
    form = PollForm(request.POST, limit=found.redrive_limit)
    context.setdefault("poll_form", form)
    if (
        "poll_error" not in context
        and form.is_valid()
        and (answer := _peek(request, current, url, queue, form, context, lambda: found))
    ):
        return answer
    return _poll_response(request, found, context)


def _loaded(result: Callable[[], Queue], name: str, url: str, context: dict[str, Any]) -> Queue:
    """The queue as its attributes loaded, or a stand-in and the error to show."""
    try:
        return result()
    except SqsError as error:
        context.setdefault("poll_error", str(error))
        return Queue(name=name, url=url, attributes={})


def _peek(
    request: HttpRequest,
    current: Workspace,
    url: str,
    queue: str,
    form: PollForm,
    context: dict[str, Any],
    queue_loaded: Callable[[], Queue],
) -> HttpResponse | None:
    """Peek, recorded, and answer with the results; None, and the error in `context`, when the
    peek failed. The event is saved and the answer drawn while SQS releases the messages, on
    the bet that it releases them all (it nearly always does; when it did not, the answer is
    drawn again saying so): that work and the release's round trip overlap instead of adding
    up on the poll's critical path."""
    count, wait = form.cleaned_data["count"], form.cleaned_data["wait"]
    try:
        recorded = audit.recorded_for(request, "peek_messages", queue=queue, count=count, wait=wait)
        with ExitStack() as releasing:
            with recorded as e:
                peeked = releasing.enter_context(current.sqs.peeking(url, count, wait=wait))
                e.parameters.update(
                    received=len(peeked.messages),
                    message_ids=[m.message_id for m in peeked.messages],
                )
            found = queue_loaded()
            answer = _polled(request, found, context, form, peeked.messages, unreleased=0)
    except SqsError as failure:
        context["poll_error"] = str(failure)
        return None
    if peeked.unreleased:
        answer = _polled(request, found, context, form, peeked.messages, peeked.unreleased)
    return answer


def _polled(
    request: HttpRequest,
    found: Queue,
    context: dict[str, Any],
    form: PollForm,
    messages: tuple[Message, ...],
    unreleased: int,
) -> HttpResponse:
    """The answer to a poll that received `messages` from the queue as `found`."""
    limit = found.redrive_limit
    at_limit = _flag(messages, limit)
    count, wait = form.cleaned_data["count"], form.cleaned_data["wait"]
    return _poll_response(
        request,
        found,
        {
            **context,
            "polled": True,
            "results": messages,
            "unreleased": unreleased,
            "at_limit": at_limit,
            "poll_form": PollForm(
                initial={"count": count, "wait": wait, "at_limit": at_limit}, limit=limit
            ),
            # The form stays as the operator left it, and only the results are swapped in,
            # unless it has something to say: an error (now, or on show: `redraw`), or a queue
            # with a receive limit, whose warnings and confirmation of messages at the limit
            # follow each poll.
            "results_only": not (limit or request.POST.get("redraw") or "poll_error" in context),
        },
    )


def _poll_response(request: HttpRequest, queue: Queue, context: dict[str, Any]) -> HttpResponse:
    context = {**_queue_context(queue), **context}
    # Blank forms only where the view has none of its own to show.
    if "consume_form" not in context and not context.get("keep_consume"):
        context["consume_form"] = ConsumeForm()
    if "poll_form" not in context:
        context["poll_form"] = PollForm(limit=queue.redrive_limit)
    # Standard queues show the group column once a message carries one (fair queues).
    context["grouped"] = any(m.group_id for m in context.get("results", ()))
    if request.htmx and context.get("results_only"):
        response = render(request, f"{TEMPLATE}#poll-results", context)
        return reswap(retarget(response, "#poll-results"), "outerHTML")
    if request.htmx:
        response = render(request, f"{TEMPLATE}#poll-panel", context)
        changed = any(context.get(k) for k in ("consumed", "released", "leased"))
        return _counts_changed(response) if changed else response
    return render(request, TEMPLATE, {**_page_context(queue), **context})


@require_POST
@require_permission(OPERATE)
def delete(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """Delete exactly the messages the user picked from a poll, by their MessageIds: SQS hands
    them out again under a short lease, and only those are deleted (see delete_selected)."""
    current = workspace.enter(request, profile, region, operate="delete_messages")
    picked = request.POST.getlist("only") or request.POST.getlist("selected")
    ids = list(dict.fromkeys(i.strip() for i in picked if i.strip()))[:MAX_RECEIVE]
    context: dict[str, Any] = {"queue_name": queue}
    if not ids:
        context["delete_error"] = "Select at least one message to delete."
    else:
        try:
            with audit.recorded_for(
                request, "delete_messages", queue=queue, selected=len(ids)
            ) as event:
                result = current.sqs.delete_selected(current.queue_url(queue), ids)
                # What SQS handed out and deleted, never what the form claimed.
                event.parameters.update(
                    message_ids=list(result.deleted),
                    failed=len(result.failed),
                    not_found=len(result.missing),
                )
                if not result.complete:
                    event.outcome = AuditEvent.Outcome.PARTIAL
                    event.error = result.failed[0][1] if result.failed else "not found again"
        except SqsError as failure:
            if isinstance(failure, QueueNotFound):
                current.forget_queue(queue)
            context["delete_error"] = str(failure)
        else:
            context.update(
                deleted_ids=result.deleted,
                delete_failures=[
                    *result.failed,
                    *((i, NOT_FOUND_AGAIN) for i in result.missing),
                ],
                stale=bool(result.missing),
            )
    if request.htmx:
        response = render(request, f"{TEMPLATE}#delete-response", context)
        return _counts_changed(response) if context.get("deleted_ids") else response
    found, error = _queue_for_action(current, queue)
    return _poll_response(request, found, {"poll_error": error, **context})


def _lease_token(current: Workspace, queue: str, message: Message) -> str:
    """A received message as the page hands it back: signed, so the delete that follows acts on
    the messages SQS returned to this queue's receive, and the audit names them truthfully."""
    where = f"{current.profile.pk}|{current.region}|{queue}"
    return _leases.sign(f"{where}|{message.message_id}|{message.receipt_handle}")


def _leased(current: Workspace, queue: str, tokens: list[str]) -> list[tuple[str, str]] | None:
    """(MessageId, receipt handle) of each token, or None when any was not signed here."""
    where = f"{current.profile.pk}|{current.region}|{queue}"
    pairs = []
    for token in tokens[:MAX_RECEIVE]:
        try:
            pk, region, name, message_id, handle = _leases.unsign(token).split("|", 4)
        except (signing.BadSignature, ValueError):
            return None
        if f"{pk}|{region}|{name}" != where:
            return None
        pairs.append((message_id, handle))
    return pairs


@require_POST
@require_permission(OPERATE)
def consume(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """Receive and delete, first half: receive under a lease and show the messages. Nothing is
    deleted until the operator asks for exactly these (consume_decide); if nobody does, they
    reappear when the lease ends."""
    current = workspace.enter(request, profile, region, operate="receive_messages")
    found, error = _queue_for_action(current, queue)
    form = ConsumeForm(request.POST)
    context: dict[str, Any] = {"consume_form": form, "poll_error": error}
    if not error and form.is_valid():
        count, wait, lease = (form.cleaned_data[k] for k in ("count", "wait", "lease"))
        try:
            with audit.recorded_for(
                request, "receive_messages", queue=queue, count=count, wait=wait, lease=lease
            ) as event:
                received = current.sqs.receive_leased(found.url, count, wait=wait, lease=lease)
                event.parameters["message_ids"] = [m.message_id for m in received]
        except SqsError as failure:
            context["poll_error"] = str(failure)
        else:
            context.update(
                leased=True,
                lease=lease,
                results=received,
                lease_tokens=[_lease_token(current, queue, m) for m in received],
                consume_form=ConsumeForm(initial={"count": count, "wait": wait, "lease": lease}),
            )
            if not request.htmx:
                context["counts"] = _fresh_counts(current, found)
    return _poll_response(request, found, context)


@require_POST
@require_permission(OPERATE)
def consume_decide(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """Receive and delete, second half: delete exactly the messages shown, or put them back."""
    current = workspace.enter(request, profile, region, operate="consume_messages")
    found, error = _queue_for_action(current, queue)
    pairs = _leased(current, queue, request.POST.getlist("leased"))
    decision = request.POST.get("decision")
    context: dict[str, Any] = {"poll_error": error}
    if pairs is None or not pairs or decision not in ("delete", "release"):
        context["poll_error"] = error or (
            "These messages were not received here, or the page is out of date: receive again."
        )
        return _poll_response(request, found, context)
    ids, handles = [i for i, _ in pairs], [h for _, h in pairs]
    action = "consume_messages" if decision == "delete" else "release_messages"
    unreleased, failures = 0, {}
    try:
        with audit.recorded_for(request, action, queue=queue, received=len(ids)) as event:
            url = found.url or current.queue_url(queue)
            if decision == "delete":
                results = current.sqs.delete_messages(url, handles)
                failures = {i: r.error for i, r in zip(ids, results, strict=True) if not r.ok}
            else:
                unreleased = current.sqs.release(url, handles)
            done = [i for i in ids if i not in failures]
            event.parameters.update(message_ids=done, failed=len(failures))
            if failures:
                event.outcome = AuditEvent.Outcome.PARTIAL
                event.error = next(iter(failures.values()))
    except SqsError as failure:
        context["poll_error"] = str(failure)
        return _poll_response(request, found, context)
    context.update(consumed=decision == "delete", released=decision == "release")
    context.update(decided=done, consume_failures=failures, unreleased=unreleased)
    if not request.htmx:
        context["counts"] = _fresh_counts(current, found)
    return _poll_response(request, found, context)


@require_POST
@require_permission(OPERATE)
def export(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    """A fresh peek streamed as NDJSON; the bodies pass through, nothing is kept."""
    if not settings.MESSAGE_EXPORT_ENABLED:
        return bulk.transfer_off(request)
    current = workspace.enter(request, profile, region, operate="export_messages")
    found, error = _queue_for_action(current, queue)
    limit = found.redrive_limit
    form = PollForm(request.POST, limit=limit)
    if error or not form.is_valid():
        return _poll_response(request, found, {"poll_form": form, "poll_error": error})
    count, wait = form.cleaned_data["count"], form.cleaned_data["wait"]
    try:
        with audit.recorded_for(
            request, "export_messages", queue=queue, count=count, wait=wait
        ) as e:
            result = current.sqs.peek(found.url, count, wait=wait)
            e.parameters.update(
                received=len(result.messages),
                message_ids=[m.message_id for m in result.messages],
            )
    except SqsError as failure:
        return _poll_response(request, found, {"poll_form": form, "poll_error": str(failure)})
    response = StreamingHttpResponse(_ndjson(result.messages), content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="{queue}-messages.ndjson"'
    return response


def _ndjson(messages: tuple[Message, ...]) -> Iterator[str]:
    for message in messages:
        yield json.dumps(message.as_json(), ensure_ascii=False) + "\n"
