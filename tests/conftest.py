"""Shared fixtures: fake AWS credentials, in-process moto, a real SQS server over HTTP (moto's, or
LocalStack's in `make test-localstack`, see sqs_lanes), users by role, a profile pointing at the
server, and Playwright on Debian's Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from django.contrib.auth.models import Group, Permission, User
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from moto.server import ThreadedMotoServer
from pytest_django.live_server_helper import LiveServer

from queues.accounts.roles import ADMINS, OPERATORS, VIEWERS, sync_role_groups
from queues.models import AuthMode, AwsProfile
from queues.profiles import credentials
from queues.profiles.credentials import sqs_for
from queues.sqs import SqsService
from tests.helpers import REGION, aws_client, profile_calls, redrive
from tests.sqs_lanes import LOCALSTACK_URL, SQS_IMPLEMENTATION

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery-staple"
# Markers that run a test on one implementation only.
LANE_MARKERS = {"moto_only": "moto", "localstack_only": "localstack"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the other implementation's tests, and expect known product bugs to fail on LocalStack.

    `localstack_known_bug` is a strict xfail in the LocalStack lane only: the lane stays green
    while the bug is there and turns red the day it is fixed, so the marker gets removed. Its
    `param=` names the one parametrization it applies to (e.g. "fifo"), when not all.
    """
    for item in items:
        for name in (*LANE_MARKERS, "localstack_known_bug"):
            marker = item.get_closest_marker(name)
            if marker is None:
                continue
            reason = marker.kwargs.get("reason")
            if not reason:
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.{name} needs reason=...")
            if name in LANE_MARKERS:
                if LANE_MARKERS[name] != SQS_IMPLEMENTATION:
                    lane = LANE_MARKERS[name]
                    item.add_marker(pytest.mark.skip(reason=f"{lane}-specific: {reason}"))
                continue
            param = marker.kwargs.get("param")
            callspec = getattr(item, "callspec", None)
            if SQS_IMPLEMENTATION == "localstack" and (
                param is None or (callspec is not None and callspec.id == param)
            ):
                item.add_marker(pytest.mark.xfail(strict=True, reason=reason))


