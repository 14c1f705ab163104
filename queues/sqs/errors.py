"""The errors the SQS layer raises, and the one table that words AWS's failures for people."""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)


class SqsError(Exception):
    """Base class: `str(error)` is fit to show to the operator."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class QueueNotFound(SqsError):
    pass


class QueueNameTaken(SqsError):
    pass


class QueueDeletedRecently(SqsError):
    pass


class PurgeInProgress(SqsError):
    pass


class AccessDenied(SqsError):
    pass


class InvalidInput(SqsError):
    pass


class Throttled(SqsError):
    pass


class EndpointUnreachable(SqsError):
    pass


class PartlyApplied(SqsError):
    """A change of several calls failed after some of them succeeded; `applied` says which."""

    def __init__(self, message: str, *, applied: tuple[str, ...], code: str = "") -> None:
        super().__init__(message, code=code)
        self.applied = applied


# AWS error codes by what they mean for the person at the keyboard: (error class, words). The SQS
# layer and the connection check both word their messages from this one table.
_WRONG_KEY = (AccessDenied, "Wrong keys: AWS does not recognise the access key ID")
_WRONG_SECRET = (AccessDenied, "Wrong keys: the secret access key does not match the access key")
_EXPIRED = (AccessDenied, "Expired token: the credentials have expired")
DENIED = (AccessDenied, "Access denied")
_THROTTLED = (Throttled, "AWS is throttling requests; wait a moment and try again")
MEANINGS: dict[str, tuple[type[SqsError], str]] = {
    **dict.fromkeys(
        ("InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId"), _WRONG_KEY
    ),
    **dict.fromkeys(("SignatureDoesNotMatch", "IncompleteSignature"), _WRONG_SECRET),
    **dict.fromkeys(
        ("ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"),
        _EXPIRED,
    ),
    **dict.fromkeys(
        (
            "AccessDenied",
            "AccessDeniedException",
            "AuthorizationError",
            "InvalidSecurity",
            "KMS.AccessDeniedException",
        ),
        DENIED,
    ),
    **dict.fromkeys(
        ("Throttling", "ThrottlingException", "RequestThrottled", "RequestThrottledException"),
        _THROTTLED,
    ),
}


def from_client_error(error: ClientError, *, service: str = "SQS") -> SqsError:
    """The layer's error for an AWS error response."""
    info = error.response.get("Error", {})
    code = info.get("Code", "")
    text = info.get("Message") or code
    kind, words = MEANINGS.get(code, (InvalidInput, f"{service} rejected the request"))
    return kind(f"{words} ({text}).", code=code)


def from_exception(error: Exception, *, service: str = "SQS") -> SqsError | None:
    """The layer's error for anything boto3 raises, or None when it is not one of AWS's or the
    network's failures (a bug, which must not be dressed up as an SQS problem)."""
    if isinstance(error, SqsError):
        return error
    if isinstance(error, ClientError):
        return from_client_error(error, service=service)
    if isinstance(error, NoCredentialsError):
        return AccessDenied(
            "No credentials: the default credential chain found none on this server."
        )
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError | ConnectionClosedError):
        return EndpointUnreachable(
            f"Endpoint unreachable: the {service} endpoint cannot be reached ({error})."
        )
    if isinstance(error, ReadTimeoutError):
        return EndpointUnreachable(
            f"Endpoint unreachable: the {service} endpoint accepted the connection but did not "
            "answer in time. It may be overloaded or unreachable."
        )
    return None
