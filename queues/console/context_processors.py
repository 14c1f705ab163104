from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from ..sqs.regions import known_regions
from . import workspace as workspaces
from .links import url
from .profile_lookup import request_profiles


@cache
def region_options() -> SafeString:
    """The switcher's region suggestions, the same on every page: built once, not looped over
    by the template on each page."""
    return format_html_join("", '<option value="{}">', ((region,) for region in known_regions()))


# The signed-in header's links (base.html), by the names it uses there.
NAV_VIEWS = {
    "home": "console:home",
    "estate": "console:estate",
    "audit": "audit:log",
    "profiles": "profiles:list",
    "admin": "admin:index",
    "switch": "console:switch",
    "logout": "accounts:logout",
}


def nav_urls() -> dict[str, str]:
    return {name: url(view) for name, view in NAV_VIEWS.items()}


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
        "switch_region_options": region_options(),
        "export_enabled": settings.MESSAGE_EXPORT_ENABLED,
        "nav": nav_urls(),
    }
