from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from ..sqs.regions import known_regions
from . import workspace as workspaces
from .profile_lookup import request_profiles


def workspace(request: HttpRequest) -> dict:
    """The profile and region a page looks at, and the choices for switching them."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = getattr(request, "workspace", None)
    return {
        "workspace": current,
        # Pages outside a workspace (Audit, Profiles) still show where "Switch" starts from.
        "switch_current": current or workspaces.remembered(request),
        "switch_profiles": request_profiles(request),
        "switch_regions": known_regions(),
        "export_enabled": settings.MESSAGE_EXPORT_ENABLED,
    }
