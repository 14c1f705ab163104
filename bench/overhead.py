"""Overhead per page: what the dashboard adds to the SQS calls a page needs.

granian serves the dashboard as production does (DEBUG off, whitenoise, 1 worker x 4 threads),
one request at a time. For every page and fragment, N requests (OVERHEAD_REQUESTS, 90) are timed
interleaved with raw boto3 making the same SQS calls with the same parallelism (the floor): one
dashboard request, then one floor, and so on, so a busy moment of a shared machine hits both.
The overhead is the dashboard's median minus the floor's median. Pages without SQS calls (Audit,
Profiles) have a floor of 0: their whole time is overhead.

On a shared machine wall-clock medians carry other processes' load, so CPU time is measured too:
the granian worker's CPU per request (every thread, from /proc/<pid>/task/*/schedstat) against
the floor's process CPU per round (time.process_time, boto3's own signing and parsing included).
Their difference is the CPU the dashboard adds per page, whatever else the machine runs.

The timed requests go through `Connection`: one kept-alive http.client connection carrying the
session's cookies. `requests` spent ~1 ms of the bench process's CPU on each request (building
it, its cookie jar, decoding the answer), and since client and server share the machine's two
cores that time was counted as the dashboard's. BENCH_CLIENT=requests times through `requests`
as before, to compare.

The "calls" column lists each page's SQS calls in the order they wait on each other: `→` is a
sequential step, `‖` calls made at the same time.

PROFILE=<page>[,<page>…] or PROFILE=all measures nothing: granian serves bench/_profiled.py
(the same application under pyinstrument), every page is warmed, each named page is requested
PROFILE_REQUESTS (200) times, and the report is printed and written to
test-artifacts/profile-<page>.html.
"""

from __future__ import annotations

import http.client
import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

from bench.harness import REGION, Bench, free_port, served_env, server_command, server_process
from bench.queues import CHUNK_RE
from queues.sqs.queues import COUNT_ATTRIBUTES, ROW_ATTRIBUTES

TITLE = "Overhead per page: dashboard median minus raw boto3 median (granian 1 worker x 4 threads)"
REQUESTS = int(os.environ.get("OVERHEAD_REQUESTS", "90"))
TARGET_MS = 5.0
LIST_QUEUES = 20
DETAIL, POLL, SEND = "ovh-detail", "ovh-poll", "ovh-send"
POLL_COUNT = 5
BODY = '{"order": 1234, "status": "created"}'


@dataclass(frozen=True)
class OverheadRow:
    label: str
    calls: str
    dashboard_ms: float
    floor_ms: float
    spread_ms: float  # interquartile range of the dashboard's times: the noise
    dashboard_cpu_ms: float = 0.0
    floor_cpu_ms: float = 0.0

    @property
    def overhead_ms(self) -> float:
        return self.dashboard_ms - self.floor_ms


def print_table(title: str, rows: list[OverheadRow]) -> None:
    if not rows:  # PROFILE=<page> printed its report instead
        return
    print(f"\n{title}")
    print(f"{REQUESTS} requests each, interleaved; medians; IQR: the dashboard's spread")
    print(
        f"{'page':<14} {'SQS calls (→ sequential, ‖ parallel)':<52} {'dashboard':>9} "
        f"{'boto3':>8} {'overhead':>9} {'IQR':>7}  {'CPU: dash':>9} {'boto3':>6} {'added':>6}"
        "  target"
    )
    for row in rows:
        ok = "ok" if row.overhead_ms <= TARGET_MS else "OVER"
        print(
            f"{row.label:<14} {row.calls:<52} {row.dashboard_ms:>7.1f}ms {row.floor_ms:>6.1f}ms "
            f"{row.overhead_ms:>7.1f}ms {row.spread_ms:>5.1f}ms  {row.dashboard_cpu_ms:>7.1f}ms "
            f"{row.floor_cpu_ms:>4.1f}ms {row.dashboard_cpu_ms - row.floor_cpu_ms:>4.1f}ms  "
            f"<= {TARGET_MS:g} ms {ok}"
        )


