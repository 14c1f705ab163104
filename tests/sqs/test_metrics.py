"""CloudWatch's AWS/SQS metrics through GetMetricData, against moto's CloudWatch over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import Stubber

from queues.sqs.metrics import QUEUE_METRICS, CloudWatchMetrics, MetricsUnavailable
from tests import sqs_lanes
from tests.helpers import REGION, operations_of


def put(cloudwatch, queue: str, metric: str, values: list[float], now: datetime) -> None:
    cloudwatch.put_metric_data(
        Namespace="AWS/SQS",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": [{"Name": "QueueName", "Value": queue}],
                "Timestamp": now - timedelta(minutes=5 * (len(values) - i)),
                "Value": value,
            }
            for i, value in enumerate(values)
        ],
    )


@sqs_lanes.serves_cloudwatch
def test_a_queue_history_is_every_metric_from_one_call(cloudwatch):
    now = datetime.now(UTC)
    put(cloudwatch, "orders", "ApproximateNumberOfMessagesVisible", [4, 9, 17], now)
    put(cloudwatch, "orders", "NumberOfMessagesSent", [20, 30], now)
    put(cloudwatch, "other", "ApproximateNumberOfMessagesVisible", [999], now)
    calls = operations_of(cloudwatch)

    series = CloudWatchMetrics(cloudwatch).queue_history("orders", "3h")

    assert calls == ["GetMetricData"]
    assert [s.metric for s in series] == list(QUEUE_METRICS)
    by_name = {s.metric.name: [v for _, v in s.points] for s in series}
    assert by_name["ApproximateNumberOfMessagesVisible"] == [4, 9, 17]
    assert by_name["NumberOfMessagesSent"] == [20, 30]
    assert by_name["ApproximateAgeOfOldestMessage"] == []


@sqs_lanes.serves_cloudwatch
def test_oldest_ages_ask_for_500_queues_per_call(cloudwatch):
    now = datetime.now(UTC)
    names = [f"q-{i:04d}" for i in range(620)]
    put(cloudwatch, "q-0007", "ApproximateAgeOfOldestMessage", [100, 7200], now)
    put(cloudwatch, "q-0610", "ApproximateAgeOfOldestMessage", [30], now)
    calls = operations_of(cloudwatch)

    ages = CloudWatchMetrics(cloudwatch).oldest_ages(names)

    assert calls == ["GetMetricData", "GetMetricData"]
    assert ages == {"q-0007": 7200, "q-0610": 30}


def test_access_denied_says_cloudwatch_refused_the_profile(cloudwatch):
    with Stubber(cloudwatch) as stub:
        stub.add_client_error(
            "get_metric_data",
            service_error_code="AccessDenied",
            service_message="User is not authorized to perform: cloudwatch:GetMetricData",
            http_status_code=403,
        )
        with pytest.raises(MetricsUnavailable) as raised:
            CloudWatchMetrics(cloudwatch).queue_history("orders")
    assert "CloudWatch refused this profile" in str(raised.value)
    assert "cloudwatch:GetMetricData" in str(raised.value)


def test_an_endpoint_without_cloudwatch_says_so(cloudwatch):
    with Stubber(cloudwatch) as stub:
        stub.add_client_error(
            "get_metric_data", service_error_code="", http_status_code=404, service_message=""
        )
        with pytest.raises(MetricsUnavailable) as raised:
            CloudWatchMetrics(cloudwatch).queue_history("orders")
    assert "does not serve CloudWatch" in str(raised.value)


def test_an_unreachable_endpoint_says_so():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = boto3.client(
        "cloudwatch",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name=REGION,
        config=boto3.session.Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(MetricsUnavailable) as raised:
        CloudWatchMetrics(client).queue_history("orders")
    assert "could not be reached" in str(raised.value)
