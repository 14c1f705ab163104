"""A queue's Monitoring tab: the live chart from shared samples, CloudWatch's metrics when the
profile can read them (and why not when it cannot), and sparklines in the queue list."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.core.cache import cache

from queues.console import monitoring
from queues.sqs import QueueCounts
from tests import sqs_lanes
from tests.helpers import HTMX, REGION, page_url, profile_calls, refuse_cloudwatch, send


@pytest.fixture(autouse=True)
def every_poll_is_a_sample(monkeypatch):
    """Polls come seconds apart in use; here they come within one second of each other."""
    monkeypatch.setattr(monitoring, "MIN_SPACING_SECONDS", 0)


def table_rows(html: str, figure_id: str) -> list[list[str]]:
    figure = re.search(rf'<figure class="chart-figure" id="{figure_id}">.*?</figure>', html, re.S)
    body = re.search(r"<tbody>(.*?)</tbody>", figure.group(0), re.S).group(1)
    return [
        [unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_detail_pages_count_polls_are_the_history_anyone_opening_monitoring_sees(
    client, viewer_user, operator_user, profile, raw_sqs, standard_url
):
    client.force_login(operator_user)
    send(raw_sqs, standard_url, 3)
    assert client.get(page_url("queue-counts", profile, "orders"), headers=HTMX).status_code == 200
    monitoring_samples = monitoring.samples(profile.pk, REGION, "orders")
    assert [s.available for s in monitoring_samples] == [3]

    send(raw_sqs, standard_url, 4)
    client.force_login(viewer_user)  # somebody else opens the tab later
    html = client.get(page_url("queue-monitoring", profile, "orders")).content.decode()
    available = [row[1] for row in table_rows(html, "live")]
    assert available[0] == "3" and available[-1] == "7"
    assert 'data-series="Messages available" data-latest="7"' in html
    assert "1 GetQueueAttributes call every 5 s = 12 calls/minute while this page is open" in html


def test_the_live_poll_is_one_call_recorded_as_a_sample(client, viewer_user, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="live")["QueueUrl"]
    client.force_login(viewer_user)
    client.get(page_url("queue-monitoring", profile, "live"))
    send(raw_sqs, url, 5)
    seen = profile_calls(profile)
    html = client.get(page_url("queue-monitoring-live", profile, "live"), headers=HTMX)
    assert seen == ["GetQueueAttributes"]
    text = html.content.decode().strip()
    assert text.startswith('<section class="card" id="live-chart" hx-get=')
    assert [row[1] for row in table_rows(text, "live")] == ["0", "5"]


def test_the_live_poll_stops_when_the_queue_is_deleted(client, viewer_user, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="brief")["QueueUrl"]
    client.force_login(viewer_user)
    client.get(page_url("queue-monitoring", profile, "brief"))
    raw_sqs.delete_queue(QueueUrl=url)
    response = client.get(page_url("queue-monitoring-live", profile, "brief"), headers=HTMX)
    assert response.status_code == 286
    assert "This queue no longer exists." in response.content.decode()
    assert "hx-get" not in response.content.decode()


def test_the_history_is_bounded_in_time_and_length(settings):
    settings.MONITORING_HISTORY_SECONDS = 600
    start = 1_000_000.0
    for i in range(2000):
        monitoring.record(1, REGION, "q", QueueCounts(i, 0, 0), now=start + i * 2)
    kept = monitoring.samples(1, REGION, "q")
    assert len(kept) == 300  # ten minutes of one sample every 2 s
    assert kept[-1].available == 1999 and kept[0].at > start + 3998 - 600


def test_samples_closer_than_a_second_replace_the_last_and_the_count_limit_holds(
    settings, monkeypatch
):
    monkeypatch.setattr(monitoring, "MIN_SPACING_SECONDS", 1.0)
    settings.MONITORING_HISTORY_SECONDS = 100_000
    start = 1_000_000.0
    monitoring.record(1, REGION, "q", QueueCounts(1, 2, 3), now=start)
    monitoring.record(1, REGION, "q", QueueCounts(4, 5, 6), now=start + 0.5)
    assert monitoring.samples(1, REGION, "q") == [monitoring.Sample(start + 0.5, 4, 5, 6)]
    for i in range(1, monitoring.MAX_SAMPLES + 10):
        monitoring.record(1, REGION, "q", QueueCounts(i, 0, 0), now=start + i * 2)
    kept = monitoring.samples(1, REGION, "q")
    assert len(kept) == monitoring.MAX_SAMPLES
    assert kept[0].available == 10 and kept[-1].available == monitoring.MAX_SAMPLES + 9


def test_a_history_kept_by_an_earlier_version_is_read_and_extended():
    """Histories were kept as lists of tuples; a shared cache may still hold some after an
    upgrade: the chart shows them and the next sample joins them."""
    start = time.time() - 30
    cache.set(
        f"sqsadmin:samples:1:{REGION}:old",
        [(start, 3, 0, 0), (start + 10, 5, 1, 0)],
        600,
    )
    monitoring.record(1, REGION, "old", QueueCounts(7, 2, 1), now=start + 20)
    assert monitoring.samples(1, REGION, "old") == [
        monitoring.Sample(start, 3, 0, 0),
        monitoring.Sample(start + 10, 5, 1, 0),
        monitoring.Sample(start + 20, 7, 2, 1),
    ]


@sqs_lanes.serves_cloudwatch
def test_cloudwatch_metrics_show_with_their_numbers_from_one_call(
    client, viewer_user, profile, standard_url, cloudwatch
):
    now = datetime.now(UTC)
    for minutes, visible, age in ((20, 11, 60), (10, 42, 3600)):
        cloudwatch.put_metric_data(
            Namespace="AWS/SQS",
            MetricData=[
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": "QueueName", "Value": "orders"}],
                    "Timestamp": now - timedelta(minutes=minutes),
                    "Value": value,
                }
                for name, value in (
                    ("ApproximateNumberOfMessagesVisible", visible),
                    ("ApproximateAgeOfOldestMessage", age),
                )
            ],
        )
    client.force_login(viewer_user)
    seen = profile_calls(profile, "cloudwatch")
    html = client.get(page_url("queue-monitoring", profile, "orders")).content.decode()
    assert seen == ["GetMetricData"]
    assert 'id="cloudwatch-note"' not in html
    depth = table_rows(html, "cw0")
    assert [row[1] for row in depth] == ["11", "42"]
    assert [row[1] for row in table_rows(html, "cw1")] == ["1 minute", "1 hour"]

    # Another range is one more call, for the CloudWatch part only.
    response = client.get(
        page_url("queue-monitoring", profile, "orders"), {"range": "7d"}, headers=HTMX
    )
    assert seen == ["GetMetricData", "GetMetricData"]
    part = response.content.decode().strip()
    assert part.startswith('<section class="card" id="cloudwatch">')
    assert "last 7 days" in part and 'aria-current="true">7 days' in part


@sqs_lanes.serves_cloudwatch
def test_without_cloudwatch_data_the_tab_says_why_and_keeps_the_live_chart(
    client, viewer_user, profile, standard_url
):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-monitoring", profile, "orders")).content.decode()
    assert "CloudWatch has no AWS/SQS data for orders in the last 1 hour" in html
    assert 'id="live-chart"' in html and 'data-series="Messages available"' in html


def test_when_cloudwatch_refuses_the_profile_the_tab_says_so(
    client, viewer_user, profile, standard_url
):
    refuse_cloudwatch(profile)
    client.force_login(viewer_user)
    html = unescape(client.get(page_url("queue-monitoring", profile, "orders")).content.decode())
    assert "No CloudWatch metrics: CloudWatch refused this profile" in html
    assert "no cloudwatch:GetMetricData" in html
    assert 'id="live-chart"' in html


def _chunk_url(client, profile) -> str:
    """The URL of the queue list's one chunk of rows."""
    html = client.get(page_url("queue-list", profile)).content.decode()
    (chunk,) = [unescape(u) for u in re.findall(r'hx-get="([^"]+queue-rows[^"]+)"', html)]
    return chunk


