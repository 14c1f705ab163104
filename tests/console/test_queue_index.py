"""Searching queue names across the whole account from the queue index, not only the loaded page."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest

from queues.console import queue_index
from tests.helpers import page_url

QUEUES = 300


@pytest.fixture
def many_queues(raw_sqs) -> list[str]:
    names = [f"svc-{i:03d}" for i in range(QUEUES)] + ["zz-billing-invoices"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: raw_sqs.create_queue(QueueName=n), names))
    return names


@pytest.fixture
def small_pages(monkeypatch):
    """ListQueues pages of 100, so 301 queues take four pages to index."""
    monkeypatch.setattr(queue_index, "PAGE_SIZE", 100)


@pytest.fixture
def builds_in_place(monkeypatch):
    """Background refreshes run before the response, so the test sees their outcome."""
    monkeypatch.setattr(queue_index, "_start", lambda target, *args: target(*args))


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-queue="([^"]+)"', html)


def test_search_finds_a_queue_beyond_the_loaded_page_and_shows_the_index_age(
    client, viewer_user, profile, many_queues, small_pages
):
    client.force_login(viewer_user)
    first_page = client.get(page_url("queue-list", profile), {"size": 50}).content.decode()
    assert "zz-billing-invoices" not in first_page  # the first 50 names do not reach it
    html = client.get(page_url("queue-list", profile), {"search": "billing", "size": 50})
    html = unescape(html.content.decode())
    assert rows(html) == ["zz-billing-invoices"]
    assert "1 queue contains <strong>billing</strong>" in html
    assert f"index of {QUEUES + 1} queues, less than a minute old" in html
    assert 'name="search" type="search" value="billing"' in html  # bookmarkable: the box keeps it


def test_search_matches_any_part_of_the_name_case_insensitively(
    client, viewer_user, profile, many_queues, small_pages
):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile), {"search": "-29", "size": 50}).content
    assert rows(html.decode()) == [f"svc-{i}" for i in range(290, 300)]
    html = client.get(page_url("queue-list", profile), {"search": "BILLING"}).content.decode()
    assert rows(html) == ["zz-billing-invoices"]


def test_found_rows_load_their_counts_like_the_list(
    client, viewer_user, profile, many_queues, raw_sqs, small_pages
):
    url = raw_sqs.get_queue_url(QueueName="zz-billing-invoices")["QueueUrl"]
    raw_sqs.send_message(QueueUrl=url, MessageBody="x")
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile), {"search": "billing"}).content.decode()
    (chunk,) = [unescape(u) for u in re.findall(r'class="queue-chunk" hx-get="([^"]+)"', html)]
    filled = client.get(chunk, headers={"HX-Request": "true"}).content.decode()
    assert re.search(r'data-queue="zz-billing-invoices".*?<td class="num">1</td>', filled, re.S)


def test_a_search_with_no_match_says_so_and_how_many_queues_were_searched(
    client, viewer_user, profile, many_queues, small_pages
):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile), {"search": "nothing-like-it"})
    html = html.content.decode()
    assert rows(html) == []
    assert "No queue name contains <strong>nothing-like-it</strong>" in html
    assert f"index of {QUEUES + 1} queues" in html


def test_a_warm_index_answers_without_calling_sqs(
    client, viewer_user, profile, many_queues, small_pages, calls
):
    client.force_login(viewer_user)
    client.get(page_url("queue-list", profile), {"search": "billing"})
    assert calls == ["ListQueues"] * 4  # 301 queues, pages of 100
    calls.clear()
    html = client.get(page_url("queue-list", profile), {"search": "svc-00"}).content.decode()
    assert calls == []
    assert len(rows(html)) == 10


def test_a_stale_index_answers_at_once_and_refreshes_in_the_background(
    client, viewer_user, profile, many_queues, raw_sqs, small_pages, builds_in_place, monkeypatch
):
    client.force_login(viewer_user)
    client.get(page_url("queue-list", profile), {"search": "billing"})
    raw_sqs.create_queue(QueueName="new-billing-queue")
    # Seven minutes later the index is stale: this answer still comes from it...
    later = time.time() + 7 * 60
    monkeypatch.setattr(queue_index.time, "time", lambda: later)
    html = client.get(page_url("queue-list", profile), {"search": "billing"}).content.decode()
    assert "7 minutes old" in html
    assert rows(html) == ["zz-billing-invoices"]
    # ...and the refresh it started is what the next search reads.
    html = client.get(page_url("queue-list", profile), {"search": "billing"}).content.decode()
    assert rows(html) == ["new-billing-queue", "zz-billing-invoices"]
    assert "less than a minute old" in html


def test_the_refresh_button_rebuilds_the_index_and_returns_to_the_search(
    client, viewer_user, profile, many_queues, raw_sqs, small_pages
):
    client.force_login(viewer_user)
    client.get(page_url("queue-list", profile), {"search": "billing"})
    raw_sqs.create_queue(QueueName="new-billing-queue")
    response = client.get(page_url("queue-list", profile), {"search": "billing", "refresh": "1"})
    assert response.status_code == 302 and "refresh" not in response.url
    html = client.get(response.url).content.decode()
    assert rows(html) == ["new-billing-queue", "zz-billing-invoices"]
    assert '<button type="submit" name="refresh" value="1"' in html


def test_a_list_larger_than_a_page_prepares_the_index_for_the_first_search(
    client, viewer_user, profile, many_queues, small_pages, builds_in_place, calls
):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile), {"size": 100}).content.decode()
    assert "Next page" in html
    calls.clear()
    html = client.get(page_url("queue-list", profile), {"search": "billing"}).content.decode()
    assert calls == []  # answered from the index the list page built
    assert rows(html) == ["zz-billing-invoices"]


def test_saving_the_profile_starts_a_new_index(
    client, viewer_user, profile, many_queues, raw_sqs, small_pages
):
    client.force_login(viewer_user)
    client.get(page_url("queue-list", profile), {"search": "billing"})
    raw_sqs.create_queue(QueueName="new-billing-queue")
    profile.save()  # e.g. an admin rotated its keys
    html = client.get(page_url("queue-list", profile), {"search": "billing"}).content.decode()
    assert rows(html) == ["new-billing-queue", "zz-billing-invoices"]
