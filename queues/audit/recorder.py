"""The audit recorder: every action that changes something or receives messages leaves an event.

    with audit.recorded("purge_queue", user=user, profile=profile, region=region, queue=name) as e:
        sqs.purge_queue(url)
        e.parameters["messages_before"] = count

Views use `recorded_for(request, ...)`, which takes who and where from the request; management
commands call `recorded` with a username of their own. The event is saved when the block ends, as
a success, or as a failure carrying the message the user was shown (the exception still
propagates). Parameters never hold message bodies or secrets; known secret-bearing keys are
dropped as a guard.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest

from ..sqs import PartlyApplied, SqsError
from .models import AuditEvent

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


def _save(event: AuditEvent) -> None:
    event.parameters = {
        k: v for k, v in event.parameters.items() if k.lower() not in _NEVER_RECORDED
    }
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


@contextmanager
def recorded(
    action: str,
    *,
    user=None,
    username: str = "",
    profile=None,
    region: str = "",
    queue: str = "",
    **parameters: Any,
) -> Iterator[AuditEvent]:
    """Record `action` by `user` (or, outside a request, `username`) in a profile and region."""
    event = AuditEvent(
        user=user,
        username=user.get_username() if user else username,
        profile=profile,
        profile_name=profile.name if profile else "",
        region=region,
        queue=queue,
        action=action,
        parameters=parameters,
    )
    try:
        yield event
    except SqsError as exc:
        partly = isinstance(exc, PartlyApplied)
        event.outcome = AuditEvent.Outcome.PARTIAL if partly else AuditEvent.Outcome.FAILURE
        event.error = str(exc)
        if partly:
            event.parameters["applied"] = list(exc.applied)
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


def record_refusal(request: HttpRequest, action: str, error: str, **kwargs: Any) -> None:
    """An action the dashboard refused before trying it (no rights), as a failed event."""
    with recorded_for(request, action, **kwargs) as event:
        event.outcome, event.error = AuditEvent.Outcome.FAILURE, error


def recorded_for(request: HttpRequest, action: str, **kwargs: Any):
    """`recorded` with the request's user and, on workspace pages, its profile and region."""
    where = getattr(request, "workspace", None)
    user = request.user if request.user.is_authenticated else None
    if where is not None:
        kwargs.setdefault("profile", where.profile)
        kwargs.setdefault("region", where.region)
    return recorded(action, user=user, **kwargs)
