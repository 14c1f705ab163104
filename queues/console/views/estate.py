"""Estate health: every profile the user may view, in its regions, at a glance (a snapshot shared
through the cache, its age shown; Refresh takes a new one)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ...accounts.roles import BROWSE, require_permission
from .. import estate as estates
from ..profile_lookup import visible_profiles


@require_http_methods(["GET", "POST"])
@require_permission(BROWSE)
def estate(request: HttpRequest) -> HttpResponse:
    # Only the profiles this user may view are shown, and only those are scanned on Refresh
    # (with their secrets loaded here, not one query per secret from the scanning threads).
    profiles = list(visible_profiles(request.user).order_by("name"))
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
