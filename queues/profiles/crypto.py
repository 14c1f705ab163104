"""Encryption at rest for stored AWS secrets (Fernet, rotatable through MultiFernet)."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class SecretUnreadable(Exception):
    """A stored secret was encrypted with a key that is no longer in FERNET_KEYS."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FERNET_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with the configured FERNET_KEYS"
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key (the first in FERNET_KEYS)."""
    return fernet().rotate(token.encode()).decode()


def mask(secret: str, keep: int = 4, *, start: bool = True) -> str:
    """`AKIA…WXYZ`-style hint that identifies a value without revealing it; `start=False` gives
    `…WXYZ`, for secrets, where even the first characters are not shown."""
    if not secret:
        return ""
    if len(secret) <= keep * 2 + 2:
        return "…" + secret[-2:] if len(secret) > 4 else "…"
    return f"{secret[:keep] if start else ''}…{secret[-keep:]}"


class EncryptedTextField(models.TextField):
    """Text stored Fernet-encrypted; Python code only ever sees the plaintext.

    An empty value is stored as an empty string so "no secret" needs no decryption.
    """

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value or ""
        return encrypt(value)
