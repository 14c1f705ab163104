"""The one place an AwsProfile becomes a boto3 session and client.

Building a client from a new Session costs tens of milliseconds; reusing one costs about one. So
clients are cached per (profile, profile version, region, service): saving a profile bumps its
version and its old clients are never used again, and two profiles never share credentials.

Assumed roles and IAM Roles Anywhere hand out temporary credentials. They are fetched on first use
and refreshed before they expire (botocore's refreshable credentials), and shared by every client
of the same profile version, so one profile makes one AssumeRole / CreateSession call per period.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import DeferredRefreshableCredentials
from botocore.exceptions import ClientError
from django.conf import settings

from ..sqs import AccessDenied, SqsService
from ..sqs.identity import ConnectionCheck, check_connection
from .guard import EndpointGuard, endpoint_key
from .models import AuthMode, AwsProfile

_clients: dict[tuple, Any] = {}
_temporary: dict[tuple, DeferredRefreshableCredentials] = {}
# Re-entrant: client_for builds clients, and their credentials, while holding it.
_lock = threading.RLock()

DEFAULT_SESSION_NAME = "sqsadmin"


def user_session_name(username: str) -> str:
    """A dashboard username as STS takes a session name and SourceIdentity: [\\w+=,.@-], 2-64."""
    name = re.sub(r"[^\w+=,.@-]", "-", username, flags=re.ASCII)[:64]
    return name.ljust(2, "-")


def _who(profile: AwsProfile, user: str) -> str:
    """The user whose name a profile's temporary credentials carry ("" when they carry none):
    clients and credentials are cached per user only for profiles that identify the user."""
    temporary = profile.auth_mode in (AuthMode.ASSUME_ROLE, AuthMode.ROLES_ANYWHERE)
    return user if user and temporary and getattr(profile, "identify_user", False) else ""


class ProfileNotUsable(AccessDenied):
    """The profile's stored settings cannot produce credentials."""


# The longest WaitTimeSeconds SQS accepts; a long-poll client waits this much on top of the
# read timeout, so a 20 s receive is not cut off at 10 s and a dead endpoint still fails.
LONGEST_POLL_SECONDS = 20


def _config(*, long_poll: bool = False) -> Config:
    return Config(
        connect_timeout=settings.AWS_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_READ_TIMEOUT + (LONGEST_POLL_SECONDS if long_poll else 0),
        retries={"mode": "standard", "total_max_attempts": settings.AWS_MAX_ATTEMPTS},
        max_pool_connections=32,
    )


def _static_session(profile: AwsProfile, region: str) -> boto3.Session:
    if not (profile.access_key_id and profile.secret_access_key):
        raise ProfileNotUsable(f"Profile {profile.name!r} has no access key and secret.")
    return boto3.Session(
        aws_access_key_id=profile.access_key_id,
        aws_secret_access_key=profile.secret_access_key,
        aws_session_token=profile.session_token or None,
        region_name=region,
    )


def _assume_role(profile: AwsProfile, user: str = "") -> Callable[[], dict]:
    """AssumeRole on top of the profile's static keys or the default chain."""
    if not profile.role_arn:
        raise ProfileNotUsable(f"Profile {profile.name!r} has no role ARN to assume.")
    if profile.source_mode == AuthMode.STATIC:
        base = _static_session(profile, profile.region)
    else:
        base = boto3.Session(region_name=profile.region)
    # The STS call goes to the profile's endpoint too, so moto or LocalStack can play STS.
    sts = base.client("sts", endpoint_url=profile.endpoint_url or None, config=_config())
    params: dict[str, Any] = {
        "RoleArn": profile.role_arn,
        "RoleSessionName": profile.role_session_name or DEFAULT_SESSION_NAME,
        "DurationSeconds": profile.duration_seconds,
    }
    if profile.external_id:
        params["ExternalId"] = profile.external_id
    if user:
        # CloudTrail then names the person: in the assumed-role ARN, and as the source identity
        # that follows any role chained from this one.
        params["RoleSessionName"] = params["SourceIdentity"] = user_session_name(user)

    def fetch() -> dict:
        issued = sts.assume_role(**params)["Credentials"]
        return {
            "access_key": issued["AccessKeyId"],
            "secret_key": issued["SecretAccessKey"],
            "token": issued["SessionToken"],
            "expiry_time": issued["Expiration"].isoformat(),
        }

    return fetch


