"""Which profile and region a request works in (named by the URL, remembered in the session),
the queue a URL names, and the one policy for SQS failures.

SQS failures, on every page:
- A page or fragment that cannot read what it shows (the queue list, a queue's page, a form's
  queue) raises; SqsFailureMiddleware answers with the "SQS did not answer" page, or its box for
  an HTMX request: 403 when access is denied, 503 otherwise. Nothing is half shown.
- An action that fails (create, save, purge, delete, send, poll…) redisplays its form with the
  reason above it: 400, or 409 when SQS says to retry later. The audit records the failure.
- A part of a page that fails on its own (one row's counts, a queue's tags) says so in place.

Access, on top of the role a view requires: each profile names the groups that may view it and
those that may operate on it (Admins may always). A profile the user may not view does not exist
for them: it is not listed, not switched to, not landed on, and its URLs answer 404. A view that
changes or receives something says so (`enter(..., operate="purge_queue")`): without operate
rights on the profile the answer is a 403 page naming what is missing, and a refused POST is
audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.deprecation import MiddlewareMixin

from ..accounts.roles import OPERATE
from ..audit.recorder import record_refusal
from ..profiles.credentials import sqs_for
from ..profiles.models import AwsProfile
from ..sqs import AccessDenied, Queue, QueueNotFound, SqsError, SqsService
from ..sqs.queues import queue_name_problem
from ..sqs.regions import is_region_name
from .profile_lookup import OPERABLE, profile_or_404, request_profiles, sees_every_profile

SESSION_KEY = "sqsadmin.workspace"

# A queue's URL never changes for a name, account and region.
QUEUE_URL_SECONDS = 3600
# The settings a send is checked against (its size limit, content-based deduplication), as the
# last look at the queue left them. SQS checks every send itself; a stale value at worst lets
# SQS's own refusal through, or makes the send look again before refusing (views/messages.py).
SEND_SETTINGS = ("MaximumMessageSize", "ContentBasedDeduplication")
SEND_SETTINGS_SECONDS = 600


NO_OPERATE_RIGHTS = "no operate rights on this profile"


def may_operate(user, profile: AwsProfile) -> bool:
    """Whether `user` may change queues and receive or send messages with `profile`."""
    if not user.is_authenticated or not user.has_perm(OPERATE):
        return False
    if sees_every_profile(user):
        return True
    # Read with the request's profiles (profile_lookup.request_profiles): no query of its own.
    operable = getattr(profile, OPERABLE, None)
    if operable is not None:
        return bool(operable)
    return profile.operator_groups.filter(user=user).exists()


@dataclass(frozen=True)
class Workspace:
    profile: AwsProfile
    region: str
    may_operate: bool = False
    # Who works here: assume-role profiles that identify the user put it in the session name.
    username: str = ""

    @cached_property
    def sqs(self) -> SqsService:
        """One per request (a Workspace lives as long as its request), so every call the request
        makes shares one time budget."""
        return sqs_for(self.profile, self.region, user=self.username)

    def _key(self, kind: str, name: str) -> str:
        profile = self.profile
        return f"sqsadmin:queue-{kind}:{profile.pk}:{profile.version}:{self.region}:{name}"

    def _url_key(self, name: str) -> str:
        return self._key("url", name)

    def queue_url(self, name: str) -> str:
        """The queue's URL, remembered so that each page and action saves a GetQueueUrl call.
        A queue deleted since fails at its next call and is forgotten there (see `queue`)."""
        key = self._url_key(name)
        url = cache.get(key)
        if url is None:
            url = self.sqs.get_queue_url(name)
            cache.set(key, url, QUEUE_URL_SECONDS)
        return url

    def queue(self, name: str, url: str | None = None) -> Queue:
        """The queue with fresh attributes (GetQueueAttributes only, once its URL is known).
        What a send is checked against is remembered (`queue_to_send_to`)."""
        try:
            found = self.sqs.get_queue_by_url(url or self.queue_url(name))
        except QueueNotFound:
            self.forget_queue(name)
            raise
        if "MaximumMessageSize" in found.attributes:
            remembered = {k: found.attributes[k] for k in SEND_SETTINGS if k in found.attributes}
            cache.set(self._key("send", name), remembered, SEND_SETTINGS_SECONDS)
        return found

    def queue_to_send_to(self, name: str) -> Queue | None:
        """The queue as far as a send needs it, its URL and send settings as they were last seen
        (by the messages page, a poll, a send), without asking SQS; None when either is unknown."""
        url_key, send_key = self._url_key(name), self._key("send", name)
        known = cache.get_many([url_key, send_key])
        if len(known) < 2:
            return None
        return Queue(name=name, url=known[url_key], attributes=known[send_key])

    def forget_settings(self, name: str) -> None:
        """After a change to the queue's attributes (a send SQS refused forgets the queue)."""
        cache.delete(self._key("send", name))

    def forget_queue(self, name: str) -> None:
        """The queue is gone (deleted, or not found): its URL and settings with it."""
        cache.delete_many([self._url_key(name), self._key("send", name)])


