"""Queue operations of SqsService, and the compound ones the dashboard's pages are made of."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from . import errors
from .batching import in_parallel, side_by_side
from .client import SqsClient
from .queues import (
    COUNT_ATTRIBUTES,
    ROW_ATTRIBUTES,
    Queue,
    QueueCounts,
    QueuePage,
    TagChanges,
    queue_name_from_arn,
    tags_problem,
)
from .queues import queue_name_from_url as _name


@dataclass(frozen=True)
class QueueDetails:
    """What a queue's page shows besides its attributes; a part that could not be read is
    empty and its reason is in `problems`."""

    tags: dict[str, str] = field(default_factory=dict)
    dead_letter_sources: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


class QueueOperations(SqsClient):
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
        return self.get_queue_by_url(self.get_queue_url(name))

    def get_queue_by_url(self, url: str) -> Queue:
        name = _name(url)
        with self._translated(name):
            response = self._client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
        return Queue(name=name, url=url, attributes=response.get("Attributes", {}))

    def get_counts(self, url: str) -> QueueCounts:
        with self._translated(_name(url)):
            response = self._client.get_queue_attributes(
                QueueUrl=url, AttributeNames=COUNT_ATTRIBUTES
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
            if problem := tags_problem(tags):
                raise errors.InvalidInput(problem, code="InvalidParameterValue")
            params["tags"] = tags
        with self._translated(name):
            return self._client.create_queue(**params)["QueueUrl"]

    def create_queue_if_absent(
        self, name: str, attributes: dict[str, str], tags: dict[str, str] | None = None
    ) -> str:
        """CreateQueue, refused when the name is taken: with the same attributes SQS would
        quietly hand back the existing queue, and the operator would think they made it."""
        try:
            self.get_queue_url(name)
        except errors.QueueNotFound:
            return self.create_queue(name, attributes, tags)
        raise errors.QueueNameTaken(
            f"A queue named {name} already exists here: open it or pick another name."
        )

    def dead_letter_queue_arn(self, name_or_arn: str) -> str:
        """The ARN of the queue chosen as a dead-letter queue, by name or ARN ("" for none).
        SQS only redrives within one account and region: an ARN of another is refused."""
        if not name_or_arn:
            return ""
        name = queue_name_from_arn(name_or_arn)
        try:
            arn = self.get_queue(name).arn
        except errors.QueueNotFound:
            raise errors.QueueNotFound(
                f"There is no queue {name!r} in this account and region."
            ) from None
        if name_or_arn.startswith("arn:") and name_or_arn != arn:
            raise errors.QueueNotFound(
                f"{name_or_arn} is not a queue of this account and region ({arn} is): a "
                "dead-letter queue must be in the same account and region."
            )
        return arn

    def get_queue_rows(
        self, urls: Iterable[str], *, max_workers: int = 8, with_tags: bool = False
    ) -> list[Queue | errors.SqsError]:
        """Counts, creation time and redrive target of many queues, `max_workers` calls at a
        time, in the order given; a queue that fails is its error, not a failed batch."""

        def one(url: str) -> Queue | errors.SqsError:
            name = _name(url)
            try:
                with self._translated(name):
                    response = self._client.get_queue_attributes(
                        QueueUrl=url, AttributeNames=ROW_ATTRIBUTES
                    )
                tags = self.list_queue_tags(url) if with_tags else {}
            except errors.SqsError as error:
                return error
            return Queue(name=name, url=url, attributes=response.get("Attributes", {}), tags=tags)

        return in_parallel(one, list(urls), max_workers)

    def queue_details(self, url: str) -> QueueDetails:
        """Tags and dead-letter sources, read at the same time."""
        tags, sources = side_by_side(
            lambda: self.list_queue_tags(url),
            lambda: self.list_dead_letter_source_queues(url),
        )
        return _details(tags, sources)

    def queue_for_edit(self, url: str, *, prefix: str = "") -> tuple[Queue, list[str] | None]:
        """The queue with its tags, and the queue names to suggest as its dead-letter queue (None
        when ListQueues failed), read at the same time. Tags that cannot be read are empty."""
        queue, tags, names = side_by_side(
            lambda: self.get_queue_by_url(url),
            lambda: self.list_queue_tags(url),
            lambda: list(self.list_queues(prefix, max_results=1000).names),
        )
        if isinstance(queue, Exception):
            raise queue
        if not isinstance(tags, Exception):
            queue = replace(queue, tags=tags)
        return queue, None if isinstance(names, Exception) else names

    def queue_with_details(self, url: str) -> tuple[Queue, QueueDetails]:
        """The queue's attributes, tags and dead-letter sources, all three read at the same time
        (one round trip instead of two once the URL is known). Failing to read the attributes
        fails the whole; tags and sources that cannot be read are problems."""
        queue, tags, sources = side_by_side(
            lambda: self.get_queue_by_url(url),
            lambda: self.list_queue_tags(url),
            lambda: self.list_dead_letter_source_queues(url),
        )
        if isinstance(queue, Exception):
            raise queue
        return queue, _details(tags, sources)

    def list_queue_tags(self, url: str) -> dict[str, str]:
        with self._translated(_name(url)):
            return self._client.list_queue_tags(QueueUrl=url).get("Tags", {})

    def set_queue_attributes(self, url: str, attributes: dict[str, str]) -> None:
        with self._translated(_name(url)):
            self._client.set_queue_attributes(QueueUrl=url, Attributes=attributes)

    def tag_queue(self, url: str, tags: dict[str, str]) -> None:
        if not tags:
            return
        with self._translated(_name(url)):
            self._client.tag_queue(QueueUrl=url, Tags=tags)

    def untag_queue(self, url: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        with self._translated(_name(url)):
            self._client.untag_queue(QueueUrl=url, TagKeys=keys)

    def update_queue(self, url: str, attributes: dict[str, str], tags: TagChanges) -> None:
        """Apply an edit: attributes, then removed tags, then added ones (removing first keeps a
        queue at its 50-tag limit editable). A step that fails after others succeeded raises
        PartlyApplied, which says what was changed and what was not. Tags SQS would refuse
        (the 50-tag limit among them) are refused before the first call, so nothing half
        happens."""
        if problem := tags.problem:
            raise errors.InvalidInput(problem, code="InvalidParameterValue")
        steps = [
            ("attributes", bool(attributes), lambda: self.set_queue_attributes(url, attributes)),
            ("removed tags", bool(tags.removed), lambda: self.untag_queue(url, tags.removed)),
            ("added tags", bool(tags.added), lambda: self.tag_queue(url, tags.added)),
        ]
        applied: list[str] = []
        for what, needed, step in steps:
            if not needed:
                continue
            try:
                step()
            except errors.SqsError as error:
                if not applied:
                    raise
                raise errors.PartlyApplied(
                    f"Only part of the change was saved: the {' and '.join(applied)} were "
                    f"changed, but saving the {what} failed: {error}",
                    applied=tuple(applied),
                    code=error.code,
                ) from None
            applied.append(what)

    def purge_queue(self, url: str) -> None:
        with self._translated(_name(url)):
            self._client.purge_queue(QueueUrl=url)

    def delete_queue(self, url: str) -> None:
        with self._translated(_name(url)):
            self._client.delete_queue(QueueUrl=url)

    def list_dead_letter_source_queues(self, url: str) -> tuple[str, ...]:
        """Names of the queues whose RedrivePolicy points at this one."""
        names: list[str] = []
        params: dict[str, Any] = {"QueueUrl": url, "MaxResults": 1000}
        with self._translated(_name(url)):
            while True:
                response = self._client.list_dead_letter_source_queues(**params)
                names += [_name(u) for u in response.get("queueUrls", [])]
                if not response.get("NextToken"):
                    break
                params["NextToken"] = response["NextToken"]
        return tuple(sorted(names))


def _shown(error: Exception) -> str:
    if isinstance(error, errors.SqsError):
        return str(error)
    raise error


def _details(tags: Any, sources: Any) -> QueueDetails:
    """Tags and sources as read side by side: a part that failed is empty, with its reason."""
    problems: list[str] = []
    if isinstance(tags, Exception):
        tags, problems = {}, [*problems, f"Tags: {_shown(tags)}"]
    if isinstance(sources, Exception):
        sources, problems = (), [*problems, f"Dead-letter sources: {_shown(sources)}"]
    return QueueDetails(tags, sources, tuple(problems))
