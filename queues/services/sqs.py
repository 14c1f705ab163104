"""SqsService: one method per SQS operation the dashboard needs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from . import errors
from .types import Queue, QueueCounts, QueuePage, queue_name_from_url

_COUNT_ATTRIBUTES = [
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
]
# What a row of the queue list shows besides the name: counts, age and the DLQ link.
_ROW_ATTRIBUTES = [*_COUNT_ATTRIBUTES, "CreatedTimestamp", "QueueArn", "RedrivePolicy"]

# Error codes that have no modelled exception class in botocore's SQS client.
_ACCESS_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidSecurity",
    "KMS.AccessDeniedException",
}
_THROTTLE_CODES = {
    "Throttling",
    "ThrottlingException",
    "RequestThrottled",
    "RequestThrottledException",
}


class SqsService:
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
        """Turn boto3's failures into the layer's own errors, once, at the call."""
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
        except ClientError as error:
            raise self._from_client_error(error) from None
        except NoCredentialsError:
            raise errors.AccessDenied(
                "No AWS credentials were found for this profile (the default chain is empty)."
            ) from None
        except (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError) as error:
            raise errors.EndpointUnreachable(
                f"The SQS endpoint cannot be reached: {error}"
            ) from None
        except ReadTimeoutError:
            raise errors.EndpointUnreachable(
                "The SQS endpoint did not answer in time. It may be overloaded or unreachable."
            ) from None

    @staticmethod
    def _from_client_error(error: ClientError) -> errors.SqsError:
        info = error.response.get("Error", {})
        code = info.get("Code", "")
        text = info.get("Message") or code
        if code in _ACCESS_CODES:
            if code.startswith("Expired"):
                return errors.AccessDenied(
                    f"The profile's credentials have expired: {text}", code=code
                )
            if code in {"InvalidClientTokenId", "UnrecognizedClientException"}:
                return errors.AccessDenied(
                    f"AWS does not recognise the profile's access key: {text}", code=code
                )
            if code == "SignatureDoesNotMatch":
                return errors.AccessDenied(
                    f"The profile's secret access key is wrong: {text}", code=code
                )
            return errors.AccessDenied(f"Access denied: {text}", code=code)
        if code in _THROTTLE_CODES:
            return errors.Throttled(
                f"SQS is throttling requests; wait a moment and try again. ({text})", code=code
            )
        return errors.InvalidInput(f"SQS rejected the request: {text}", code=code)

    # Queues

    def list_queues(
        self, prefix: str = "", *, max_results: int = 1000, next_token: str | None = None
    ) -> QueuePage:
        params: dict[str, Any] = {"MaxResults": max_results}
        if prefix:
            params["QueueNamePrefix"] = prefix
        if next_token:
            params["NextToken"] = next_token
        with self._translated():
            response = self._client.list_queues(**params)
        return QueuePage(
            urls=tuple(response.get("QueueUrls", [])), next_token=response.get("NextToken")
        )

    def get_queue_url(self, name: str) -> str:
        with self._translated(name):
            return self._client.get_queue_url(QueueName=name)["QueueUrl"]

    def get_queue(self, name: str) -> Queue:
        url = self.get_queue_url(name)
        return self.get_queue_by_url(url)

    def get_queue_by_url(self, url: str) -> Queue:
        name = queue_name_from_url(url)
        with self._translated(name):
            response = self._client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
        return Queue(name=name, url=url, attributes=response.get("Attributes", {}))

    def get_counts(self, url: str) -> QueueCounts:
        with self._translated(queue_name_from_url(url)):
            response = self._client.get_queue_attributes(
                QueueUrl=url, AttributeNames=_COUNT_ATTRIBUTES
            )
        return QueueCounts.from_attributes(response.get("Attributes", {}))

    def create_queue(
        self,
        name: str,
        attributes: dict[str, str] | None = None,
        tags: dict[str, str] | None = None,
    ) -> str:
        params: dict[str, Any] = {"QueueName": name, "Attributes": dict(attributes or {})}
        if name.endswith(".fifo"):
            params["Attributes"]["FifoQueue"] = "true"
        if tags:
            params["tags"] = tags
        with self._translated(name):
            return self._client.create_queue(**params)["QueueUrl"]

    def get_queue_rows(
        self, urls: Iterable[str], *, max_workers: int = 8, with_tags: bool = False
    ) -> list[Queue | errors.SqsError]:
        """Counts, creation time and redrive target of many queues, `max_workers` calls at a
        time, in the order given; a queue that fails is its error, not a failed batch."""

        def one(url: str) -> Queue | errors.SqsError:
            name = queue_name_from_url(url)
            try:
                with self._translated(name):
                    response = self._client.get_queue_attributes(
                        QueueUrl=url, AttributeNames=_ROW_ATTRIBUTES
                    )
                tags = self.list_queue_tags(url) if with_tags else {}
            except errors.SqsError as error:
                return error
            return Queue(name=name, url=url, attributes=response.get("Attributes", {}), tags=tags)

        urls = list(urls)
        if len(urls) <= 1 or max_workers <= 1:
            return [one(url) for url in urls]
        with ThreadPoolExecutor(max_workers=min(max_workers, len(urls))) as pool:
            return list(pool.map(one, urls))

    def list_queue_tags(self, url: str) -> dict[str, str]:
        with self._translated(queue_name_from_url(url)):
            return self._client.list_queue_tags(QueueUrl=url).get("Tags", {})

    def set_queue_attributes(self, url: str, attributes: dict[str, str]) -> None:
        with self._translated(queue_name_from_url(url)):
            self._client.set_queue_attributes(QueueUrl=url, Attributes=attributes)

    def tag_queue(self, url: str, tags: dict[str, str]) -> None:
        if not tags:
            return
        with self._translated(queue_name_from_url(url)):
            self._client.tag_queue(QueueUrl=url, Tags=tags)

    def untag_queue(self, url: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        with self._translated(queue_name_from_url(url)):
            self._client.untag_queue(QueueUrl=url, TagKeys=keys)

    def purge_queue(self, url: str) -> None:
        with self._translated(queue_name_from_url(url)):
            self._client.purge_queue(QueueUrl=url)

    def delete_queue(self, url: str) -> None:
        with self._translated(queue_name_from_url(url)):
            self._client.delete_queue(QueueUrl=url)

    def list_dead_letter_source_queues(self, url: str) -> tuple[str, ...]:
        """Names of the queues whose RedrivePolicy points at this one."""
        names: list[str] = []
        params: dict[str, Any] = {"QueueUrl": url, "MaxResults": 1000}
        with self._translated(queue_name_from_url(url)):
            while True:
                response = self._client.list_dead_letter_source_queues(**params)
                names += [queue_name_from_url(u) for u in response.get("queueUrls", [])]
                if not response.get("NextToken"):
                    break
                params["NextToken"] = response["NextToken"]
        return tuple(sorted(names))

    # Messages

    def send_message(
        self,
        url: str,
        body: str,
        *,
        group_id: str = "",
        deduplication_id: str = "",
        delay_seconds: int | None = None,
        attributes: dict[str, dict[str, Any]] | None = None,
    ) -> str:
        params: dict[str, Any] = {"QueueUrl": url, "MessageBody": body}
        if group_id:
            params["MessageGroupId"] = group_id
        if deduplication_id:
            params["MessageDeduplicationId"] = deduplication_id
        if delay_seconds is not None:
            params["DelaySeconds"] = delay_seconds
        if attributes:
            params["MessageAttributes"] = attributes
        with self._translated(queue_name_from_url(url)):
            return self._client.send_message(**params)["MessageId"]
