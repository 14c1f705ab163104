"""SqsService: one method per SQS operation the dashboard needs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
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
from .types import (
    BATCH_BYTES,
    BATCH_ENTRIES,
    BatchEntryResult,
    BatchResult,
    ConsumeResult,
    DeleteResult,
    Message,
    OutgoingMessage,
    PeekResult,
    Queue,
    QueueCounts,
    QueuePage,
    SendResult,
    queue_name_from_url,
)

logger = logging.getLogger("sqsadmin.sqs")

# The most messages one peek or consume gathers (SQS hands out 10 a call).
MAX_RECEIVE = 100

_COUNT_ATTRIBUTES = [
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
]
# What a row of the queue list shows besides the name: counts, age and the DLQ link.
_ROW_ATTRIBUTES = [*_COUNT_ATTRIBUTES, "CreatedTimestamp", "QueueArn", "RedrivePolicy"]


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
        if code in errors.EXPIRED_CODES:
            return errors.AccessDenied(f"The profile's credentials have expired: {text}", code=code)
        if code in errors.WRONG_KEY_CODES:
            return errors.AccessDenied(
                f"AWS does not recognise the profile's access key: {text}", code=code
            )
        if code in errors.WRONG_SECRET_CODES:
            return errors.AccessDenied(
                f"The profile's secret access key is wrong: {text}", code=code
            )
        if code in errors.DENIED_CODES:
            return errors.AccessDenied(f"Access denied: {text}", code=code)
        if code in errors.THROTTLE_CODES:
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
    ) -> SendResult:
        message = OutgoingMessage(
            body, group_id, deduplication_id, delay_seconds, dict(attributes or {})
        )
        with self._translated(queue_name_from_url(url)):
            response = self._client.send_message(QueueUrl=url, **message.parameters())
        return SendResult(response["MessageId"], response.get("SequenceNumber", ""))

    def send_batch(
        self, url: str, messages: Sequence[OutgoingMessage], *, concurrency: int = 10
    ) -> BatchResult:
        """SendMessageBatch, 10 entries (and at most 1 MiB) a call, calls in parallel.

        Every entry gets a result. A call that fails as a whole marks its entries failed with
        the reason; only when nothing at all was sent does the error propagate.
        """
        chunks = _chunks(list(enumerate(messages)), size_of=lambda item: item[1].size)
        call_errors: list[errors.SqsError] = []

        def send(chunk: list[tuple[int, OutgoingMessage]]) -> list[BatchEntryResult]:
            entries = [{"Id": str(index), **m.parameters()} for index, m in chunk]
            try:
                with self._translated(queue_name_from_url(url)):
                    response = self._client.send_message_batch(QueueUrl=url, Entries=entries)
            except errors.SqsError as error:
                call_errors.append(error)
                return [BatchEntryResult(i, error=str(error), code=error.code) for i, _ in chunk]
            return [
                BatchEntryResult(int(ok["Id"]), ok["MessageId"], ok.get("SequenceNumber", ""))
                for ok in response.get("Successful", [])
            ] + [_failed_entry(failed) for failed in response.get("Failed", [])]

        results = self._in_parallel(send, chunks, concurrency)
        entries = tuple(sorted((e for chunk in results for e in chunk), key=lambda e: e.index))
        if call_errors and not any(e.ok for e in entries):
            raise call_errors[0]
        return BatchResult(entries)

    def _in_parallel(self, fn: Callable, items: list, concurrency: int) -> list:
        if len(items) <= 1 or concurrency <= 1:
            return [fn(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
            return list(pool.map(fn, items))

    def _receive(self, url: str, count: int, *, wait: int, visibility: int | None) -> list[Message]:
        params: dict[str, Any] = {
            "QueueUrl": url,
            "MaxNumberOfMessages": count,
            "WaitTimeSeconds": wait,
            "MessageSystemAttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
        }
        if visibility is not None:
            params["VisibilityTimeout"] = visibility
        with self._translated(queue_name_from_url(url)):
            response = self._client_for_wait(wait).receive_message(**params)
        return [Message.from_response(raw) for raw in response.get("Messages", [])]

    def _receive_up_to(
        self, url: str, count: int, *, wait: int, visibility: int | None, seen: dict
    ) -> None:
        """Receive until `count` distinct messages or the queue has no more to give.

        Only the first call waits the full time; later ones wait a second at most, enough for
        SQS to ask all its servers without stalling on an exhausted queue.
        """
        first = True
        while len(seen) < count:
            batch = self._receive(
                url,
                min(BATCH_ENTRIES, count - len(seen)),
                wait=wait if first else min(wait, 1),
                visibility=visibility,
            )
            first = False
            new = [m for m in batch if m.message_id not in seen]
            for message in batch:
                # A duplicate delivery carries the newest receipt handle: keep that one.
                seen[message.message_id] = message
            if not new:
                return

    def peek(self, url: str, count: int = 10, *, wait: int = 0, lease: int = 30) -> PeekResult:
        """Look at up to `count` messages and leave them in the queue.

        Receives with a short visibility lease (so later receives reach further messages instead
        of returning the same few), then releases them all with visibility 0. Each receive still
        adds one to a message's receive count.
        """
        _check_receive(count, wait)
        seen: dict[str, Message] = {}
        try:
            self._receive_up_to(url, count, wait=wait, visibility=lease, seen=seen)
        except errors.SqsError:
            self._release(url, [m.receipt_handle for m in seen.values()], quiet=True)
            raise
        unreleased = self._release(url, [m.receipt_handle for m in seen.values()])
        return PeekResult(tuple(seen.values())[:count], unreleased)

    def _release(self, url: str, handles: list[str], *, quiet: bool = False) -> int:
        """Make leased messages visible again; return how many could not be."""

        def release(chunk: list[str]) -> int:
            entries = [
                {"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                for i, h in enumerate(chunk)
            ]
            try:
                with self._translated(queue_name_from_url(url)):
                    response = self._client.change_message_visibility_batch(
                        QueueUrl=url, Entries=entries
                    )
            except errors.SqsError:
                if not quiet:
                    logger.warning("could not release %d leased messages", len(chunk))
                return len(chunk)
            return len(response.get("Failed", []))

        chunks = [handles[i : i + BATCH_ENTRIES] for i in range(0, len(handles), BATCH_ENTRIES)]
        return sum(self._in_parallel(release, chunks, len(chunks)))

    def delete_messages(self, url: str, receipt_handles: Sequence[str]) -> tuple[DeleteResult, ...]:
        """DeleteMessageBatch with exactly these handles; one result each, in the same order."""
        handles = list(receipt_handles)

        def delete(start: int) -> list[DeleteResult]:
            chunk = handles[start : start + BATCH_ENTRIES]
            entries = [{"Id": str(start + i), "ReceiptHandle": h} for i, h in enumerate(chunk)]
            with self._translated(queue_name_from_url(url)):
                response = self._client.delete_message_batch(QueueUrl=url, Entries=entries)
            failed = {f["Id"]: f for f in response.get("Failed", [])}
            results = []
            for entry in entries:
                failure = failed.get(entry["Id"])
                if failure is None:
                    results.append(DeleteResult(entry["ReceiptHandle"]))
                else:
                    results.append(_failed_delete(entry["ReceiptHandle"], failure))
            return results

        starts = list(range(0, len(handles), BATCH_ENTRIES))
        return tuple(r for chunk in self._in_parallel(delete, starts, 10) for r in chunk)

    def consume(
        self, url: str, count: int = 10, *, wait: int = 0, visibility: int = 30
    ) -> ConsumeResult:
        """Receive up to `count` messages and delete them: they are gone from the queue."""
        _check_receive(count, wait)
        seen: dict[str, Message] = {}
        try:
            self._receive_up_to(url, count, wait=wait, visibility=visibility, seen=seen)
        except errors.SqsError:
            if not seen:
                raise
        messages = tuple(seen.values())
        deletions = self.delete_messages(url, [m.receipt_handle for m in messages])
        return ConsumeResult(messages, deletions)


def _check_receive(count: int, wait: int) -> None:
    if not 1 <= count <= MAX_RECEIVE:
        raise errors.InvalidInput(f"Receive between 1 and {MAX_RECEIVE} messages, not {count}.")
    if not 0 <= wait <= 20:
        raise errors.InvalidInput(f"The wait time is 0-20 seconds, not {wait}.")


def _chunks(items: list, *, size_of: Callable[[Any], int]) -> list[list]:
    """Split into batches of at most 10 entries and 1 MiB together."""
    chunks: list[list] = []
    current: list = []
    current_bytes = 0
    for item in items:
        size = size_of(item)
        if current and (len(current) == BATCH_ENTRIES or current_bytes + size > BATCH_BYTES):
            chunks.append(current)
            current, current_bytes = [], 0
        current.append(item)
        current_bytes += size
    if current:
        chunks.append(current)
    return chunks


def _failed_entry(failed: dict[str, Any]) -> BatchEntryResult:
    return BatchEntryResult(
        int(failed["Id"]),
        error=failed.get("Message") or failed.get("Code", ""),
        code=failed.get("Code", ""),
    )


def _failed_delete(handle: str, failure: dict[str, Any]) -> DeleteResult:
    code = failure.get("Code", "")
    if code == "ReceiptHandleIsInvalid":
        text = (
            "The receipt handle is no longer valid: the message was deleted, received again "
            "elsewhere, or its queue was purged. Poll again for a fresh one."
        )
    else:
        text = failure.get("Message") or code
    return DeleteResult(handle, error=text, code=code)
