"""Which profile and region a request works in (named by the URL, remembered in the session),
the queue a URL names, and the one policy for SQS failures.

SQS failures, on every page:
- A page or fragment that cannot read what it shows (the queue list, a queue's page, a form's
  queue) raises; SqsFailureMiddleware answers with the "SQS did not answer" page, or its box for
  an HTMX request: 403 when access is denied, 503 otherwise. Nothing is half shown.
- An action that fails (create, save, purge, delete, send, poll…) redisplays its form with the
  reason above it: 400, or 409 when SQS says to retry later. The audit records the failure.
- A part of a page that fails on its own (one row's counts, a queue's tags) says so in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.deprecation import MiddlewareMixin

from ..profiles.credentials import sqs_for
from ..profiles.models import AwsProfile
from ..sqs import AccessDenied, Queue, QueueNotFound, SqsError, SqsService
from ..sqs.queues import queue_name_problem
from ..sqs.regions import is_region_name

SESSION_KEY = "sqsadmin.workspace"

# A queue's URL never changes for a name, account and region.
QUEUE_URL_SECONDS = 3600


@dataclass(frozen=True)
class Workspace:
    profile: AwsProfile
    region: str

    @cached_property
    def sqs(self) -> SqsService:
        """One per request (a Workspace lives as long as its request), so every call the request
        makes shares one time budget."""
        return sqs_for(self.profile, self.region)

    def _url_key(self, name: str) -> str:
        return f"sqsadmin:queue-url:{self.profile.pk}:{self.profile.version}:{self.region}:{name}"

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
        """The queue with fresh attributes (GetQueueAttributes only, once its URL is known)."""
        try:
            return self.sqs.get_queue_by_url(url or self.queue_url(name))
        except QueueNotFound:
            self.forget_queue_url(name)
            raise

    def forget_queue_url(self, name: str) -> None:
        cache.delete(self._url_key(name))


class WorkspaceRequest(HttpRequest):
    """A request inside a workspace (what `enter` leaves behind), for type checkers."""

    workspace: Workspace


def enter(request: HttpRequest, profile_slug: str, region: str) -> Workspace:
    """Resolve the URL's profile and region (404 if unknown) and remember them."""
    profile = get_object_or_404(AwsProfile, slug=profile_slug)
    if not is_region_name(region):
        raise Http404(f"{region!r} is not an AWS region name")
    current = Workspace(profile, region)
    request.workspace = current  # type: ignore[attr-defined]
    # Only a change is saved: HTMX fragments (a list's count chunks) would otherwise each write
    # the session row.
    if request.session.get(SESSION_KEY) != [profile.slug, region]:
        request.session[SESSION_KEY] = [profile.slug, region]
    return current


def queue_or_404(current: Workspace, name: str) -> Queue:
    """The queue named in the URL, or the 404 page saying it does not exist."""
    if problem := queue_name_problem(name, fifo=name.endswith(".fifo")):
        raise Http404(f"{name!r} is not a queue name: {problem}")
    try:
        return current.queue(name)
    except QueueNotFound as error:
        raise Http404(str(error)) from None


def remembered(request: HttpRequest) -> Workspace | None:
    """The workspace this user last looked at, else the first profile in its default region."""
    slug, region = request.session.get(SESSION_KEY) or (None, None)
    # Only what the header and the home redirect show: no secret is decrypted on every page.
    profiles = AwsProfile.objects.only("name", "slug", "region", "is_production")
    profile = profiles.filter(slug=slug).first() if slug else None
    if profile is None:
        profile = profiles.first()
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


class SqsFailureMiddleware(MiddlewareMixin):
    """Applies the policy above to any SqsError a view lets through."""

    def process_exception(self, request, exception):
        if isinstance(exception, SqsError):
            return sqs_problem(request, exception)
        return None
