"""The permission matrix: every URL, for every role and every kind of profile, answers exactly
what that role and the profile's grants allow.

ACCESS has a row for every URL pattern the project serves (a test fails when a new URL has no
row). Each row says, per method, the permission needed and the status a user holding it gets.
Anonymous users are sent to the login page; signed-in users without the permission get the 403
page that names the role; GET-only views answer POST with 405 (and the reverse).

The profile axis: a workspace URL (one naming a profile) of a profile none of the user's groups
may view answers 404, as if it did not exist; an Operator URL of a profile the user may view but
not operate on answers 403 naming the missing rights. Admins may use every profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from queues.accounts.roles import BROWSE, MANAGE_PROFILES, OPERATE, OPERATORS, VIEWERS
from tests.helpers import REGION

PUBLIC = "public"  # no login needed
SIGNED_IN = "signed in"  # any signed-in user
NOT_ALLOWED = "method not allowed"  # 405 for every signed-in user

QUEUE = "matrix-queue"


@dataclass(frozen=True)
class Rule:
    needs: str  # a permission, PUBLIC, SIGNED_IN or NOT_ALLOWED
    status: int = 200  # what a user who may use it gets
    # What that user gets when no non-production profile is open to them to land on.
    without_landing: int | None = None


ACCESS: dict[str, dict[str, Rule]] = {
    # Home lands on a non-production profile; without one it lists the profiles to choose from.
    "console:home": {"GET": Rule(BROWSE, 302, without_landing=200), "POST": Rule(NOT_ALLOWED)},
    "console:switch": {"GET": Rule(BROWSE, 302), "POST": Rule(NOT_ALLOWED)},
    "healthz": {"GET": Rule(PUBLIC), "POST": Rule(PUBLIC, 405)},
    "audit:log": {"GET": Rule(BROWSE), "POST": Rule(NOT_ALLOWED)},
    "accounts:login": {"GET": Rule(PUBLIC), "POST": Rule(PUBLIC)},
    "accounts:logout": {"GET": Rule(SIGNED_IN, 405), "POST": Rule(PUBLIC, 302)},
    "console:queue-list": {"GET": Rule(BROWSE), "POST": Rule(NOT_ALLOWED)},
    # Count chunks carry a signed queue-URL prefix: without one the request is refused.
    "console:queue-rows": {"GET": Rule(BROWSE, 400), "POST": Rule(NOT_ALLOWED)},
    "console:queue-detail": {"GET": Rule(BROWSE), "POST": Rule(NOT_ALLOWED)},
    "console:queue-counts": {"GET": Rule(BROWSE), "POST": Rule(NOT_ALLOWED)},
    "console:queue-monitoring": {"GET": Rule(BROWSE), "POST": Rule(NOT_ALLOWED)},
    "console:queue-monitoring-live": {"GET": Rule(BROWSE), "POST": Rule(NOT_ALLOWED)},
    # Estate health: Viewers see it and may refresh the shared snapshot (then back to the page).
    "console:estate": {"GET": Rule(BROWSE), "POST": Rule(BROWSE, 302)},
    "console:queue-name-check": {"GET": Rule(OPERATE), "POST": Rule(NOT_ALLOWED)},
    "console:dead-letter-options": {"GET": Rule(OPERATE), "POST": Rule(NOT_ALLOWED)},
    # An empty POST to a queue form (purge and delete need the typed name) is a 400 that
    # redisplays the form with its errors; nothing changes.
    "console:queue-create": {"GET": Rule(OPERATE), "POST": Rule(OPERATE, 400)},
    "console:queue-edit": {"GET": Rule(OPERATE), "POST": Rule(OPERATE, 400)},
    "console:queue-purge": {"GET": Rule(OPERATE), "POST": Rule(OPERATE, 400)},
    "console:queue-delete": {"GET": Rule(OPERATE), "POST": Rule(OPERATE, 400)},
    # Messages: all Operator (a peek increments receive counts). An empty POST redisplays the
    # panel with what is missing; nothing is sent, received or deleted.
    "console:messages": {"GET": Rule(OPERATE), "POST": Rule(NOT_ALLOWED)},
    "console:messages-counts": {"GET": Rule(OPERATE), "POST": Rule(NOT_ALLOWED)},
    "console:messages-send": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE)},
    "console:messages-poll": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE)},
    "console:messages-delete": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE)},
    "console:messages-consume": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE)},
    "console:messages-decide": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE)},
    "console:messages-export": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE)},
    "console:messages-browse": {"GET": Rule(OPERATE), "POST": Rule(OPERATE)},
    "console:messages-import": {"GET": Rule(OPERATE), "POST": Rule(OPERATE)},
    # A stream or Stop for work that is not running answers that it has ended.
    "console:messages-stream": {"GET": Rule(OPERATE), "POST": Rule(NOT_ALLOWED)},
    "console:messages-stream-stop": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE)},
    # The dead-letter workbench. The redrive panel shows a queue's move tasks to anyone who may
    # browse it (on moto it says the endpoint has none); starting, cancelling, moving, copying
    # and resending are Operator actions, and an empty POST is a 400 that changes nothing.
    "console:queue-options": {"GET": Rule(OPERATE), "POST": Rule(NOT_ALLOWED)},
    "console:redrive": {"GET": Rule(BROWSE), "POST": Rule(NOT_ALLOWED)},
    "console:redrive-start": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE, 400)},
    "console:redrive-cancel": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE, 400)},
    "console:messages-transfer": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE, 400)},
    # A browse's held matches: an empty POST is a 400 (no destination); a release of nothing
    # held is a 409 that says so.
    "console:messages-held-transfer": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE, 400)},
    "console:messages-held-release": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE, 409)},
    "console:messages-resend": {"GET": Rule(NOT_ALLOWED), "POST": Rule(OPERATE, 400)},
    # Credential profiles: admins only. An empty POST to a form redisplays it with its errors.
    "profiles:list": {"GET": Rule(MANAGE_PROFILES), "POST": Rule(NOT_ALLOWED)},
    "profiles:create": {"GET": Rule(MANAGE_PROFILES), "POST": Rule(MANAGE_PROFILES)},
    "profiles:edit": {"GET": Rule(MANAGE_PROFILES), "POST": Rule(MANAGE_PROFILES)},
    "profiles:delete": {"GET": Rule(MANAGE_PROFILES), "POST": Rule(MANAGE_PROFILES)},
    "profiles:duplicate": {"GET": Rule(NOT_ALLOWED), "POST": Rule(MANAGE_PROFILES, 302)},
    "profiles:test": {"GET": Rule(NOT_ALLOWED), "POST": Rule(MANAGE_PROFILES, 302)},
    "profiles:test-draft": {"GET": Rule(NOT_ALLOWED), "POST": Rule(MANAGE_PROFILES)},
    "profiles:mode-fields": {"GET": Rule(NOT_ALLOWED), "POST": Rule(MANAGE_PROFILES)},
}

# Django's admin site is staff-only by its own checks and not part of the roles.
EXCLUDED_NAMESPACES = {"admin"}

ROLES = ["anonymous", "nobody", "viewer", "operator", "admin"]
PERMISSIONS_BY_ROLE = {
    "anonymous": set(),
    "nobody": set(),
    "viewer": {BROWSE},
    "operator": {BROWSE, OPERATE},
    "admin": {BROWSE, OPERATE, MANAGE_PROFILES},
}


def _url_names(resolver: URLResolver, namespace: str = "") -> list[str]:
    names = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if (entry.namespace or "") not in EXCLUDED_NAMESPACES:
                names += _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}{entry.name}")
    return names


def test_every_url_has_a_row_in_the_matrix():
    served = set(_url_names(get_resolver()))
    assert served - set(ACCESS) == set(), "add these URLs to ACCESS"
    assert set(ACCESS) - served == set(), "these ACCESS rows name URLs that no longer exist"


@dataclass(frozen=True)
class Grants:
    """A kind of profile: production or not, and what its groups may do."""

    production: bool
    view: tuple[str, ...]  # groups that may view it
    operate: tuple[str, ...]  # groups that may operate on it


PROFILES = {
    # What the migration gives an existing profile, and the form a new one.
    "granted": Grants(False, view=(OPERATORS, VIEWERS), operate=(OPERATORS,)),
    "not granted": Grants(False, view=(), operate=()),
    # What the migration gives an existing production profile: view-only.
    "production": Grants(True, view=(OPERATORS, VIEWERS), operate=()),
    "production, operate granted": Grants(True, view=(VIEWERS,), operate=(OPERATORS,)),
}
GROUP_OF_ROLE = {"viewer": VIEWERS, "operator": OPERATORS}


def _may(role: str, groups: tuple[str, ...]) -> bool:
    return role == "admin" or GROUP_OF_ROLE.get(role) in groups


def expected_status(rule: Rule, role: str, workspace_url: bool, grants: Grants) -> int:
    if rule.needs == PUBLIC:
        return rule.status
    if role == "anonymous":
        return 302  # to the login page
    if rule.needs == NOT_ALLOWED:
        return 405
    if rule.needs != SIGNED_IN and rule.needs not in PERMISSIONS_BY_ROLE[role]:
        return 403  # the role is missing
    may_view = _may(role, grants.view + grants.operate)
    if workspace_url and not may_view:
        return 404  # never reveal that the profile exists
    if workspace_url and rule.needs == OPERATE and not _may(role, grants.operate):
        return 403  # the profile's operate rights are missing
    if rule.without_landing is not None and (grants.production or not may_view):
        return rule.without_landing
    return rule.status


@pytest.fixture
def users(admin_user, operator_user, viewer_user, nobody_user):
    return {
        "admin": admin_user,
        "operator": operator_user,
        "viewer": viewer_user,
        "nobody": nobody_user,
    }


@pytest.fixture
def url_for(profile, raw_sqs):
    raw_sqs.create_queue(QueueName=QUEUE)
    values = {
        "profile": profile.slug,
        "region": REGION,
        "queue": QUEUE,
        "slug": profile.slug,
        "token": "no-such-work",
    }

    def build(name: str) -> str:
        pattern = _pattern(name)
        kwargs = {key: values[key] for key in pattern.pattern.converters}
        return reverse(name, kwargs=kwargs)

    return build


def _pattern(name: str) -> URLPattern:
    namespace, _, short = name.rpartition(":")
    resolver = get_resolver()
    if namespace:
        resolver = next(
            r
            for r in resolver.url_patterns
            if isinstance(r, URLResolver) and r.namespace == namespace
        )
    return next(p for p in resolver.url_patterns if getattr(p, "name", None) == short)


def _granted(profile, grants: Grants) -> None:
    profile.is_production = grants.production
    profile.save()
    profile.viewer_groups.set(Group.objects.filter(name__in=grants.view))
    profile.operator_groups.set(Group.objects.filter(name__in=grants.operate))


@pytest.mark.parametrize("kind", list(PROFILES))
@pytest.mark.parametrize("name", list(ACCESS))
def test_each_role_gets_exactly_what_it_may(client, users, url_for, profile, name, kind):
    grants = PROFILES[kind]
    _granted(profile, grants)
    url = url_for(name)
    workspace_url = "profile" in _pattern(name).pattern.converters
    wrong = []
    for method, rule in ACCESS[name].items():
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            response = client.get(url) if method == "GET" else client.post(url, {})
            expected = expected_status(rule, role, workspace_url, grants)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            content = body.decode().lower()
            if response.status_code != expected:
                wrong.append(f"{method} {url} as {role}: {response.status_code}, not {expected}")
            elif "bound method" in content:
                # A template that prints a method instead of calling it.
                wrong.append(f"{method} {url} as {role}: the page shows Python, not words")
            elif expected == 302 and role == "anonymous" and rule.needs != PUBLIC:
                if not response.url.startswith(reverse("accounts:login")):
                    wrong.append(f"{method} {url} as anonymous went to {response.url}")
            elif expected == 403 and "role" not in content:
                wrong.append(f"{method} {url} as {role}: the 403 page does not name the role")
            elif expected == 404 and profile.name.lower() in content:
                wrong.append(f"{method} {url} as {role}: the 404 page names the profile")
    assert wrong == []


def test_a_post_without_its_csrf_token_is_refused(users, url_for):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    posted = 0
    for name, methods in ACCESS.items():
        if methods["POST"].needs in (NOT_ALLOWED, PUBLIC) and name != "login":
            continue
        response = client.post(url_for(name), {})
        assert response.status_code == 403, name
        assert b"CSRF" in response.content
        posted += 1
    assert posted >= 1
