"""sqsadmin's settings with a fast password hasher, for the servers the tests start: sign-in is
tried dozens of times and the production hasher is slow on purpose (as tests/conftest.py does
for the in-process tests)."""

from __future__ import annotations

from sqsadmin.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
