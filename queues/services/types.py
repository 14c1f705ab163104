"""Frozen dataclasses the SQS layer returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def parse_timestamp(raw: str | None) -> datetime | None:
    """SQS sends epoch seconds as a string; moto sends fractions, so parse as a float."""
    if not raw:
        return None
    return datetime.fromtimestamp(float(raw), tz=UTC)


def queue_name_from_url(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class QueuePage:
    """One page of ListQueues: queue URLs and the token for the next page, if any."""

    urls: tuple[str, ...]
    next_token: str | None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(queue_name_from_url(url) for url in self.urls)


@dataclass(frozen=True)
class QueueCounts:
    available: int
    in_flight: int
    delayed: int

    @classmethod
    def from_attributes(cls, attributes: dict[str, str]) -> QueueCounts:
        return cls(
            available=int(attributes.get("ApproximateNumberOfMessages", 0)),
            in_flight=int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
            delayed=int(attributes.get("ApproximateNumberOfMessagesDelayed", 0)),
        )


@dataclass(frozen=True)
class Queue:
    """A queue with the attributes GetQueueAttributes(All) returned, raw and parsed."""

    name: str
    url: str
    attributes: dict[str, str]

    @property
    def is_fifo(self) -> bool:
        return self.name.endswith(".fifo")

    @property
    def type_label(self) -> str:
        return "FIFO" if self.is_fifo else "Standard"

    @property
    def arn(self) -> str:
        return self.attributes.get("QueueArn", "")

    @property
    def counts(self) -> QueueCounts:
        return QueueCounts.from_attributes(self.attributes)

    @property
    def created(self) -> datetime | None:
        return parse_timestamp(self.attributes.get("CreatedTimestamp"))

    @property
    def last_modified(self) -> datetime | None:
        return parse_timestamp(self.attributes.get("LastModifiedTimestamp"))

    @property
    def has_dead_letter_queue(self) -> bool:
        return "RedrivePolicy" in self.attributes


# Messages: the dataclasses for sends, receives and deletes follow.
