"""Estate health: every profile's dead-letter queues holding messages, old and rising queues,
and endpoints that fail, from a snapshot shared through the cache."""

from __future__ import annotations

import re
import socketserver
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from queues.console import estate, monitoring
from queues.models import AuthMode, AwsProfile
from queues.sqs import QueueCounts
from tests import sqs_lanes
from tests.helpers import REGION, aws_client, profile_calls, redrive, refuse_cloudwatch, send

OTHER_REGION = "eu-west-1"
ESTATE = "/estate/"


def queue_with_dlq(sqs, name: str, dead_letters: int) -> None:
    """`name` redriving to `name`-dlq, which holds `dead_letters` messages."""
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": redrive(sqs, f"{name}-dlq")})
    send(sqs, dlq, dead_letters)


def new_profile(name: str, region: str, endpoint: str, *, granted: bool = True) -> AwsProfile:
    created = AwsProfile.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        auth_mode=AuthMode.STATIC,
        region=region,
        endpoint_url=endpoint,
        access_key_id="AKIATESTSQSADMIN1234",
        secret_access_key="test-secret-access-key-value",
    )
    if granted:
        created.grant_default_access()  # Viewers and Operators may view it
    return created


class _Holding(socketserver.BaseRequestHandler):
    """Reads a request and answers nothing until the healthy profiles are done, or gives up
    after `hold` seconds (shorter than the client's read timeout, so a scan that waited for this
    endpoint before starting the others is seen as such)."""

    def handle(self) -> None:
        self.request.recv(65536)
        self.server.held.append(self.server.release.wait(self.server.hold))
        self.request.close()


@pytest.fixture
def hung_endpoint():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Holding)
    server.daemon_threads = True
    server.release, server.held, server.hold = threading.Event(), [], 10
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def fast_failure(settings):
    settings.AWS_READ_TIMEOUT = 20
    settings.AWS_MAX_ATTEMPTS = 1


def section(html: str, slug: str) -> str:
    found = re.search(
        rf'<section class="card estate-report" data-profile="{slug}".*?</section>', html, re.S
    )
    assert found, f"no section for {slug}"
    return found.group(0)


@sqs_lanes.empties_every_region
def test_dead_letter_queues_of_every_profile_are_listed_and_a_hung_endpoint_holds_nobody_up(
    client, viewer_user, profile, raw_sqs, sqs_endpoint, hung_endpoint, fast_failure, monkeypatch
):
    queue_with_dlq(raw_sqs, "orders", 4)
    queue_with_dlq(raw_sqs, "quiet", 0)
    queue_with_dlq(aws_client("sqs", sqs_endpoint, OTHER_REGION), "payments", 2)
    new_profile("Green", OTHER_REGION, sqs_endpoint)
    # Named to sort first: scanned one after another, it would hold the others up.
    host, port = hung_endpoint.server_address
    new_profile("A down", REGION, f"http://{host}:{port}")

    healthy = {profile.slug, "green"}
    original = estate.scan

    def scan(p, region):
        report = original(p, region)
        healthy.discard(p.slug)
        if not healthy:
            hung_endpoint.release.set()  # every healthy profile was scanned meanwhile
        return report

    monkeypatch.setattr(estate, "scan", scan)
    client.force_login(viewer_user)
    html = client.get(ESTATE).content.decode()

    # The hung endpoint was still holding its request when the others had finished.
    assert hung_endpoint.held == [True]
    blue = section(html, profile.slug)
    assert re.search(r'<tr data-queue="orders-dlq">.*?<td class="num">4</td>', blue, re.S)
    assert "quiet-dlq" not in blue and 'data-queue="orders"' not in blue
    assert (
        f'href="{reverse("console:queue-detail", args=[profile.slug, REGION, "orders-dlq"])}"'
        in blue
    )
    green = section(html, "green")
    assert re.search(r'<tr data-queue="payments-dlq">.*?<td class="num">2</td>', green, re.S)
    failing = re.search(
        r'<section class="card" id="estate-failing">.*?</section>', html, re.S
    ).group(0)
    assert "<strong>A down</strong>" in failing and f"http://{host}:{port}" in failing
    assert "Endpoint unreachable" in failing


