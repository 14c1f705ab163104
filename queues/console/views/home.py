from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ...accounts.roles import BROWSE, require_permission
from ...sqs.regions import is_region_name
from .. import workspace
from ..profile_lookup import request_profiles


@require_GET
@require_permission(BROWSE)
def home(request: HttpRequest) -> HttpResponse:
    current = workspace.remembered(request)
    if current is None:
        # Only production profiles (or none) to look at: the user picks, nobody lands there.
        choices = request_profiles(request)
        return render(request, "console/no_profiles.html", {"choices": choices})
    return redirect("console:queue-list", current.profile.slug, current.region)


@require_GET
@require_permission(BROWSE)
def switch(request: HttpRequest) -> HttpResponse:
    """The header's profile/region picker: go to that workspace's queue list."""
    wanted = request.GET.get("profile", "")
    profile = next((p for p in request_profiles(request) if p.slug == wanted), None)
    if profile is None:
        messages.error(request, "Pick a profile from the list.")
        return redirect("console:home")
    region = request.GET.get("region", "").strip() or profile.region
    if not is_region_name(region):
        messages.error(request, f"{region!r} is not an AWS region name (like eu-west-1).")
        return redirect("console:home")
    return redirect("console:queue-list", profile.slug, region)


@require_GET
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and uptime checks: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