class WorkspaceRequest(HttpRequest):
    """A request inside a workspace (what `enter` leaves behind), for type checkers."""

    workspace: Workspace


class OperateRefused(Exception):
    """The user may view the profile but not operate on it (answered by SqsFailureMiddleware)."""


def enter(
    request: HttpRequest, profile_slug: str, region: str, *, operate: str | None = None
) -> Workspace:
    """Resolve the URL's profile and region (404 if unknown or not visible to the user) and
    remember them. `operate` names the action of a view that needs operate rights on the
    profile (the audit's name for it): without them, OperateRefused (a 403 page)."""
    profile = profile_or_404(request, profile_slug)
    if not is_region_name(region):
        raise Http404(f"{region!r} is not an AWS region name")
    current = Workspace(
        profile,
        region,
        may_operate=may_operate(request.user, profile),
        username=request.user.get_username(),
    )
    request.workspace = current  # type: ignore[attr-defined]
    if operate and not current.may_operate:
        if request.method == "POST":
            queue = (request.resolver_match.kwargs if request.resolver_match else {}).get("queue")
            record_refusal(request, operate, NO_OPERATE_RIGHTS, queue=queue or "")
        raise OperateRefused(profile.name)
    # Only a change is saved: HTMX fragments (a list's count chunks) would otherwise each write
    # the session row.
    if request.session.get(SESSION_KEY) != [profile.slug, region]:
        request.session[SESSION_KEY] = [profile.slug, region]
    return current


def queue_or_404(
    current: Workspace, name: str, *, with_details: bool = False, for_edit: bool = False
):
    """The queue named in the URL, or the 404 page saying it does not exist.

    `with_details` also reads its tags and dead-letter sources, `for_edit` its tags and the
    dead-letter suggestions, at the same time as its attributes: (queue, extra)."""
    if problem := queue_name_problem(name, fifo=name.endswith(".fifo")):
        raise Http404(f"{name!r} is not a queue name: {problem}")
    try:
        if with_details or for_edit:
            url = current.queue_url(name)
            try:
                if with_details:
                    return current.sqs.queue_with_details(url)
                return current.sqs.queue_for_edit(url)
            except QueueNotFound:
                current.forget_queue(name)
                raise
        return current.queue(name)
    except QueueNotFound as error:
        raise Http404(str(error)) from None


def remembered(request: HttpRequest) -> Workspace | None:
    """The workspace this user last looked at (if they may still view it), else the first
    non-production profile they may view, in its default region. None when there is none: the
    home page then lists the production profiles to choose from, if any."""
    slug, region = request.session.get(SESSION_KEY) or (None, None)
    # The request's one read of the profiles it may view (shared with the header's switcher).
    profiles = request_profiles(request)
    profile = next((p for p in profiles if p.slug == slug), None) if slug else None
    if profile is None:
        profile = next((p for p in profiles if not p.is_production), None)
        region = profile.region if profile else None
    if profile is None or not region:
        return None
    return Workspace(profile, region)


def sqs_problem(request: HttpRequest, error: SqsError) -> HttpResponse:
    """The page (or, for HTMX, the box) that says SQS could not give what a page needs."""
    status = 403 if isinstance(error, AccessDenied) else 503
    htmx = getattr(request, "htmx", False)
    template = "console/sqs_problem.html#problem" if htmx else "console/sqs_problem.html"
    retry = (htmx and htmx.current_url) or request.get_full_path()
    return render(request, template, {"error": str(error), "retry_url": retry}, status=status)


def operate_refused(request: HttpRequest, profile_name: str) -> HttpResponse:
    htmx = getattr(request, "htmx", False)
    context = {"role_needed": "Operator", "missing_grant": profile_name}
    return TemplateResponse(
        request, "403.html#denied" if htmx else "403.html", context, status=403
    ).render()


class SqsFailureMiddleware(MiddlewareMixin):
    """Applies the policy above to any SqsError a view lets through, and answers OperateRefused
    with the 403 page that names the missing operate rights."""

    def process_exception(self, request, exception):
        if isinstance(exception, SqsError):
            return sqs_problem(request, exception)
        if isinstance(exception, OperateRefused):
            return operate_refused(request, str(exception))
        return None
