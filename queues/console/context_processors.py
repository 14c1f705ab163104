from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from html import escape

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString

from ..sqs.regions import known_regions
from . import workspace as workspaces
from .profile_lookup import request_profiles


def datalist_options(values: Iterable[str]) -> SafeString:
    """`{{ names|datalist_options }}`: an `<option>` for each value, in one pass: a datalist
    can offer a thousand queue names (the dead-letter field's), which a template loop escaped
    and printed one lookup at a time. Escaped as Django escapes (html.escape)."""
    return SafeString("".join([f'<option value="{escape(value)}">' for value in values]))


@cache
def region_options() -> SafeString:
    """The switcher's region suggestions, the same on every page: built once."""
    return datalist_options(known_regions())


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


@lru_cache(maxsize=8)
def _nav_urls(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    return {name: reverse(view, urlconf) for name, view in NAV_VIEWS.items()}


def nav_urls() -> dict[str, str]:
    """The header's links as one dict kept per script prefix and URLconf: one lookup a page
    instead of seven `url()` calls."""
    return _nav_urls(get_script_prefix(), get_urlconf())


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