def test_the_snapshot_is_shared_until_someone_refreshes_it(
    client, viewer_user, operator_user, profile, raw_sqs
):
    queue_with_dlq(raw_sqs, "orders", 1)
    client.force_login(viewer_user)
    client.get(ESTATE)
    seen = profile_calls(profile)

    client.force_login(operator_user)  # someone else
    html = client.get(ESTATE).content.decode()
    assert seen == []
    assert re.search(r"Snapshot taken [\w ]+ ago; the last refresh took \d+\.\d\d s", html)

    dlq = raw_sqs.get_queue_url(QueueName="orders-dlq")["QueueUrl"]
    send(raw_sqs, dlq, 2)
    response = client.post(ESTATE)
    assert response.status_code == 302 and response.url == ESTATE
    assert seen.count("ListQueues") == 1 and seen.count("GetQueueAttributes") == 2
    html = client.get(ESTATE).content.decode()
    assert re.search(r'<tr data-queue="orders-dlq">.*?<td class="num">3</td>', html, re.S)


@sqs_lanes.serves_cloudwatch
def test_old_messages_come_from_cloudwatch_and_rising_depth_from_the_samples(
    client, viewer_user, profile, raw_sqs, cloudwatch, settings
):
    settings.ESTATE_OLDEST_AGE_SECONDS = 3600
    for name in ("stale", "fresh", "growing"):
        raw_sqs.create_queue(QueueName=name)
    now = datetime.now(UTC)
    for name, age in (("stale", 7300), ("fresh", 40)):
        cloudwatch.put_metric_data(
            Namespace="AWS/SQS",
            MetricData=[
                {
                    "MetricName": "ApproximateAgeOfOldestMessage",
                    "Dimensions": [{"Name": "QueueName", "Value": name}],
                    "Timestamp": now - timedelta(minutes=2),
                    "Value": age,
                }
            ],
        )
    growing = raw_sqs.get_queue_url(QueueName="growing")["QueueUrl"]
    earlier = time.time() - 600
    for i, depth in enumerate((1, 2, 4)):
        monitoring.record(
            profile.pk, REGION, "growing", QueueCounts(depth, 0, 0), earlier + i * 120
        )
    send(raw_sqs, growing, 7)

    client.force_login(viewer_user)
    html = section(client.get(ESTATE).content.decode(), profile.slug)
    old = re.search(r'<table class="estate old">.*?</table>', html, re.S).group(0)
    assert 'data-queue="stale"' in old and "2 hours 1 minute 40 seconds" in old
    assert 'data-queue="fresh"' not in old
    rising = re.search(r'<table class="estate rising">.*?</table>', html, re.S).group(0)
    assert 'data-queue="growing"' in rising and 'data-queue="stale"' not in rising


def test_without_cloudwatch_the_page_says_ages_need_it(client, viewer_user, profile, raw_sqs):
    raw_sqs.create_queue(QueueName="orders")

    refuse_cloudwatch(profile)
    client.force_login(viewer_user)
    html = client.get(ESTATE).content.decode()
    assert "Oldest-message ages need CloudWatch: CloudWatch refused this profile" in html
    assert "Nothing needs attention." in html


def test_the_estate_is_in_the_main_navigation(client, viewer_user, profile):
    client.force_login(viewer_user)
    html = client.get(reverse("audit:log")).content.decode()
    assert '<a href="/estate/">Estate health</a>' in html


def test_only_the_profiles_a_user_may_view_are_shown_or_scanned(
    client, viewer_user, admin_user, profile, raw_sqs, sqs_endpoint
):
    queue_with_dlq(raw_sqs, "orders", 1)
    hidden = new_profile("Secret", REGION, sqs_endpoint, granted=False)
    scanned = profile_calls(hidden)
    client.force_login(viewer_user)
    html = client.get(ESTATE).content.decode()
    client.post(ESTATE)
    assert scanned == []
    assert 'data-profile="secret"' not in html and "Secret" not in html
    section(html, profile.slug)

    client.force_login(admin_user)  # Admins see every profile
    html = client.get(ESTATE).content.decode()
    assert 'data-queue="orders-dlq"' in section(html, "secret")
