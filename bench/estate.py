"""The estate health snapshot with 1,000 queues (50 of them dead-letter queues holding messages):
the dashboard's Refresh against raw boto3 making the same calls at the same concurrency
(ListQueues, one GetQueueAttributes per queue ESTATE_COUNT_WORKERS at a time, and GetMetricData
for the oldest-message ages, 500 queues per call)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import boto3
from django.conf import settings

from bench.harness import REGION, Bench, Row, interleaved_best
from queues.sqs.metrics import MAX_QUERIES, Metric, metric_query
from queues.sqs.queues import ROW_ATTRIBUTES

TITLE = "Estate health: a snapshot of 1,000 queues (moto server, dashboard over HTTP)"

QUEUES = 1000
DEAD_LETTER_QUEUES = 50


def _create(bench: Bench) -> None:
    sqs = bench.raw_sqs
    dlqs = [f"estate-dlq-{i:02d}" for i in range(DEAD_LETTER_QUEUES)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        dlq_urls = list(pool.map(lambda n: sqs.create_queue(QueueName=n)["QueueUrl"], dlqs))
    arn = "arn:aws:sqs:{}:123456789012:{}"

    def source(i: int) -> None:
        attributes = {}
        if i < DEAD_LETTER_QUEUES:
            target = arn.format(REGION, dlqs[i])
            attributes["RedrivePolicy"] = (
                f'{{"deadLetterTargetArn":"{target}","maxReceiveCount":"3"}}'
            )
        sqs.create_queue(QueueName=f"estate-{i:04d}", Attributes=attributes)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(source, range(QUEUES - DEAD_LETTER_QUEUES)))
        list(pool.map(lambda u: sqs.send_message(QueueUrl=u, MessageBody="dead"), dlq_urls))


def _dashboard(bench: Bench) -> None:
    response = bench.http.post(
        bench.url("/estate/"),
        headers={"X-CSRFToken": bench.http.cookies["csrftoken"], "Referer": bench.url("/estate/")},
        allow_redirects=False,
        timeout=300,
    )
    assert response.status_code == 302, response.status_code


def _floor(bench: Bench, cloudwatch) -> None:
    urls = bench.raw_sqs.list_queues(MaxResults=1000).get("QueueUrls", [])

    def one(url: str) -> dict:
        return bench.raw_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=ROW_ATTRIBUTES)

    with ThreadPoolExecutor(max_workers=settings.ESTATE_COUNT_WORKERS) as pool:
        rows = list(pool.map(one, urls))
    assert len(rows) == QUEUES
    names = [url.rsplit("/", 1)[-1] for url in urls]
    age = Metric("ApproximateAgeOfOldestMessage", "Maximum", "")
    end = datetime.now(UTC).replace(microsecond=0)
    for start in range(0, len(names), MAX_QUERIES):
        queries = [
            metric_query(f"q{i}", name, age, 300, label=name)
            for i, name in enumerate(names[start : start + MAX_QUERIES])
        ]
        cloudwatch.get_metric_data(
            MetricDataQueries=queries,
            StartTime=end - timedelta(minutes=15),
            EndTime=end + timedelta(seconds=60),
            ScanBy="TimestampAscending",
        )


def _check(bench: Bench) -> None:
    html = bench.http.get(bench.url("/estate/"), timeout=60).text
    listed = html.count('<tr data-queue="estate-dlq-')
    assert listed == DEAD_LETTER_QUEUES, f"{listed} dead-letter queues listed"


def run(bench: Bench) -> list[Row]:
    cloudwatch = boto3.client(
        "cloudwatch",
        endpoint_url=bench.sqs_endpoint,
        region_name=REGION,
        aws_access_key_id="AKIABENCH",
        aws_secret_access_key="bench-secret",
    )
    _create(bench)
    _dashboard(bench)  # warm up: clients, templates
    _check(bench)
    _floor(bench, cloudwatch)
    dashboard, floor = interleaved_best(
        lambda: _dashboard(bench), lambda: _floor(bench, cloudwatch)
    )
    workers = settings.ESTATE_COUNT_WORKERS
    return [
        Row(
            f"snapshot of {QUEUES} queues ({workers} calls in flight)",
            dashboard,
            floor,
            "<= 1.15",
        )
    ]