def rolesanywhere_region(profile: AwsProfile) -> str:
    """Roles Anywhere is regional: the trust anchor's ARN names the region to call."""
    parts = profile.trust_anchor_arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else profile.region


def _roles_anywhere(profile: AwsProfile, user: str = "") -> Callable[[], dict]:
    """CreateSession signed with the profile's X.509 certificate and private key."""
    from iam_rolesanywhere_session import CredentialsRetrievalError, IAMRolesAnywhereSession

    required = {
        "trust anchor ARN": profile.trust_anchor_arn,
        "profile ARN": profile.rolesanywhere_profile_arn,
        "role ARN": profile.role_arn,
        "certificate": profile.certificate_pem,
        "private key": profile.private_key_pem,
    }
    missing = [label for label, value in required.items() if not value]
    if missing:
        raise ProfileNotUsable(f"Profile {profile.name!r} has no {', '.join(missing)}.")
    try:
        anywhere = IAMRolesAnywhereSession(
            profile_arn=profile.rolesanywhere_profile_arn,
            role_arn=profile.role_arn,
            trust_anchor_arn=profile.trust_anchor_arn,
            certificate=profile.certificate_pem.encode(),
            certificate_chain=profile.certificate_chain_pem.encode() or None,
            private_key=profile.private_key_pem.encode(),
            private_key_passphrase=profile.private_key_passphrase or None,
            session_duration=profile.duration_seconds,
            role_session_name=user_session_name(user)
            if user
            else profile.role_session_name or None,
            region=rolesanywhere_region(profile),
            endpoint=settings.AWS_ROLESANYWHERE_ENDPOINT or None,
            verify=settings.AWS_ROLESANYWHERE_CA_BUNDLE or True,
        )
    except (ValueError, TypeError) as error:
        # Unparseable PEM, a wrong passphrase, an unsupported key type, a bad duration.
        raise ProfileNotUsable(
            f"Profile {profile.name!r} cannot sign IAM Roles Anywhere requests: {error}"
        ) from None
    create_session = anywhere.get_refreshable_credentials()._refresh_using

    def fetch() -> dict:
        try:
            return create_session()
        except CredentialsRetrievalError as error:
            # Surfaces through the SQS layer like any refused credential.
            raise ClientError(
                {
                    "Error": {
                        "Code": "AccessDenied",
                        "Message": f"IAM Roles Anywhere CreateSession failed "
                        f"(HTTP {error.status_code}): {error.message}",
                    }
                },
                "CreateSession",
            ) from None

    return fetch


