"""The profiles one request sees, read once: the workspace's profile and the header's switcher
share one query, and no secret is decrypted on a page.

Everything but the encrypted secrets is loaded; building a boto3 client (once per profile version
and region, see credentials.client_for) reads those.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from ..accounts.reads import read_query
from ..accounts.roles import BROWSE, MANAGE_PROFILES
from ..profiles.crypto import EncryptedTextField
from ..profiles.models import AwsProfile

SECRETS = tuple(f.name for f in AwsProfile._meta.fields if isinstance(f, EncryptedTextField))

_ATTRIBUTE = "_sqsadmin_profiles"
# Set on each profile request_profiles reads for a user who does not see every profile: whether
# one of their groups may operate it (read in the same query, see workspace.may_operate).
OPERABLE = "user_may_operate"


def sees_every_profile(user) -> bool:
    """Admins (and superusers) may view and operate every profile."""
    return user.is_superuser or user.has_perm(MANAGE_PROFILES)


def visible_profiles(user) -> QuerySet[AwsProfile]:
    """The profiles `user` may view: their role lets them browse and one of their groups is
    granted view (or operate) on the profile."""
    profiles = AwsProfile.objects.all()
    if not user.is_authenticated or not user.has_perm(BROWSE):
        return profiles.none()
    if sees_every_profile(user):
        return profiles
    granted = Q(viewer_groups__user=user) | Q(operator_groups__user=user)
    return profiles.filter(pk__in=AwsProfile.objects.filter(granted).values("pk"))


def _with_operate_rights(user) -> QuerySet[AwsProfile]:
    """visible_profiles without the secrets and, for a user who may not operate every profile,
    with whether one of their groups may operate each."""
    query = visible_profiles(user).defer(*SECRETS)
    if user.is_authenticated and user.has_perm(BROWSE) and not sees_every_profile(user):
        operators = AwsProfile.operator_groups.through.objects.filter(
            awsprofile=OuterRef("pk"), group__user=user
        )
        query = query.annotate(**{OPERABLE: Exists(operators)})
    return query


def _read_profiles(user) -> list[AwsProfile]:
    if not user.is_authenticated or not user.has_perm(BROWSE):
        return []
    # Its SQL is built by the ORM once per connection for each kind of user (every profile, or
    # those granted to the user's groups): building it cost more than running it, on every page.
    # Its only parameter is the user's ID.
    key = (AwsProfile, "every" if sees_every_profile(user) else "granted")
    return read_query(AwsProfile, key, lambda: _with_operate_rights(user), user.pk)


def request_profiles(request: HttpRequest) -> list[AwsProfile]:
    """The profiles the request's user may view, in the model's order, read at most once per
    request (with whether the user may operate each, for those who may not operate all)."""
    profiles = getattr(request, _ATTRIBUTE, None)
    if profiles is None:
        profiles = _read_profiles(request.user)
        setattr(request, _ATTRIBUTE, profiles)
    return profiles


def profile_or_404(request: HttpRequest, slug: str) -> AwsProfile:
    for profile in request_profiles(request):
        if profile.slug == slug:
            return profile
    # Not there, or not for this user: the same answer, so a profile's existence never leaks.
    raise Http404(f"No profile {slug!r}")
