"""The cache the dashboard runs on by default: Django's local-memory cache, whose key check
(what memcached would refuse) says the same, and costs less for the keys the dashboard makes."""

from __future__ import annotations

import warnings

import pytest
from django.conf import settings
from django.core.cache import CacheKeyWarning, caches

from sqsadmin.cache import LocMemCache
from tests.test_settings import manage


def test_the_default_cache_is_local_memory_and_keeps_what_it_is_given():
    assert settings.CACHES["default"]["BACKEND"] == "sqsadmin.cache.LocMemCache"
    cache = caches["default"]
    assert isinstance(cache, LocMemCache)
    cache.set("sqsadmin:samples:1:eu-west-1:orders.fifo", b"\x00\x01", 60)
    assert cache.get_many(["sqsadmin:samples:1:eu-west-1:orders.fifo", "absent"]) == {
        "sqsadmin:samples:1:eu-west-1:orders.fifo": b"\x00\x01"
    }


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("two words", "characters that will cause errors"),
        ("tab\there", "characters that will cause errors"),
        ("del\x7f", "characters that will cause errors"),
        ("k" * 251, "longer than 250"),
    ],
)
def test_a_key_memcached_would_refuse_is_warned_about_as_django_does(key, says):
    cache = caches["default"]
    with pytest.warns(CacheKeyWarning, match=says):
        cache.set(key, 1)
    with pytest.warns(CacheKeyWarning, match=says):
        assert cache.get(key) == 1


def test_the_dashboards_keys_pass_without_a_warning():
    cache = caches["default"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        cache.set("sqsadmin:samples:12:us-east-1:" + "q" * 80, 1)
        assert cache.get("sqsadmin:samples:12:us-east-1:" + "q" * 80) == 1


def test_a_cache_url_naming_another_backend_is_used_as_named():
    shown = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        CACHE_URL="dummycache://",
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "django.core.cache.backends.dummy.DummyCache"
