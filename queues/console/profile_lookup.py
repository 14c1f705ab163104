"""The profiles one request sees, read once: the workspace's profile and the header's switcher
share one query, and no secret is decrypted on a page.

Everything but the encrypted secrets is loaded; building a boto3 client (once per profile version
and region, see credentials.client_for) reads those.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from ..profiles.crypto import EncryptedTextField
from ..profiles.models import AwsProfile

SECRETS = tuple(f.name for f in AwsProfile._meta.fields if isinstance(f, EncryptedTextField))

_ATTRIBUTE = "_sqsadmin_profiles"


def request_profiles(request: HttpRequest) -> list[AwsProfile]:
    """Every profile, in the model's order, read at most once per request."""
    profiles = getattr(request, _ATTRIBUTE, None)
    if profiles is None:
        profiles = list(AwsProfile.objects.defer(*SECRETS))
        setattr(request, _ATTRIBUTE, profiles)
    return profiles


def profile_or_404(request: HttpRequest, slug: str) -> AwsProfile:
    for profile in request_profiles(request):
        if profile.slug == slug:
            return profile
    raise Http404(f"No profile {slug!r}")