def _refreshing(fetch: Callable[[], dict], duration: int, method: str):
    credentials = DeferredRefreshableCredentials(refresh_using=fetch, method=method)
    # botocore refreshes 15 min (advisory) / 10 min (mandatory) before expiry, which would make
    # every call of a 15-minute session fetch new credentials; scale the margins to the duration.
    credentials._advisory_refresh_timeout = min(15 * 60, duration // 3)
    credentials._mandatory_refresh_timeout = min(10 * 60, duration // 6)
    return credentials


def temporary_credentials(profile: AwsProfile, user: str = "") -> DeferredRefreshableCredentials:
    """The refreshing credentials of an assumed-role or Roles Anywhere profile.

    Shared per saved profile version (and per user, for a profile that identifies the user); an
    unsaved profile (a form's "Test connection") gets its own.
    """
    user = _who(profile, user)
    if profile.pk is None:
        return _new_temporary_credentials(profile, user)
    return _built_once(
        _temporary,
        (profile.pk, profile.version, user),
        lambda: _new_temporary_credentials(profile, user),
        stale=lambda k: k[0] == profile.pk and k[1] < profile.version,
    )


def _built_once(cache: dict, key: tuple, build: Callable[[], Any], stale: Callable[[tuple], bool]):
    """`cache[key]` (keys start with the profile's pk and version), built the first time under
    the lock so that concurrent requests build it once; the entries `stale` picks (those of the
    profile's older versions) are dropped then."""
    found = cache.get(key)
    if found is not None:
        return found
    with _lock:
        if key not in cache:
            for old in [k for k in cache if stale(k)]:
                del cache[old]
            cache[key] = build()
        return cache[key]


def _new_temporary_credentials(profile: AwsProfile, user: str) -> DeferredRefreshableCredentials:
    if profile.auth_mode == AuthMode.ASSUME_ROLE:
        fetch, method = _assume_role(profile, user), "sts-assume-role"
    elif profile.auth_mode == AuthMode.ROLES_ANYWHERE:
        fetch, method = _roles_anywhere(profile, user), "iam-roles-anywhere"
    else:
        raise ProfileNotUsable(f"Profile {profile.name!r} does not use temporary credentials.")
    return _refreshing(fetch, profile.duration_seconds, method)


def session_for(profile: AwsProfile, region: str, user: str = "") -> boto3.Session:
    if profile.auth_mode == AuthMode.STATIC:
        return _static_session(profile, region)
    if profile.auth_mode == AuthMode.DEFAULT_CHAIN:
        return boto3.Session(region_name=region)
    if profile.auth_mode in (AuthMode.ASSUME_ROLE, AuthMode.ROLES_ANYWHERE):
        core = botocore.session.Session()
        core._credentials = temporary_credentials(profile, user)
        return boto3.Session(botocore_session=core, region_name=region)
    raise ProfileNotUsable(
        f"Profile {profile.name!r} uses an unknown auth mode ({profile.auth_mode!r})."
    )


def build_client(
    profile: AwsProfile,
    region: str,
    service: str = "sqs",
    *,
    long_poll: bool = False,
    user: str = "",
) -> Any:
    """A new client, never cached: for unsaved profiles and for testing a connection afresh."""
    return _client(session_for(profile, region, user), profile, service, long_poll=long_poll)


def _client(
    session: boto3.Session, profile: AwsProfile, service: str, *, long_poll: bool = False
) -> Any:
    return session.client(
        service,
        endpoint_url=profile.endpoint_url or None,
        config=_config(long_poll=long_poll),
    )


def client_for(
    profile: AwsProfile,
    region: str,
    service: str = "sqs",
    *,
    long_poll: bool = False,
    user: str = "",
) -> Any:
    """The cached client; `user` (the dashboard username) matters only for a profile that
    identifies the user, whose clients are each user's own."""
    user = _who(profile, user)
    if profile.pk is None:
        return build_client(profile, region, service, long_poll=long_poll, user=user)
    return _built_once(
        _clients,
        (profile.pk, profile.version, region, service, long_poll, user),
        lambda: build_client(_complete(profile), region, service, long_poll=long_poll, user=user),
        # Clients built from other versions of this profile.
        stale=lambda k: k[0] == profile.pk and k[1] != profile.version,
    )


def _complete(profile: AwsProfile) -> AwsProfile:
    """Pages load profiles without their secrets (console/profile_lookup.py); a client is built
    from every field, read here once per profile version and region."""
    if profile.pk is not None and profile.get_deferred_fields():
        return AwsProfile.objects.get(pk=profile.pk)
    return profile


def sqs_for(
    profile: AwsProfile, region: str, user: str = "", *, budget: float | None = None
) -> SqsService:
    """The SQS layer for one request: its calls share a time budget (AWS_REQUEST_BUDGET unless
    given) and go through the endpoint's circuit breaker and bulkhead (guard.py). `user` names
    the dashboard user in the role session of profiles that identify users (CloudTrail)."""
    client = client_for(profile, region, "sqs", user=user)
    endpoint = client.meta.endpoint_url
    return SqsService(
        client,
        long_poll_client=lambda: client_for(profile, region, "sqs", long_poll=True, user=user),
        budget=settings.AWS_REQUEST_BUDGET if budget is None else budget,
        guard=EndpointGuard(endpoint_key(profile.pk, region, endpoint), endpoint),
    )


def check_profile(profile: AwsProfile, region: str | None = None) -> ConnectionCheck:
    """STS GetCallerIdentity and SQS ListQueues with fresh clients, saved profile or not."""
    region = region or profile.region
    try:
        # One session, so both calls share one set of temporary credentials.
        session = session_for(profile, region)
        sts, sqs = _client(session, profile, "sts"), _client(session, profile, "sqs")
    except ProfileNotUsable as error:
        return ConnectionCheck(ok=False, reason=str(error))
    return check_connection(sts, sqs)


def forget_profile(pk: int) -> None:
    """Drop a deleted profile's clients and credentials."""
    with _lock:
        for cache in (_clients, _temporary):
            for key in [k for k in cache if k[0] == pk]:
                del cache[key]


def forget_clients() -> None:
    with _lock:
        _clients.clear()
        _temporary.clear()
