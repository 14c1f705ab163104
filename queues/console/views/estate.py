"""Estate health: every profile the user may view, in its regions, at a glance (a snapshot shared
through the cache, its age shown; Refresh takes a new one)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ...accounts.roles import BROWSE, require_permission
from ...profiles.models import AwsProfile
from .. import estate as estates


def viewable_profiles(request: HttpRequest):
    """Every profile, as every other page offers them. When per-profile access lands, this is
    the one place to narrow it to the profiles the user may view."""
    return AwsProfile.objects.order_by("name")


@require_http_methods(["GET", "POST"])
@require_permission(BROWSE)
def estate(request: HttpRequest) -> HttpResponse:
    profiles = viewable_profiles(request)
    if request.method == "POST":
        estates.refresh(profiles)
        return redirect("console:estate")
    current = estates.snapshot(profiles)
    context = {
        "snapshot": current,
        "failing": [r for r in current.reports if r.error],
        "threshold": settings.ESTATE_OLDEST_AGE_SECONDS,
        "profile_count": len(profiles),
    }
    return render(request, "console/estate.html", context)
