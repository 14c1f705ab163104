"""The few errors the SQS layer raises, each with a message a person understands."""

from __future__ import annotations


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
