"""The cache sqsadmin runs on when CACHE_URL names local memory (the default): Django's, with a
key check that costs less for the keys the dashboard makes."""

from __future__ import annotations

import re

from django.core.cache.backends import locmem
from django.core.cache.backends.base import MEMCACHE_MAX_KEY_LENGTH

# The characters memcached refuses in a key, as Django's check looks for them.
_REFUSED_BY_MEMCACHED = re.compile(r"[\x00-\x20\x7f]")


class LocMemCache(locmem.LocMemCache):
    """Django's local-memory cache. Django checks every key it is given for what memcached would
    refuse, through a generator of warnings: ~15,000 instructions a key. A chunk of the queue
    list reads and writes 50 keys (each queue's sample history, monitoring.record_many), ~0.7 M
    of its 14.6 M instructions (make bench BENCH=instructions); a send or a poll 9. Here a key is
    looked at once, and Django's check runs, with its warnings, only for a key it has something
    to say about."""

    def validate_key(self, key: str) -> None:
        if len(key) > MEMCACHE_MAX_KEY_LENGTH or _REFUSED_BY_MEMCACHED.search(key):
            super().validate_key(key)
