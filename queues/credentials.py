"""The one place an AwsProfile becomes a boto3 session and client.

Building a client from a new Session costs tens of milliseconds; reusing one costs about one. So
clients are cached per (profile, profile version, region, service): saving a profile bumps its
version and its old clients are never used again, and two profiles never share credentials.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config
from django.conf import settings

from .models import AuthMode, AwsProfile
from .services import SqsService
from .services.errors import AccessDenied

_clients: dict[tuple, Any] = {}
_lock = threading.Lock()


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


def session_for(profile: AwsProfile, region: str) -> boto3.Session:
    if profile.auth_mode == AuthMode.STATIC:
        if not (profile.access_key_id and profile.secret_access_key):
            raise ProfileNotUsable(f"Profile {profile.name!r} has no access key and secret.")
        return boto3.Session(
            aws_access_key_id=profile.access_key_id,
            aws_secret_access_key=profile.secret_access_key,
            aws_session_token=profile.session_token or None,
            region_name=region,
        )
    if profile.auth_mode == AuthMode.DEFAULT_CHAIN:
        return boto3.Session(region_name=region)
    raise ProfileNotUsable(
        f"Profile {profile.name!r} uses {profile.get_auth_mode_display()}, which this "
        "installation cannot use yet."
    )


def client_for(
    profile: AwsProfile, region: str, service: str = "sqs", *, long_poll: bool = False
) -> Any:
    key = (profile.pk, profile.version, region, service, long_poll)
    client = _clients.get(key)
    if client is not None:
        return client
    with _lock:
        client = _clients.get(key)
        if client is None:
            # Drop clients built from older versions of this profile.
            for stale in [k for k in _clients if k[0] == profile.pk and k[1] != profile.version]:
                del _clients[stale]
            client = session_for(profile, region).client(
                service,
                endpoint_url=profile.endpoint_url or None,
                config=_config(long_poll=long_poll),
            )
            _clients[key] = client
    return client


def sqs_for(profile: AwsProfile, region: str) -> SqsService:
    return SqsService(
        client_for(profile, region, "sqs"),
        long_poll_client=lambda: client_for(profile, region, "sqs", long_poll=True),
    )


def forget_clients() -> None:
    with _lock:
        _clients.clear()