def _list_chunk(client, profile) -> str:
    """The queue list's one chunk of rows, as the page loads it."""
    return client.get(_chunk_url(client, profile), headers=HTMX).content.decode()


def test_list_rows_show_recent_depth_without_extra_calls(client, viewer_user, profile, raw_sqs):
    urls = [raw_sqs.create_queue(QueueName=f"s-{i}")["QueueUrl"] for i in range(3)]
    client.force_login(viewer_user)
    seen = profile_calls(profile)
    chunk = _chunk_url(client, profile)
    first = client.get(chunk, headers=HTMX).content.decode()
    assert '<span class="spark-none">' in first  # one sample is not a line yet
    send(raw_sqs, urls[1], 6)
    second = client.get(chunk, headers=HTMX).content.decode()
    assert seen == ["ListQueues"] + ["GetQueueAttributes"] * 6
    row = re.search(r'<tr data-queue="s-1".*?</tr>', second, re.S).group(0)
    assert '<svg class="spark"' in row
    assert "Messages available in s-1, recent samples: 0, 6" in row


def test_a_long_history_is_drawn_with_one_point_per_unit_of_the_sparklines_width(
    client, viewer_user, profile, raw_sqs, settings
):
    """An hour of samples is up to 720 a queue: the row shows the whole span, thinned to the
    80 points its 80-unit line can draw, oldest and latest included."""
    url = raw_sqs.create_queue(QueueName="busy")["QueueUrl"]
    start = time.time() - 700
    for i in range(700):
        monitoring.record(profile.pk, REGION, "busy", QueueCounts(i, 0, 0), now=start + i)
    send(raw_sqs, url, 3)
    client.force_login(viewer_user)
    row = _list_chunk(client, profile)
    points = re.search(r'<polyline fill="none" points="([^"]+)"', row).group(1).split()
    assert len(points) == 80
    said = re.search(r"recent samples: ([^<]+)</title>", row).group(1).split(", ")
    assert len(said) == 80
    assert said[0] == "0" and said[-1] == "3"  # the oldest kept, and the count just read


