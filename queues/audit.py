"""The audit trail: every action that changes something or receives messages leaves an event.

    with audit.recorded(request, "purge_queue", queue=name) as event:
        sqs.purge_queue(url)
        event.parameters["messages_before"] = count

The event is saved when the block ends, as a success, or as a failure carrying the message the
user was shown (the exception still propagates). Parameters must never hold message bodies or
secrets; known secret-bearing keys are dropped as a guard.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest

from .models import AuditEvent, AwsProfile
from .services import SqsError

logger = logging.getLogger("sqsadmin.audit")

_NEVER_RECORDED = {
    "body",
    "message_body",
    "messagebody",
    "secret_access_key",
    "session_token",
    "private_key_pem",
    "private_key_passphrase",
    "password",
}


def _clean(parameters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in parameters.items() if k.lower() not in _NEVER_RECORDED}


def _event(request: HttpRequest, action: str, queue: str, parameters: dict) -> AuditEvent:
    current = getattr(request, "workspace", None)
    profile: AwsProfile | None = current.profile if current else None
    user = request.user if request.user.is_authenticated else None
    return AuditEvent(
        user=user,
        username=user.get_username() if user else "",
        profile=profile,
        profile_name=profile.name if profile else "",
        region=current.region if current else "",
        queue=queue,
        action=action,
        parameters=parameters,
    )


def _save(event: AuditEvent) -> None:
    event.parameters = _clean(event.parameters)
    event.save()
    logger.info(
        "user=%s action=%s profile=%s region=%s queue=%s outcome=%s%s",
        event.username or "-",
        event.action,
        event.profile_name or "-",
        event.region or "-",
        event.queue or "-",
        event.outcome,
        f" error={event.error!r}" if event.error else "",
    )


def record(
    request: HttpRequest,
    action: str,
    *,
    queue: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    error: str = "",
    **parameters: Any,
) -> AuditEvent:
    """Save one event now (for outcomes decided outside a `recorded` block)."""
    event = _event(request, action, queue, parameters)
    event.outcome, event.error = outcome, error
    _save(event)
    return event


@contextmanager
def recorded(
    request: HttpRequest, action: str, *, queue: str = "", **parameters: Any
) -> Iterator[AuditEvent]:
    event = _event(request, action, queue, parameters)
    try:
        yield event
    except SqsError as exc:
        event.outcome, event.error = AuditEvent.Outcome.FAILURE, str(exc)
        _save(event)
        raise
    except Exception as exc:
        event.outcome = AuditEvent.Outcome.FAILURE
        event.error = f"Unexpected error ({type(exc).__name__})"
        _save(event)
        raise
    else:
        if not event.outcome:
            event.outcome = AuditEvent.Outcome.SUCCESS
        _save(event)
