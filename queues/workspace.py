"""Which profile and region a request works in: named by the URL, remembered in the session."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .credentials import sqs_for
from .models import AwsProfile
from .regions import is_region_name
from .services import Queue, QueueNotFound, SqsService

SESSION_KEY = "sqsadmin.workspace"


# A queue's URL never changes for a name, account and region.
QUEUE_URL_SECONDS = 3600


@dataclass(frozen=True)
class Workspace:
    profile: AwsProfile
    region: str

    @property
    def sqs(self) -> SqsService:
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
