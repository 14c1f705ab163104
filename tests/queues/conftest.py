"""Queue fixtures: SqsService over HTTP against the moto server, and URL helpers."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from queues.credentials import sqs_for
from queues.models import AwsProfile
from queues.services import SqsService
from tests.conftest import REGION


@pytest.fixture
def sqs(raw_sqs) -> SqsService:
    """The service layer on a plain boto3 client that talks HTTP to the moto server."""
    return SqsService(raw_sqs)


@pytest.fixture
def profile_sqs(profile: AwsProfile) -> SqsService:
    return sqs_for(profile, REGION)


def queue_url_for(view: str, profile: AwsProfile, queue: str | None = None, **kw) -> str:
    args = [profile.slug, REGION] + ([queue] if queue else [])
    return reverse(f"queues:{view}", args=args)


def attributes(raw_sqs, name: str) -> dict[str, str]:
    url = raw_sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return raw_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def redrive(raw_sqs, dlq: str, max_receives: int = 3) -> str:
    arn = attributes(raw_sqs, dlq)["QueueArn"]
    return json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": str(max_receives)})


class _SerialWSGIServer(WSGIServer):
    """One request at a time (and Connection: close, so browsers do not hold it open)."""

    def __init__(self, *args, connections_override=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)


class _SerialLiveServerThread(LiveServerThread):
    server_class = _SerialWSGIServer


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The live server, answering one request at a time.

    With SQLite's in-memory test database, every live-server thread shares the test's one
    connection; the list's parallel count-chunk requests then interleave queries on it (seen as
    Session.MultipleObjectsReturned). Serving serially keeps browser tests deterministic; the
    benchmark measures the concurrent path on a file database.
    """
    server = LiveServer("localhost", start=False)
    old = server.thread
    server.thread = _SerialLiveServerThread(
        old.host,
        static_handler=old.static_handler,
        connections_override=old.connections_override,
        port=old.port,
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()