@dataclass(frozen=True)
class PageRequest:
    """A page's request as the benches send it: `path` from the dashboard's root; `data`, a POST's
    form (sent with the CSRF header, as htmx does); `expect`, text its answer must hold."""

    label: str
    calls: str
    path: str
    expect: str
    data: dict | None = None
    htmx: bool = False


def first_chunk_path(list_html: str) -> str:
    """The path of the queue list's first count chunk."""
    return unescape(CHUNK_RE.findall(list_html)[0])


@dataclass
class Page:
    label: str
    calls: str
    dashboard: Callable[[], object]
    floor: Callable[[], object]


class Connection:
    """The timed requests' client: one kept-alive connection to the dashboard and the signed-in
    session's cookies, nothing else a browser would not send."""

    def __init__(self, base: str, cookies: dict[str, str]) -> None:
        parts = urlsplit(base)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self._cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())

    def request(self, method: str, url: str, data: dict | None, headers: dict) -> tuple[int, str]:
        path = urlsplit(url)._replace(scheme="", netloc="").geturl()
        body = urlencode(data) if data is not None else None
        headers = {"Cookie": self._cookie, **headers}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            return self._exchange(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed the kept-alive connection between two requests: once closed here
            # too, the next request connects again.
            self._connection.close()
            return self._exchange(method, path, body, headers)

    def _exchange(self, method: str, path: str, body: str | None, headers: dict):
        self._connection.request(method, path, body, headers)
        response = self._connection.getresponse()
        return response.status, response.read().decode()


def _seed(bench: Bench) -> dict[str, str]:
    sqs = bench.raw_sqs
    bench.create_queues([f"ovh-{i:03d}" for i in range(LIST_QUEUES)])
    dlq = sqs.create_queue(QueueName=f"{DETAIL}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    urls = {
        DETAIL: sqs.create_queue(
            QueueName=DETAIL,
            Attributes={
                "RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"1000"}}'
            },
            tags={"team": "bench", "env": "overhead"},
        )["QueueUrl"],
        POLL: sqs.create_queue(QueueName=POLL)["QueueUrl"],
        SEND: sqs.create_queue(QueueName=SEND)["QueueUrl"],
    }
    sqs.send_message_batch(
        QueueUrl=urls[POLL],
        Entries=[{"Id": str(i), "MessageBody": BODY} for i in range(POLL_COUNT)],
    )
    return urls


def _pages(bench: Bench, http: requests.Session, base: str, urls: dict[str, str]) -> list[Page]:
    sqs = bench.raw_sqs
    pool = ThreadPoolExecutor(max_workers=8)
    chunk_pool = ThreadPoolExecutor(max_workers=5)
    ws = f"{base}/p/{bench.profile.slug}/{REGION}"
    htmx = {"HX-Request": "true"}
    post_headers = {**htmx, "X-CSRFToken": http.cookies["csrftoken"]}
    timed = _client(base, http)

    def request(method: str, url: str, data: dict | None, headers: dict, expect: str):
        def fetch() -> None:
            status, text = timed(method, url, data, headers)
            if status != 200 or expect not in text:
                raise RuntimeError(f"{url} answered {status}: {text[:300]}")

        return fetch

    def get(url: str, expect: str, headers: dict | None = None) -> Callable[[], object]:
        return request("GET", url, None, headers or {}, expect)

    def post(url: str, data: dict, expect: str) -> Callable[[], object]:
        return request("POST", url, data, post_headers, expect)

    def parallel(*calls: Callable[[], object]) -> None:
        for future in [pool.submit(call) for call in calls]:
            future.result()

    chunk_path = first_chunk_path(http.get(f"{ws}/queues/", timeout=30).text)
    chunk_urls = bench.list_all_queue_urls("ovh-")[:50]
    chunk_urls = [u for u in chunk_urls if u.rsplit("/", 1)[1] in chunk_path]

    def all_attributes(url: str) -> Callable[[], object]:
        return lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])

    def chunk_floor() -> None:
        # The chunk view runs COUNT_CONCURRENCY (5) calls at a time on threads kept between
        # requests: so does the floor (threads started for each chunk were placed differently by
        # the scheduler, and made either side ~3 ms faster on this machine).
        list(
            chunk_pool.map(
                lambda u: sqs.get_queue_attributes(QueueUrl=u, AttributeNames=ROW_ATTRIBUTES),
                chunk_urls,
            )
        )

    def detail_floor() -> None:
        url = urls[DETAIL]
        parallel(
            all_attributes(url),
            lambda: sqs.list_queue_tags(QueueUrl=url),
            lambda: sqs.list_dead_letter_source_queues(QueueUrl=url),
        )

    def poll_floor() -> None:
        url = urls[POLL]

        def peek() -> None:
            messages = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=POLL_COUNT,
                WaitTimeSeconds=0,
                VisibilityTimeout=30,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            sqs.change_message_visibility_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                    for i, m in enumerate(messages)
                ],
            )

        parallel(all_attributes(url), peek)

    def edit_floor() -> None:
        url = urls[DETAIL]
        parallel(
            all_attributes(url),
            lambda: sqs.list_queue_tags(QueueUrl=url),
            lambda: sqs.list_queues(MaxResults=1000),
        )

    floors = {
        "list": lambda: sqs.list_queues(MaxResults=1000),
        "count chunk": chunk_floor,
        "detail": detail_floor,
        "counts poll": lambda: sqs.get_queue_attributes(
            QueueUrl=urls[DETAIL], AttributeNames=COUNT_ATTRIBUTES
        ),
        "messages": all_attributes(urls[POLL]),
        "poll": poll_floor,
        # The form is checked against the queue as the warm-up's first send read it.
        "send": lambda: sqs.send_message(QueueUrl=urls[SEND], MessageBody=BODY),
        "edit form": edit_floor,
        "audit": lambda: None,
        "profiles": lambda: None,
    }
    return [
        Page(
            page.label,
            page.calls,
            post(base + page.path, page.data, page.expect)
            if page.data is not None
            else get(base + page.path, page.expect, htmx if page.htmx else None),
            floors[page.label],
        )
        for page in page_requests(bench.profile.slug, chunk_path, len(chunk_urls))
    ]


