from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

logger = logging.getLogger("sqsadmin.auth")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that refuses further attempts after repeated failures.

    Counted per account and address (stops guessing one password) and per address across
    accounts (stops spraying one password), for LOGIN_LOCKOUT_SECONDS after the last failure.
    """

    def _keys(self) -> list[tuple[str, int]]:
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        account = (self.data.get("username") or "").strip().lower()
        digest = hashlib.sha256(f"{account}\0{address}".encode()).hexdigest()
        limit = settings.LOGIN_MAX_FAILURES
        return [(f"login-fail:acct:{digest}", limit), (f"login-fail:addr:{address}", limit * 4)]

    def clean(self):
        keys = self._keys()
        if any(cache.get(key, 0) >= limit for key, limit in keys):
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            raise ValidationError(
                f"Too many failed sign-ins. Wait {minutes} minutes before trying again.",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            for key, _ in keys:
                cache.set(key, cache.get(key, 0) + 1, settings.LOGIN_LOCKOUT_SECONDS)
            logger.warning(
                "failed sign-in user=%r address=%s",
                (self.data.get("username") or "")[:150],
                self.request.META.get("REMOTE_ADDR", "-") if self.request else "-",
            )
            raise
        cache.delete(keys[0][0])
        return cleaned
