"""The queue list: names paint first, counts arrive per chunk, filters, paging, empty states."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.helpers import REGION, page_url, redrive


def chunk_urls(html: str) -> list[str]:
    return [unescape(u) for u in re.findall(r'<tbody class="queue-chunk" hx-get="([^"]+)"', html)]


def test_the_first_paint_lists_names_without_a_call_per_queue(
    client, viewer_user, profile, raw_sqs, calls
):
    for i in range(120):
        raw_sqs.create_queue(QueueName=f"q-{i:03d}")
    raw_sqs.create_queue(QueueName="z.fifo", Attributes={"FifoQueue": "true"})
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile)).content.decode()
    assert calls == ["ListQueues"]
    assert "q-000" in html and "q-119" in html and ">FIFO<" in html
    assert f'href="/p/test-moto/{REGION}/queues/q-042/"' in html
    assert len(chunk_urls(html)) == 3  # 121 queues in chunks of at most 50
    assert "121 queues" in html


def test_a_chunk_fills_in_counts_created_and_the_dlq_badge(client, viewer_user, profile, raw_sqs):
    raw_sqs.create_queue(QueueName="orders-dlq")
    url = raw_sqs.create_queue(
        QueueName="orders", Attributes={"RedrivePolicy": redrive(raw_sqs, "orders-dlq")}
    )["QueueUrl"]
    for i in range(3):
        raw_sqs.send_message(QueueUrl=url, MessageBody=str(i))
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile)).content.decode()
    (chunk,) = chunk_urls(html)
    rows = client.get(chunk, headers={"HX-Request": "true"}).content.decode()
    assert rows.startswith('<tbody class="queue-chunk"') and "load," not in rows
    orders = re.search(r'<tr data-queue="orders".*?</tr>', rows, re.S).group(0)
    assert 'data-dlq="orders-dlq"' in orders and ">DLQ</span>" in orders
    assert '<td class="num">3</td>' in orders
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", orders)


def test_a_queue_deleted_since_the_first_paint_says_so(client, viewer_user, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="short-lived")["QueueUrl"]
    client.force_login(viewer_user)
    (chunk,) = chunk_urls(client.get(page_url("queue-list", profile)).content.decode())
    raw_sqs.delete_queue(QueueUrl=url)
    assert "Deleted — it no longer exists." in client.get(chunk).content.decode()


def test_a_tampered_chunk_url_is_refused(client, viewer_user, profile, raw_sqs):
    raw_sqs.create_queue(QueueName="a")
    client.force_login(viewer_user)
    response = client.get(
        page_url("queue-rows", profile), {"base": "http://169.254.169.254/", "q": "a"}
    )
    assert response.status_code == 400


def test_pages_follow_next_token(client, viewer_user, profile, raw_sqs):
    for i in range(60):
        raw_sqs.create_queue(QueueName=f"p-{i:02d}")
    client.force_login(viewer_user)
    first = client.get(page_url("queue-list", profile), {"size": "50"}).content.decode()
    assert "50 queues on this page" in first
    next_link = unescape(re.search(r'href="(\?[^"]*next=[^"]+)">Next page', first).group(1))
    second = client.get(page_url("queue-list", profile) + next_link).content.decode()
    assert "10 queues on this page" in second and "First page" in second
    names = set(re.findall(r'data-queue="(p-\d\d)"', first + second))
    assert len(names) == 60


def test_tags_load_on_request(client, viewer_user, profile, raw_sqs):
    raw_sqs.create_queue(QueueName="tagged", tags={"team": "checkout"})
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile), {"tags": "1"}).content.decode()
    assert "<th>Tags</th>" in html
    rows = client.get(chunk_urls(html)[0]).content.decode()
    assert 'data-tags="team=checkout ' in rows and "team=checkout</span>" in rows


def test_an_empty_region_offers_operators_to_create_a_queue(client, operator_user, profile):
    client.force_login(operator_user)
    html = client.get(page_url("queue-list", profile)).content.decode()
    assert "There are no queues in" in html and "Create a queue</a>" in html


def test_viewers_are_not_offered_to_create(client, viewer_user, profile, raw_sqs):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile)).content.decode()
    assert "Create a queue" not in html and "Create queue" not in html
    assert "Ask an operator" in html


def test_a_prefix_with_no_match_says_how_to_get_out(client, operator_user, profile, raw_sqs):
    raw_sqs.create_queue(QueueName="alpha")
    client.force_login(operator_user)
    html = client.get(page_url("queue-list", profile), {"prefix": "zz"}).content.decode()
    assert "No queue name starts with <strong>zz</strong>" in html
    assert "Clear the filter" in html and "create a queue" in html


def test_first_paint_rows_escape_what_they_show():
    from queues.console.views.queue_list import Row, placeholder_rows

    html = placeholder_rows([Row('a"<b>', "Standard")], "/p/x/us-east-1/queues/", with_tags=True)
    assert "<b>" not in html and "&lt;b&gt;" in html and "a&quot;" in html
    assert html.count("<td></td>") == 3  # the recent-depth, created and tags cells


def test_loaded_rows_escape_what_they_show():
    from queues.console.views.queue_list import Row, loaded_rows_html

    rows = [
        Row("a", "Standard", dlq='d"<i>', available=3, created="2026-12-03 10:00", tags=("k=<v>",)),
        Row("gone", "Standard", error="x", missing=True),
        Row("denied", "FIFO", error="Access <denied> to 'denied'"),
    ]
    html = loaded_rows_html(rows, "/p/x/us-east-1/queues/", with_tags=True)
    assert "<i>" not in html and "<v>" not in html and "<denied>" not in html
    assert 'data-dlq="d&quot;&lt;i&gt;"' in html and 'data-tags="k=&lt;v&gt; "' in html
    assert '<span class="tag">k=&lt;v&gt;</span>' in html
    assert '<td class="num">3</td>' in html and "<td>2026-12-03 10:00</td>" in html
    assert '<tr data-queue="gone" data-tags=" " class="missing">' in html
    assert "Deleted — it no longer exists." in html and ">x<" not in html
    assert "Access &lt;denied&gt; to &#x27;denied&#x27;</td>" in html


def test_a_chunk_refreshes_with_the_queues_it_shows(client, viewer_user, profile, raw_sqs):
    for name in ("one", "two"):
        raw_sqs.create_queue(QueueName=name)
    client.force_login(viewer_user)
    (chunk,) = chunk_urls(client.get(page_url("queue-list", profile)).content.decode())
    assert chunk_urls(client.get(chunk).content.decode()) == [chunk]
    # A name no queue can have is dropped from the rows and from the refresh's query.
    rows = client.get(f"{chunk}&q=bad%20name").content.decode()
    (refresh,) = chunk_urls(rows)
    assert "bad" not in refresh and refresh.count("&q=") == 2 and "bad name" not in rows


def test_a_chunk_query_carries_every_name_as_given():
    from urllib.parse import parse_qs

    from queues.console.views.queue_list import _chunk_query, _signer

    for names in (["a", "b-c.fifo", "d_e"], ["a b", "c&d=e", "é+"]):
        urls = [f"https://sqs.example/123/{name}" for name in names]
        query = parse_qs(_chunk_query(urls, with_tags=True))
        assert query["q"] == names and query["tags"] == ["1"]
        assert _signer.unsign(query["base"][0]) == "https://sqs.example/123/"


@pytest.fixture
def queues(raw_sqs):
    raw_sqs.create_queue(QueueName="alpha")
    url = raw_sqs.create_queue(QueueName="beta.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    raw_sqs.send_message(
        QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="1"
    )
    return ["alpha", "beta.fifo"]


def test_anonymous_users_are_sent_to_login(client, profile):
    response = client.get(page_url("queue-list", profile))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_viewer_sees_the_queues_with_counts_and_the_workspace(
    client, viewer_user, profile, queues
):
    client.force_login(viewer_user)
    response = client.get(page_url("queue-list", profile))
    html = response.content.decode()
    assert response.status_code == 200
    assert "alpha" in html and "beta.fifo" in html and "FIFO" in html
    assert (
        "Profile <strong>Test moto</strong>" in html and f"Region <strong>{REGION}</strong>" in html
    )


def test_the_prefix_filter_asks_sqs_for_matching_names(client, viewer_user, profile, queues):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile), {"prefix": "be"}).content.decode()
    assert "beta.fifo" in html and "alpha" not in html


def test_htmx_gets_only_the_table(client, viewer_user, profile, queues):
    client.force_login(viewer_user)
    html = client.get(
        page_url("queue-list", profile), headers={"HX-Request": "true"}
    ).content.decode()
    assert html.lstrip().startswith('<section id="queue-table">')
    assert "<html" not in html


def test_an_empty_region_says_so(client, viewer_user, profile, queues):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile, region="eu-west-1")).content.decode()
    assert "There are no queues in eu-west-1" in html


def test_a_user_without_a_role_gets_a_403_naming_the_role(client, nobody_user, profile):
    client.force_login(nobody_user)
    response = client.get(page_url("queue-list", profile))
    assert response.status_code == 403
    assert "<strong>Viewer</strong> role" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/p/no-such-profile/us-east-1/queues/", "/p/test-moto/mars-1/queues/"]
)
def test_an_unknown_profile_or_region_is_a_404_page(client, viewer_user, profile, path):
    client.force_login(viewer_user)
    response = client.get(path)
    assert response.status_code == 404


def test_an_endpoint_that_is_down_is_a_clear_message(client, viewer_user, profile, settings):
    settings.AWS_MAX_ATTEMPTS = 1
    profile.endpoint_url = "http://127.0.0.1:9"
    profile.save()
    client.force_login(viewer_user)
    response = client.get(page_url("queue-list", profile))
    assert response.status_code == 503
    assert "the SQS endpoint cannot be reached" in response.content.decode()


def test_home_goes_to_the_last_workspace(client, viewer_user, profile, queues):
    client.force_login(viewer_user)
    client.get(page_url("queue-list", profile, region="eu-west-1"))
    response = client.get(reverse("console:home"))
    assert response.url == page_url("queue-list", profile, region="eu-west-1")


def test_home_without_profiles_says_what_to_do(client, viewer_user):
    client.force_login(viewer_user)
    assert "Ask an administrator" in client.get(reverse("console:home")).content.decode()


def test_switching_goes_to_the_chosen_workspace(client, viewer_user, profile):
    client.force_login(viewer_user)
    response = client.get(
        reverse("console:switch"), {"profile": profile.slug, "region": "ap-south-1"}
    )
    assert response.url == page_url("queue-list", profile, region="ap-south-1")


def test_switching_to_a_malformed_region_explains(client, viewer_user, profile):
    client.force_login(viewer_user)
    response = client.get(
        reverse("console:switch"), {"profile": profile.slug, "region": "eu west"}, follow=True
    )
    assert "is not an AWS region name" in response.content.decode()


def test_the_region_switcher_suggests_every_sqs_region(client, viewer_user, profile):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-list", profile)).content.decode()
    datalist = html[html.index('<datalist id="region-names">') : html.index("</datalist>")]
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        assert f'<option value="{region}">' in datalist
