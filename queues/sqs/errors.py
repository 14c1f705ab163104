"""The errors the SQS layer raises, and the one table that words AWS's failures for people."""

from __future__ import annotations

from http import HTTPStatus

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError


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
    """No answer: the connection failed, broke, or the answer did not come in time."""


class BudgetSpent(EndpointUnreachable):
    """The request's time budget for SQS ran out before a call got its answer."""


class CircuitOpen(EndpointUnreachable):
    """Refused without trying: the endpoint failed repeatedly and is resting (see the guard)."""


class Busy(SqsError):
    """Refused without trying: too many requests of this process already wait on the endpoint."""


class Unavailable(SqsError):
    """The endpoint answered with a server error (HTTP 5xx): SQS itself is having trouble."""


class Unsupported(SqsError):
    """The endpoint does not offer this operation (moto has no message move tasks, for one)."""


class UnexpectedResponse(SqsError):
    """The endpoint answered with something that is not an SQS answer (a proxy's page, an
    empty or cut-off body, a missing field)."""


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
_UNAVAILABLE = (Unavailable, "is unavailable")
UNSUPPORTED = (Unsupported, "This endpoint does not support the operation")
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
    **dict.fromkeys(
        (
            "ServiceUnavailable",
            "ServiceUnavailableException",
            "InternalError",
            "InternalFailure",
            "InternalServerError",
        ),
        _UNAVAILABLE,
    ),
    **dict.fromkeys(
        ("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation"), UNSUPPORTED
    ),
}

# An error text longer than this, or one that is markup (a proxy's HTML page), is not shown.
_LONGEST_TEXT = 300


def _shown_text(text: str, status: int | None) -> str:
    text = " ".join(str(text).split())
    if not text or text.startswith("<") or len(text) > _LONGEST_TEXT:
        return f"HTTP {status}" if status else "no details"
    return text


def _status_words(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def from_client_error(error: ClientError, *, service: str = "SQS", endpoint: str = "") -> SqsError:
    """The layer's error for an AWS error response."""
    info = error.response.get("Error", {})
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = info.get("Code", "")
    text = _shown_text(info.get("Message") or code, status)
    default = (InvalidInput, f"{service} rejected the request")
    kind, words = MEANINGS.get(code, default)
    if kind is Unavailable or (isinstance(status, int) and status >= 500):
        where = f" at {endpoint}" if endpoint else ""
        said = _status_words(status) if isinstance(status, int) else "a server error"
        if code and not code.isdigit():
            said += f", {code}"
        return Unavailable(
            f"{service} is unavailable ({said}){where}; try again shortly.", code=code
        )
    return kind(f"{words} ({text}).", code=code)


def from_exception(
    error: Exception, *, service: str = "SQS", endpoint: str = ""
) -> SqsError | None:
    """The layer's error for anything boto3 raises, or None when it is not one of AWS's or the
    network's failures (a bug, which must not be dressed up as an SQS problem)."""
    if isinstance(error, SqsError):
        return error
    if isinstance(error, ClientError):
        return from_client_error(error, service=service, endpoint=endpoint)
    if isinstance(error, NoCredentialsError):
        return AccessDenied(
            "No credentials: the default credential chain found none on this server."
        )
    where = f" ({endpoint})" if endpoint else ""
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError):
        return EndpointUnreachable(
            f"Endpoint unreachable: the {service} endpoint cannot be reached ({error})."
        )
    if isinstance(error, ReadTimeoutError):
        return EndpointUnreachable(
            f"Endpoint unreachable: the {service} endpoint{where} accepted the connection but "
            "did not answer in time. It may be overloaded or unreachable."
        )
    if isinstance(error, ConnectionClosedError | HTTPClientError):
        return EndpointUnreachable(
            f"Endpoint unreachable: the connection to the {service} endpoint{where} broke "
            "before it answered. It may be overloaded, or a proxy in between dropped it."
        )
    if isinstance(error, ResponseParserError):
        return UnexpectedResponse(
            f"The {service} endpoint{where} answered with something that is not an "
            f"{service} response; is a proxy or another service answering at that address?"
        )
    return None