@pytest.fixture(autouse=True)
def fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach real AWS with someone's real credentials."""
    for name in (
        "AWS_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_CONFIG_FILE",
        "AWS_ENDPOINT_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(autouse=True)
def fresh_client_cache() -> Iterator[None]:
    credentials.forget_clients()
    yield
    credentials.forget_clients()


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Login throttling counts live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def sqs_implementation() -> str:
    """Which SQS the HTTP tests talk to: "moto" or "localstack"."""
    return SQS_IMPLEMENTATION


@pytest.fixture(scope="session")
def sqs_server(sqs_implementation: str) -> Iterator[str]:
    """A real SQS-protocol server over HTTP on 127.0.0.1: LocalStack's, started outside pytest by
    scripts/with-localstack, or else moto's ThreadedMotoServer started here."""
    if sqs_implementation == "localstack":
        yield LOCALSTACK_URL
        return
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _delete_every_queue(url: str) -> None:
    """LocalStack has no reset endpoint: empty it by deleting its queues. Unlike AWS it does not
    hold a deleted name for 60 s, so the next test may create the same names at once."""
    client = aws_client("sqs", url)
    pages = client.get_paginator("list_queues").paginate(PaginationConfig={"PageSize": 1000})
    for queue_url in [u for page in pages for u in page.get("QueueUrls", [])]:
        client.delete_queue(QueueUrl=queue_url)


@pytest.fixture
def sqs_endpoint(sqs_server: str, sqs_implementation: str) -> str:
    """The SQS server, emptied before the test."""
    if sqs_implementation == "localstack":
        _delete_every_queue(sqs_server)
    else:
        requests.post(f"{sqs_server}/moto-api/reset", timeout=10).raise_for_status()
    return sqs_server


@pytest.fixture
def raw_sqs(sqs_endpoint: str):
    """Plain boto3 against the same server, to check what the dashboard did."""
    return aws_client("sqs", sqs_endpoint)


@pytest.fixture
def calls(profile: AwsProfile) -> list[str]:
    """The SQS operations the dashboard's own client for `profile` makes during the test."""
    return profile_calls(profile)


@pytest.fixture
def cloudwatch(sqs_endpoint: str):
    """Plain boto3 CloudWatch on the same server (moto serves it beside SQS)."""
    return aws_client("cloudwatch", sqs_endpoint)


@pytest.fixture
def sqs(raw_sqs) -> SqsService:
    """The service layer on a plain boto3 client that talks HTTP to the SQS server."""
    return SqsService(raw_sqs)


@pytest.fixture
def profile_sqs(profile: AwsProfile) -> SqsService:
    """The service layer as the dashboard builds it from the test profile."""
    return sqs_for(profile, REGION)


@pytest.fixture
def standard_url(raw_sqs) -> str:
    return raw_sqs.create_queue(QueueName="orders")["QueueUrl"]


@pytest.fixture
def fifo_url(raw_sqs) -> str:
    return raw_sqs.create_queue(
        QueueName="payments.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]


@pytest.fixture
def redrive_url(raw_sqs) -> str:
    """A queue whose messages move to `orders-dlq` after two receives."""
    raw_sqs.create_queue(QueueName="orders-dlq")
    policy = redrive(raw_sqs, "orders-dlq", 2)
    return raw_sqs.create_queue(QueueName="retried", Attributes={"RedrivePolicy": policy})[
        "QueueUrl"
    ]


@pytest.fixture
def profile(db, sqs_endpoint: str) -> AwsProfile:
    """A non-production profile on the moto server that Operators may operate and Viewers view,
    as every profile was before per-profile access."""
    sync_role_groups(Group, Permission)
    created = AwsProfile.objects.create(
        name="Test moto",
        slug="test-moto",
        auth_mode=AuthMode.STATIC,
        region=REGION,
        endpoint_url=sqs_endpoint,
        access_key_id="AKIATESTSQSADMIN1234",
        secret_access_key="test-secret-access-key-value",
    )
    created.grant_default_access()
    return created


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Tests sign users in hundreds of times; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, group: str | None) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    # Transactional tests (the browser ones) flush the groups the migration made.
    sync_role_groups(Group, Permission)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def admin_user(db) -> User:
    return _user("alice-admin", ADMINS)


@pytest.fixture
def operator_user(db) -> User:
    return _user("oscar-operator", OPERATORS)


@pytest.fixture
def viewer_user(db) -> User:
    return _user("vera-viewer", VIEWERS)


@pytest.fixture
def nobody_user(db) -> User:
    return _user("nora-no-role", None)


# Playwright on Debian's Chromium: never a downloaded browser.


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture
def seeded(sqs_endpoint):
    """The demo profile and queues `make run` shows, on the test's SQS server."""
    from queues.console import demo

    # Transactional tests flush the groups the migration made; the demo grants them access.
    sync_role_groups(Group, Permission)
    profile = demo.ensure_profile(sqs_endpoint)
    demo.seed_queues(profile)
    return profile


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Every browser test also fails when the console reports a CSP violation."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield
    assert violations == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def login(page, live_server):
    """Sign in through the real login form; returns the page on the landing URL."""

    def sign_in(user: User, password: str = PASSWORD):
        return sign_in_page(page, live_server.url, user, password)

    return sign_in


def sign_in_page(page, base_url: str, user: User, password: str = PASSWORD):
    """`page` signed in as `user` through the real login form, on the landing URL."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


# The live server for browser tests.


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


@pytest.fixture
def unaccepting_endpoint() -> Iterator[str]:
    """An endpoint on 127.0.0.1 whose connects hang: it never accepts, and its accept queue is
    already full, so the kernel drops further SYNs (as a firewall that drops packets does)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    address = listener.getsockname()
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(address)
        fillers.append(filler)
    time.sleep(0.1)
    yield f"http://127.0.0.1:{address[1]}"
    for filler in fillers:
        filler.close()
    listener.close()


@pytest.fixture
def silent_endpoint() -> Iterator[tuple[str, list]]:
    """An endpoint on 127.0.0.1 that accepts connections and never answers: its URL, and the
    connections it holds (one per attempt a client makes)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", held
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()
