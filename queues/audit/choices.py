"""The Audit page's filter choices (the actions and profile names events recorded), kept in the
shared cache so a page view does not run a DISTINCT over every event.

There are two scopes: every event (for those who see all) and one user's own events. Each scope's
choices are kept with the scope's token. The recorder calls `note(event)` after saving an event:
when the event's action or profile name is not among a scope's kept choices (or the scope has
none kept), the scope gets a new token and its kept choices no longer count, so the next page
view reads them again and a new action is offered at once. The token is read before the choices
are: choices read while an event was being saved carry the token from before it and are not
trusted afterwards.

Kept choices expire after CHOICES_SECONDS: whatever a cache that workers do not share (the
default local-memory cache with several workers) or an event saved inside a transaction that
committed later missed shows within that time. With several workers, share the cache
(`CACHE_URL`) so an action first recorded by one is offered by every other at once.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db.models import QuerySet

from .models import AuditEvent

CHOICES_SECONDS = 300
EVERYONE = "all"


def _keys(scope: str | int) -> tuple[str, str]:
    return f"audit-choices-token:{scope}", f"audit-choices:{scope}"


def _fresh_token() -> str:
    return secrets.token_hex(8)


def filter_choices(events: QuerySet[AuditEvent], scope: str | int) -> tuple[list, list]:
    """The actions and profile names of `events` (every event, or user `scope`'s own), sorted:
    kept ones when they are current, else read in one query and kept."""
    token_key, choices_key = _keys(scope)
    found = cache.get_many([token_key, choices_key])
    token, kept = found.get(token_key), found.get(choices_key)
    if token is not None and kept is not None and kept[0] == token:
        return kept[1], kept[2]
    if token is None:
        cache.add(token_key, _fresh_token(), None)
        token = cache.get(token_key)
    # order_by(): the model's ordering would make DISTINCT run over every event's row.
    pairs = events.order_by().values_list("action", "profile_name").distinct()
    actions = sorted({action for action, _ in pairs})
    profiles = sorted({name for _, name in pairs if name})
    cache.set(choices_key, (token, actions, profiles), CHOICES_SECONDS)
    return actions, profiles


def note(event: AuditEvent) -> None:
    """A saved event: scopes whose kept choices lack its action or profile name are read again
    on their next view."""
    scopes = [EVERYONE, *([event.user_id] if event.user_id is not None else [])]
    keys = [_keys(scope) for scope in scopes]
    found = cache.get_many([key for pair in keys for key in pair])
    stale = {}
    for token_key, choices_key in keys:
        token, kept = found.get(token_key), found.get(choices_key)
        current = token is not None and kept is not None and kept[0] == token
        if not (
            current
            and event.action in kept[1]
            and (not event.profile_name or event.profile_name in kept[2])
        ):
            stale[token_key] = _fresh_token()
    if stale:
        cache.set_many(stale, None)
