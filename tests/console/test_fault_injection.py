"""Every page and action, through a proxy that breaks the SQS endpoint in one way at a time.

What a user would notice: the answer is a page or a form with a clear message (never a 500 or a
traceback), and it comes after a bounded number of attempts. Attempts are counted at the proxy,
never timed, so a busy machine cannot fail these tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache

from queues.console.views.queue_list import _chunk_query
from queues.profiles import guard
from tests.console.test_queue_pages import FORM_DEFAULTS
from tests.faultproxy import FaultProxy
from tests.helpers import HTMX, page_url, send, visible

BROKEN: dict[str, str] = {
    "refuse": "unreachable",
    "hang": "unreachable",
    "reset": "unreachable",
    "503": "SQS is unavailable (HTTP 503 Service Unavailable)",
    "throttle": "AWS is throttling requests; wait a moment and try again",
    "malformed": "which is not an SQS response",
    "html": "which is not an SQS response",
    "empty": "which is not an SQS response",
}
CLEAR = {200, 400, 403, 409, 503}


@pytest.fixture
def proxy(sqs_endpoint) -> Iterator[FaultProxy]:
    proxy = FaultProxy(sqs_endpoint)
    yield proxy
    proxy.close()


@pytest.fixture
def faulty(settings, profile, proxy, raw_sqs):
    """The test profile behind the proxy, with short timeouts, and a queue named orders."""
    settings.AWS_CONNECT_TIMEOUT = 1
    settings.AWS_READ_TIMEOUT = 1
    settings.AWS_REQUEST_BUDGET = 3
    settings.AWS_MAX_ATTEMPTS = 3
    guard.forget_slots()
    raw_sqs.create_queue(QueueName="orders")
    raw_sqs.create_queue(QueueName="orders-dlq")
    profile.endpoint_url = proxy.url
    profile.save()
    yield profile
    guard.forget_slots()


def _chunk(client, profile, proxy):
    urls = [f"{proxy.url}/123456789012/{name}" for name in ("orders", "orders-dlq")]
    return client.get(
        f"{page_url('queue-rows', profile)}?{_chunk_query(urls, False)}", headers=HTMX
    )


PAGES: dict[str, Callable] = {
    "queue list": lambda c, p, x: c.get(page_url("queue-list", p)),
    "count chunk": _chunk,
    "detail": lambda c, p, x: c.get(page_url("queue-detail", p, "orders")),
    "counts poll": lambda c, p, x: c.get(page_url("queue-counts", p, "orders"), headers=HTMX),
    "edit form": lambda c, p, x: c.get(page_url("queue-edit", p, "orders")),
    "create": lambda c, p, x: c.post(
        page_url("queue-create", p), {**FORM_DEFAULTS, "name": "fresh"}
    ),
    "purge": lambda c, p, x: c.post(
        page_url("queue-purge", p, "orders"), {"confirm_name": "orders"}
    ),
    "delete": lambda c, p, x: c.post(
        page_url("queue-delete", p, "orders"), {"confirm_name": "orders"}
    ),
    "messages page": lambda c, p, x: c.get(page_url("messages", p, "orders")),
    "send": lambda c, p, x: c.post(
        page_url("messages-send", p, "orders"), {"body": "x", "count": 1}, headers=HTMX
    ),
    "poll": lambda c, p, x: c.post(
        page_url("messages-poll", p, "orders"), {"count": 1, "wait": 0}, headers=HTMX
    ),
}


@pytest.mark.parametrize("mode", sorted(BROKEN))
@pytest.mark.parametrize("view", list(PAGES))
def test_a_broken_endpoint_gives_a_clear_message_after_few_attempts(
    client, operator_user, faulty, proxy, settings, view, mode
):
    client.force_login(operator_user)
    proxy.set(mode)
    response = PAGES[view](client, faulty, proxy)
    html = response.content.decode()
    assert response.status_code in CLEAR, html[:2000]
    assert "Traceback" not in html
    assert BROKEN[mode] in html, html[:3000]
    # At most two calls of a page fail, each after at most the configured attempts.
    assert 1 <= proxy.count() <= 2 * settings.AWS_MAX_ATTEMPTS


@pytest.mark.parametrize("view", list(PAGES))
def test_a_slow_endpoint_that_answers_within_the_budget_still_works(
    client, operator_user, faulty, proxy, view
):
    client.force_login(operator_user)
    proxy.set("slow", delay=0.3)
    response = PAGES[view](client, faulty, proxy)
    html = response.content.decode()
    assert response.status_code in {200, 302}, html[:2000]
    assert not any(words in html for words in BROKEN.values())


def test_a_poll_whose_messages_could_not_be_released_says_they_stay_hidden(
    client, operator_user, faulty, proxy, raw_sqs
):
    """Only the release fails: the poll shows what it received, says how many messages stay
    hidden, and they do (the answer is drawn again once the release has reported)."""
    client.force_login(operator_user)
    url = raw_sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 2)
    proxy.set("503", only="ChangeMessageVisibilityBatch")
    html = client.post(
        page_url("messages-poll", faulty, "orders"), {"count": 2, "wait": 0}, headers=HTMX
    ).content.decode()
    assert html.count('class="message-row') == 2
    assert "2 messages received and released; 2 could not be released" in html
    assert visible(raw_sqs, url) == 0
    proxy.set("pass")
    html = client.post(
        page_url("messages-poll", faulty, "orders"), {"count": 2, "wait": 0}, headers=HTMX
    ).content.decode()
    assert "No messages were received" in html


def test_a_hung_endpoint_costs_one_budget_not_attempts_times_timeout(
    client, viewer_user, faulty, proxy, settings
):
    """With a read timeout longer than the budget, the first attempt is cut at the budget and
    no retry starts: one connection, and the message names the call and the endpoint."""
    settings.AWS_READ_TIMEOUT = 30
    settings.AWS_REQUEST_BUDGET = 1
    client.force_login(viewer_user)
    proxy.set("hang")
    html = client.get(page_url("queue-list", faulty)).content.decode()
    assert f"ListQueues to {proxy.url}/ timed out" in html or (
        f"ListQueues to {proxy.url} timed out" in html
    ), html[:3000]
    assert "1-second budget" in html
    assert proxy.count() == 1


def test_an_endpoint_whose_connects_hang_costs_one_budget_not_the_connect_timeout(
    client, viewer_user, faulty, settings, unaccepting_endpoint
):
    """The connect timeout is cut to the budget too: with a 60-second connect timeout and a
    1-second budget, the page answers in seconds, not after a minute."""
    settings.AWS_CONNECT_TIMEOUT = 60
    settings.AWS_REQUEST_BUDGET = 1
    faulty.endpoint_url = unaccepting_endpoint
    faulty.save()
    client.force_login(viewer_user)
    started = time.monotonic()
    html = client.get(page_url("queue-list", faulty)).content.decode()
    assert time.monotonic() - started < 15
    assert f"ListQueues to {unaccepting_endpoint}" in html and "1-second budget" in html, html[
        :3000
    ]


def _breaker_opening_after(failures: int, settings, client, viewer_user, faulty) -> str:
    """One attempt a request, the breaker opening after `failures` of them, the viewer signed in:
    the URL of the profile's queue list."""
    settings.AWS_BREAKER_FAILURES = failures
    settings.AWS_MAX_ATTEMPTS = 1
    client.force_login(viewer_user)
    return page_url("queue-list", faulty)