def page_requests(slug: str, chunk_path: str, chunk_queues: int) -> list[PageRequest]:
    """Every page and fragment the overhead is measured for, as its request (the instructions
    bench sends the same ones): the list's first chunk is `chunk_path`, of `chunk_queues`."""
    ws = f"/p/{slug}/{REGION}"
    return [
        PageRequest("list", "ListQueues", f"{ws}/queues/", "ovh-000"),
        PageRequest(
            "count chunk",
            f"{chunk_queues} x GetQueueAttributes, 5 at a time",
            chunk_path,
            "ovh-000",
            htmx=True,
        ),
        PageRequest(
            "detail",
            "GetQueueAttributes ‖ ListQueueTags ‖ ListDLSources",
            f"{ws}/queues/{DETAIL}/",
            "overhead",
        ),
        PageRequest(
            "counts poll",
            "GetQueueAttributes",
            f"{ws}/queues/{DETAIL}/counts/",
            "Messages available",
            htmx=True,
        ),
        PageRequest("messages", "GetQueueAttributes", f"{ws}/queues/{POLL}/messages/", POLL),
        PageRequest(
            "poll",
            "GetQueueAttributes ‖ (ReceiveMessage → ChangeVisBatch)",
            f"{ws}/queues/{POLL}/messages/poll/",
            f"{POLL_COUNT} messages received and released",
            data={"count": POLL_COUNT, "wait": 0},
        ),
        PageRequest(
            "send",
            "SendMessage (settings as last read)",
            f"{ws}/queues/{SEND}/messages/send/",
            "Message sent.",
            data={"body": BODY, "body_format": "text", "copies": 1},
        ),
        PageRequest(
            "edit form",
            "GetQueueAttributes ‖ ListQueueTags ‖ ListQueues",
            f"{ws}/queues/{DETAIL}/edit/",
            "overhead",
        ),
        PageRequest("audit", "none", "/audit/", "peek_messages"),
        PageRequest("profiles", "none", "/profiles/", "Bench"),
    ]


