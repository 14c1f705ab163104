"""The base of SqsService: one boto3 SQS client, and every failure turned into the layer's own
errors once, at the call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from . import errors


class SqsClient:
    """Wraps one boto3 SQS client (built and cached elsewhere) for one account and region."""

    def __init__(self, client: Any, *, long_poll_client: Callable[[], Any] | None = None) -> None:
        self._client = client
        self._exceptions = client.exceptions
        self._long_poll_client = long_poll_client

    def _client_for_wait(self, wait_seconds: int) -> Any:
        """Receives that wait use a client whose read timeout covers the wait."""
        if wait_seconds > 0 and self._long_poll_client is not None:
            return self._long_poll_client()
        return self._client

    @contextmanager
    def _translated(self, queue: str = "") -> Iterator[None]:
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
        except BotoCoreError as error:
            failure = errors.from_exception(error)
            if failure is None:
                raise
            raise failure from None
        except ClientError as error:
            raise errors.from_client_error(error) from None
