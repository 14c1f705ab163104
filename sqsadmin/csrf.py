"""The CSRF token a page prints: the request's CSRF secret, masked afresh for each page exactly as
Django masks it (django.middleware.csrf.get_token), with the mask drawn in one read of the
system's random source instead of one read a character.

Django draws each of the mask's 32 characters with secrets.choice, 32 reads of os.urandom and
their Python around them: its masking costs ~0.3 M instructions, this one ~0.1 M, and a page
that prints a form ~0.2 M less, 3-6 % (make bench BENCH=instructions). The mask is as
uniform: a random byte below 248 (4 x 62) names one of the 62 characters, each by four byte
values; bytes of 248 and over are drawn again.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
_RADIX = len(CSRF_ALLOWED_CHARS)
_EVEN = 256 - 256 % _RADIX


def masked_token(request: HttpRequest) -> str:
    """What Django's get_token(request) returns: a 64-character token, the mask then the secret
    shifted by it, which CsrfViewMiddleware unmasks to check a POST against the cookie."""
    secret = request.META.get("CSRF_COOKIE")
    # No secret yet (a first visit), or one of another shape (a character left once Django's
    # are stripped from both ends): Django's get_token makes or masks it, and sets the cookie.
    if (
        not isinstance(secret, str)
        or len(secret) != CSRF_SECRET_LENGTH
        or secret.strip(CSRF_ALLOWED_CHARS)
    ):
        return get_token(request)
    shifts = [_INDEX[char] for char in secret]
    # As get_token: the cookie is sent again with the response, which renews its expiry.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = random_indexes(CSRF_SECRET_LENGTH)
    return "".join(CSRF_ALLOWED_CHARS[m] for m in mask) + "".join(
        CSRF_ALLOWED_CHARS[(s + m) % _RADIX] for s, m in zip(shifts, mask, strict=True)
    )


def random_indexes(count: int) -> list[int]:
    """`count` positions in CSRF_ALLOWED_CHARS, each equally likely, from os.urandom."""
    picked: list[int] = []
    while len(picked) < count:
        picked += [byte % _RADIX for byte in secrets.token_bytes(count + 8) if byte < _EVEN]
    return picked[:count]
