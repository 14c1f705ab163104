"""Sign-in lockout with django-axes: the hooks its settings name (see sqsadmin/settings.py).

Failures are rows in the database (axes' AccessAttempt), so every worker and host counts the
same ones. Two limits:

- one account from one address: LOGIN_MAX_FAILURES, then that account is refused from that
  address (guessing one password);
- one address across accounts: LOGIN_MAX_FAILURES_PER_ADDRESS, then that address is refused for
  every account (spraying one password over many usernames). Nobody else is locked out.

Both last LOGIN_LOCKOUT_SECONDS after the last failure. Single sign-on is not counted: the
identity provider checks those credentials and throttles them itself.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

logger = logging.getLogger("sqsadmin.auth")


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    return settings.LOGIN_MAX_FAILURES


def cool_off(request: HttpRequest | None = None) -> timedelta:
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def lockout_message() -> str:
    minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
    return f"Too many failed sign-ins. Wait {minutes} minutes before trying again."


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    """The address failures are counted against.

    REMOTE_ADDR, unless it is one of TRUSTED_PROXIES: then X-Forwarded-For read from the right,
    skipping our own proxies, to the first address a trusted proxy saw connect. Entries further
    left were written by the client and prove nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a garbled header: count against the proxy rather than guess
        if not _trusted(hop):
            return hop
    return remote


def not_a_password_attempt(request: HttpRequest, credentials: dict | None) -> bool:
    """Axes' whitelist hook: only attempts that carry a password are counted or refused.

    A single sign-on callback authenticates with a code from the identity provider, not a
    password; it is neither refused by a lockout nor counted as a failure.
    """
    return (credentials or {}).get(settings.AXES_PASSWORD_FORM_FIELD) is None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The login page again, saying why and for how long (HTTP 429).

    Axes flags the failure that reaches the limit too; that attempt had its password checked,
    so it gets the usual "wrong password" answer and only the attempts after it are refused.
    """
    if not getattr(request, "sign_in_refused", False) and original_response is not None:
        return original_response
    from .views import login_context

    logger.warning(
        "sign-in refused (locked out) user=%r address=%s",
        str((credentials or {}).get("username") or "")[:150],
        getattr(request, "axes_ip_address", "-"),
    )
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    context = {**login_context(request), "form": form, "lockout": lockout_message()}
    response = TemplateResponse(request, "registration/login.html", context, status=429)
    return response.render()


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter.

    AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"], "ip_address"]: the first count is
    held to LOGIN_MAX_FAILURES, the second to LOGIN_MAX_FAILURES_PER_ADDRESS. Axes compares one
    number with one limit, so an address over its own limit reports the account limit.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_address >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS:
            return max(per_account, failure_limit(request, credentials))
        return per_account

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A successful sign-in clears that account's failures from that address only: signing
        in to one's own account must not wipe the address's count of sprayed usernames."""
        per_account = self.filter_user_attempts(request, credentials)[0]
        count, _ = per_account.delete()
        return count


class LockoutBackend(AxesStandaloneBackend):
    """Axes' first-in-line backend, marking the requests it refuses before any password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username, password, **kwargs)
        except PermissionDenied:
            request.sign_in_refused = True
            raise
