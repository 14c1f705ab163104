"""URLs reversed once per process: a page links to the same few views with the same arguments
again and again, and reversing one walks the URL patterns (~30-50 µs each)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def url(name: str, *args, **kwargs) -> str:
    """`reverse(name, args=args)`, kept per script prefix and URLconf (all it depends on
    besides its arguments). Keyword arguments and unhashable ones are reversed each time."""
    if kwargs:
        return reverse(name, kwargs=kwargs)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    try:
        return _reversed(get_script_prefix(), urlconf, name, args)
    except TypeError:  # an argument that is not hashable
        return reverse(name, args=args or None)


@lru_cache(maxsize=4096)
def _reversed(script_prefix: str, urlconf: str, name: str, args: tuple) -> str:
    return reverse(name, urlconf, args=args or None)