def _client(base: str, http: requests.Session):
    """How the timed requests are sent: `Connection` unless BENCH_CLIENT=requests."""
    if os.environ.get("BENCH_CLIENT", "http.client") == "requests":

        def through_requests(method: str, url: str, data: dict | None, headers: dict):
            response = http.request(method, url, data=data, headers=headers, timeout=30)
            return response.status_code, response.text

        return through_requests
    cookies = {name: http.cookies[name] for name in ("sessionid", "csrftoken")}
    return Connection(base, cookies).request


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _worker_pid(master: int) -> int:
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{master}\n" in text:
            return int(status.parent.name)
    raise RuntimeError("no granian worker found")


def _cpu_ns(pid: int) -> int:
    """CPU time of every thread of a process, in nanoseconds."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # a thread that ended meanwhile
    return total


def _served(app: str = "sqsadmin.wsgi:application", **env: str):
    """granian serving `app` as production does: its base URL and the context that runs it."""
    base = f"http://127.0.0.1:{free_port()}"
    command = server_command(base, workers=1, threads=4, app=app)
    return base, server_process(command, f"{base}/healthz", env=served_env(**env))


def _signed_in(bench: Bench) -> requests.Session:
    http = requests.Session()
    for name in ("sessionid", "csrftoken"):
        http.cookies.set(name, bench.http.cookies[name])
    return http


def _warm(pages: list[Page]) -> None:
    for page in pages:  # clients, templates, queue URLs, connections
        for _ in range(3):
            page.dashboard()
            page.floor()


def _profile(bench: Bench, urls: dict[str, str], wanted: str) -> list[OverheadRow]:
    """PROFILE=<page>[,<page>...] (or all): pyinstrument over PROFILE_REQUESTS requests of each
    page, after warming every page; prints each report and writes it as HTML under
    test-artifacts/."""
    out = Path("test-artifacts")
    out.mkdir(exist_ok=True)
    html = out / "profile.html"
    base, server = _served("bench._profiled:application", BENCH_PROFILE_HTML=str(html))
    count = int(os.environ.get("PROFILE_REQUESTS", "200"))
    with server:
        http = _signed_in(bench)
        pages = {page.label.replace(" ", "-"): page for page in _pages(bench, http, base, urls)}
        keys = [key.strip().replace("_", "-").lower() for key in wanted.split(",")]
        keys = list(pages) if keys == ["all"] else keys
        if unknown := [key for key in keys if key not in pages]:
            raise SystemExit(f"PROFILE: no page {unknown} (one of: {', '.join(pages)}, all)")
        _warm(list(pages.values()))
        for key in keys:
            http.get(f"{base}/__profile__/reset", timeout=30).raise_for_status()
            for _ in range(count):
                pages[key].dashboard()
            report = http.get(f"{base}/__profile__", timeout=120).text
            html.rename(out / f"profile-{key}.html")
            print(f"\npyinstrument: {count} requests of {key}, every sample added up")
            print(report)
            print(f"HTML report: {out / f'profile-{key}.html'}")
    return []


def run(bench: Bench) -> list[OverheadRow]:
    urls = _seed(bench)
    if os.environ.get("PROFILE"):
        return _profile(bench, urls, os.environ["PROFILE"])
    base, server = _served()
    with server as master:
        worker = _worker_pid(master)
        http = _signed_in(bench)
        pages = _pages(bench, http, base, urls)
        _warm(pages)
        times: dict[str, tuple[list[float], list[float]]] = {p.label: ([], []) for p in pages}
        cpu = {p.label: [0, 0.0] for p in pages}  # worker ns, floor process seconds
        for _ in range(REQUESTS):
            for page in pages:
                dashboard, floor = times[page.label]
                before = _cpu_ns(worker)
                dashboard.append(_timed(page.dashboard))
                cpu[page.label][0] += _cpu_ns(worker) - before
                before_floor = time.process_time()
                floor.append(_timed(page.floor))
                cpu[page.label][1] += time.process_time() - before_floor
    rows = []
    for page in pages:
        dashboard, floor = times[page.label]
        quartiles = statistics.quantiles(dashboard, n=4)
        rows.append(
            OverheadRow(
                page.label,
                page.calls,
                statistics.median(dashboard) * 1000,
                statistics.median(floor) * 1000,
                (quartiles[2] - quartiles[0]) * 1000,
                cpu[page.label][0] / REQUESTS / 1e6,
                cpu[page.label][1] / REQUESTS * 1000,
            )
        )
    return rows
