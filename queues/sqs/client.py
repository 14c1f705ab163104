"""The base of SqsService: one boto3 SQS client, and every failure turned into the layer's own
errors once, at the call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, ReadTimeoutError
from botocore.parsers import ResponseParserError

from . import errors
from .budget import Call, Deadline, Guard, budget_spent, current_call, install_hooks


class SqsClient:
    """Wraps one boto3 SQS client (built and cached elsewhere) for one account and region.

    `budget` is the seconds all of this instance's calls may take together, retries included
    (build one instance per request); `guard` may refuse a call before it is sent and hears how
    each call ended (see budget.py)."""

    def __init__(
        self,
        client: Any,
        *,
        long_poll_client: Callable[[], Any] | None = None,
        budget: float | None = None,
        guard: Guard | None = None,
    ) -> None:
        self._client = client
        self._exceptions = client.exceptions
        self._long_poll_client = long_poll_client
        self._deadline = Deadline(budget) if budget else None
        self._guard = guard
        self.endpoint = client.meta.endpoint_url
        install_hooks(client)

    def _client_for_wait(self, wait_seconds: int) -> Any:
        """Receives that wait use a client whose read timeout covers the wait (and the wait is
        added to the request's budget)."""
        if wait_seconds > 0 and self._deadline is not None:
            self._deadline.extend(wait_seconds)
        if wait_seconds > 0 and self._long_poll_client is not None:
            client = self._long_poll_client()
            install_hooks(client)
            return client
        return self._client

    @contextmanager
    def _translated(self, queue: str = "", *, waits: float = 0.0) -> Iterator[None]:
        """Around every call: the guard's say, the budget, and failures in the layer's words.
        `waits`: the seconds a long poll waits on purpose."""
        guard = self._guard
        if guard is not None:
            guard.before_call(waits)
        call = Call(self.endpoint, self._deadline)
        token = current_call.set(call)
        outcome: BaseException | None = None
        try:
            with self._words(call, queue):
                yield
        except BaseException as error:
            outcome = error
            raise
        finally:
            current_call.reset(token)
            if guard is not None:
                guard.after_call(outcome, waits)

    @contextmanager
    def _words(self, call: Call, queue: str) -> Iterator[None]:
        exc = self._exceptions
        subject = f"Queue {queue!r}" if queue else "The queue"
        try:
            yield
        except exc.QueueDoesNotExist:
            raise errors.QueueNotFound(
                f"{subject} does not exist in this account and region (it may have been deleted)."
            ) from None
        except exc.QueueNameExists:
            raise errors.QueueNameTaken(
                f"{subject} already exists with different attributes. Pick another name or edit "
                "the existing queue."
            ) from None
        except exc.QueueDeletedRecently:
            raise errors.QueueDeletedRecently(
                f"{subject} was deleted less than 60 seconds ago; SQS reserves the name for "
                "60 seconds. Try again in a minute."
            ) from None
        except exc.PurgeQueueInProgress:
            raise errors.PurgeInProgress(
                f"{subject} was purged less than 60 seconds ago; SQS allows one purge per "
                "queue every 60 seconds. Try again in a minute."
            ) from None
        except (ReadTimeoutError, ConnectTimeoutError) as error:
            if call.deadline is not None and call.deadline.remaining() <= 0.05:
                raise budget_spent(call) from None
            if isinstance(error, ConnectTimeoutError):
                raise errors.from_exception(error) from None
            raise errors.EndpointUnreachable(
                f"Endpoint unreachable: the SQS endpoint {self.endpoint} accepted the connection "
                f"but did not answer in time ({call.operation or 'a call'}). It may be overloaded "
                "or unreachable."
            ) from None
        except (BotoCoreError, ResponseParserError) as error:
            failure = errors.from_exception(error, endpoint=self.endpoint)
            if failure is None:
                raise
            raise failure from None
        except ClientError as error:
            raise errors.from_client_error(error, endpoint=self.endpoint) from None
        except (KeyError, TypeError) as error:
            # Reading a field of the answer failed (the hooks check the usual ones first).
            raise errors.UnexpectedResponse(
                f"Unexpected answer: {self.endpoint} answered {call.operation or 'a call'} "
                f"without the field {error}; it does not look like an SQS response."
            ) from None
