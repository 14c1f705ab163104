"""Single sign-on with OpenID Connect, on mozilla-django-oidc.

The backend creates or updates the user from the identity provider's claims and replaces their
Django groups with the roles their IdP groups map to (OIDC_ADMIN_GROUPS, OIDC_OPERATOR_GROUPS,
OIDC_VIEWER_GROUPS) on every sign-in: someone in no mapped group signs in with no role and sees
nothing. Endpoints come from the issuer's discovery document, fetched on first use (a password
sign-in never waits for the IdP). Tokens are not kept and the client secret is never logged.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.views import View
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from .backends import OneQueryPermissions
from .roles import ADMINS, OPERATORS, VIEWERS, sync_role_groups

logger = logging.getLogger("sqsadmin.auth")

# mozilla-django-oidc's setting name -> the discovery document's key.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


@functools.lru_cache(maxsize=4)
def discover(issuer: str) -> dict:
    """The issuer's OpenID configuration, once per process (a failure is not cached)."""
    url = f"{issuer}/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer:
        raise ImproperlyConfigured(
            f"OIDC_ISSUER is {issuer!r} but its discovery document names {document.get('issuer')!r}"
        )
    return document


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's settings, with endpoints left blank filled in by discovery."""
    if attr in DISCOVERED and not getattr(settings, attr, ""):
        return discover(settings.OIDC_ISSUER)[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def roles_for(idp_groups: Iterable[str]) -> list[str]:
    """The Django groups (roles) that a user's IdP groups map to."""
    idp_groups = set(idp_groups)
    mapping = {
        ADMINS: settings.OIDC_ADMIN_GROUPS,
        OPERATORS: settings.OIDC_OPERATOR_GROUPS,
        VIEWERS: settings.OIDC_VIEWER_GROUPS,
    }
    return [role for role, mapped in mapping.items() if idp_groups & set(mapped)]


def _claimed_groups(claims: dict) -> list[str]:
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):  # some IdPs send one group, or a comma-separated string
        value = value.replace(",", " ").split()
    return [str(group) for group in value]


class RoleMappingBackend(OneQueryPermissions, OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every sign-in and permission check: nothing here may
        # reach the IdP. The endpoints are looked up when an OIDC callback arrives.
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        super().__init__()

    def authenticate(self, request, **kwargs):
        if request is None or not (request.GET.get("code") and request.GET.get("state")):
            return None
        self._configure()
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (not a signed userinfo answer): ours, from our IdP
            audience = payload.get("aud")
            audiences = [audience] if isinstance(audience, str) else list(audience or [])
            if settings.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("the ID token was issued to another client")
            if settings.OIDC_ISSUER and payload.get("iss", "").rstrip("/") != settings.OIDC_ISSUER:
                raise SuspiciousOperation("the ID token comes from another issuer")
        return payload

    def _username(self, claims: dict) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()[:150]

    def verify_claims(self, claims: dict) -> bool:
        if not self._username(claims):
            logger.warning(
                "single sign-on refused: the IdP sent no %r claim", settings.OIDC_USERNAME_CLAIM
            )
            return False
        return True

    def filter_users_by_claims(self, claims: dict):
        return self.UserModel.objects.filter(username=self._username(claims))

    def create_user(self, claims: dict):
        user = self.UserModel(username=self._username(claims))
        user.set_unusable_password()  # signs in through the IdP only
        user.save()
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims: dict):
        roles = roles_for(_claimed_groups(claims))
        user.email = str(claims.get("email") or user.email)[:254]
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        # The IdP decides: no superuser bypass of the role mapping; the admin site for Admins.
        user.is_superuser = False
        user.is_staff = ADMINS in roles
        user.save()
        groups = Group.objects.filter(name__in=roles)
        if len(groups) < len(roles):  # the roles migration's groups were removed: make them again
            sync_role_groups(Group, Permission)
            groups = Group.objects.filter(name__in=roles)
        user.groups.set(groups)
        logger.info("single sign-on user=%r roles=%s", user.username, ",".join(roles) or "(none)")
        return user


# What an unreachable or misbehaving IdP raises: the user gets the login page saying single
# sign-on did not complete, and the log names the kind of failure (never a token or secret).
IDP_FAILURES = (requests.RequestException, ImproperlyConfigured, KeyError, ValueError)


class AuthenticationRequestView(oidc_views.OIDCAuthenticationRequestView):
    """ "Sign in with ...": off to the IdP's authorization endpoint (state, nonce and PKCE)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the endpoint is looked up in get(), where it can fail

    def get(self, request):
        if not settings.SSO_ENABLED:
            raise Http404("single sign-on is not set up")
        try:
            oidc_views.OIDCAuthenticationRequestView.__init__(self)
        except IDP_FAILURES as exc:
            logger.error("single sign-on unavailable: %s", type(exc).__name__)
            return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)
        return super().get(request)


class AuthenticationCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not settings.SSO_ENABLED:
            raise Http404("single sign-on is not set up")
        try:
            return super().get(request)
        except IDP_FAILURES as exc:
            logger.error("single sign-on failed at the IdP: %s", type(exc).__name__)
            return self.login_failure()
