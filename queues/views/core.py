from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .. import workspace
from ..models import AwsProfile
from ..regions import is_region_name
from ..roles import BROWSE, require_permission


@require_GET
@require_permission(BROWSE)
def home(request: HttpRequest) -> HttpResponse:
    current = workspace.remembered(request)
    if current is None:
        return render(request, "queues/no_profiles.html")
    return redirect("queues:queue-list", current.profile.slug, current.region)


@require_GET
@require_permission(BROWSE)
def switch(request: HttpRequest) -> HttpResponse:
    """The header's profile/region picker: go to that workspace's queue list."""
    profile = AwsProfile.objects.filter(slug=request.GET.get("profile", "")).first()
    if profile is None:
        messages.error(request, "Pick a profile from the list.")
        return redirect("home")
    region = request.GET.get("region", "").strip() or profile.region
    if not is_region_name(region):
        messages.error(request, f"{region!r} is not an AWS region name (like eu-west-1).")
        return redirect("home")
    return redirect("queues:queue-list", profile.slug, region)