def test_a_flat_stretch_is_one_segment_said_once_with_its_length(
    client, viewer_user, profile, raw_sqs
):
    """An idle queue's samples are all the same: the row draws the stretch from its first
    point to its last and says the value once with how many samples it lasted, instead of
    reading out every zero."""
    url = raw_sqs.create_queue(QueueName="idle")["QueueUrl"]
    start = time.time() - 100
    for i, depth in enumerate([0] * 40 + [2, 2, 5]):
        monitoring.record(profile.pk, REGION, "idle", QueueCounts(depth, 0, 0), now=start + i)
    send(raw_sqs, url, 5)
    client.force_login(viewer_user)
    row = _list_chunk(client, profile)
    said = "Messages available in idle, recent samples: 0 \u00d740, 2 \u00d72, 5 \u00d72</title>"
    assert said in row
    points = re.search(r'<polyline fill="none" points="([^"]+)"', row).group(1).split()
    xs = [float(p.split(",")[0]) for p in points]
    ys = [float(p.split(",")[1]) for p in points]
    # 44 samples: the zeros from the first to the 40th, the twos, the fives to the right edge.
    assert len(points) == 6 and xs[0] == 0 and xs[-1] == 80
    assert ys[0] == ys[1] > ys[2] == ys[3] > ys[4] == ys[5]  # SVG's y grows downwards


@pytest.mark.parametrize(
    ("depths", "spacing", "rising"),
    [
        ((1, 2, 4, 7), 60, True),
        ((1, 2, 4, 7), 1, False),  # a burst seen by polls seconds apart is not a trend
        ((1, 2, 4, 3), 60, False),  # it went down
        ((5, 5, 5, 5), 60, False),  # flat
        ((2, 4, 8), 120, False),  # too few samples
    ],
)
def test_rising_depth_is_a_trend_over_minutes(depths, spacing, rising):
    start = 1_000_000.0
    history = [
        monitoring.Sample(start + i * spacing, depth, 0, 0) for i, depth in enumerate(depths)
    ]
    assert monitoring.keeps_rising(history, now=history[-1].at) is rising
