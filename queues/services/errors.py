"""The few errors the SQS layer raises, each with a message a person understands."""

from __future__ import annotations

# AWS error codes, by what they mean for the person at the keyboard. The SQS layer and the
# connection check both word their messages from these.
WRONG_KEY_CODES = frozenset(
    {"InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId"}
)
WRONG_SECRET_CODES = frozenset({"SignatureDoesNotMatch", "IncompleteSignature"})
EXPIRED_CODES = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
)
DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AuthorizationError",
        "InvalidSecurity",
        "KMS.AccessDeniedException",
    }
)
THROTTLE_CODES = frozenset(
    {"Throttling", "ThrottlingException", "RequestThrottled", "RequestThrottledException"}
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