def _end_cool_down(faulty, proxy) -> str:
    """The open breaker's cool-down over (as if 30 s passed); its cache key."""
    key = f"sqsadmin:breaker:{guard.endpoint_key(faulty.pk, 'us-east-1', proxy.url)}"
    state = cache.get(key)
    state.retry_at = 1.0
    cache.set(key, state)
    return key


def test_the_breaker_opens_after_repeated_failures_then_probes_and_closes(
    client, viewer_user, faulty, proxy, settings
):
    url = _breaker_opening_after(2, settings, client, viewer_user, faulty)
    proxy.set("refuse")
    client.get(url)
    client.get(url)
    assert proxy.count() == 2
    # Open: refused without a connection, saying since when and until when.
    html = client.get(url).content.decode()
    assert proxy.count() == 2
    assert f"The SQS endpoint {proxy.url}" in html
    assert "has been unreachable since" in html
    assert "sqsadmin will try again at" in html
    # The cool-down ends: one probe goes through, its answer closes it.
    key = _end_cool_down(faulty, proxy)
    proxy.set("pass")
    response = client.get(url)
    assert response.status_code == 200
    assert "orders" in response.content.decode()
    assert proxy.count() == 3
    assert cache.get(key) is None


def test_a_failed_probe_opens_the_breaker_again(client, viewer_user, faulty, proxy, settings):
    url = _breaker_opening_after(1, settings, client, viewer_user, faulty)
    proxy.set("refuse")
    client.get(url)
    _end_cool_down(faulty, proxy)
    client.get(url)  # the probe, which fails
    assert proxy.count() == 2
    assert "has been unreachable since" in client.get(url).content.decode()
    assert proxy.count() == 2


def test_answers_that_are_errors_do_not_open_the_breaker(
    client, viewer_user, faulty, proxy, settings
):
    url = _breaker_opening_after(1, settings, client, viewer_user, faulty)
    proxy.set("503")
    for _ in range(3):
        html = client.get(url).content.decode()
        assert "SQS is unavailable (HTTP 503" in html
    assert proxy.count() == 3
