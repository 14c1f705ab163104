"""CloudWatch's AWS/SQS metrics through GetMetricData: a queue's history over a range, and the
oldest message's age of many queues at once. Plain Python over a boto3 CloudWatch client.

Every failure becomes MetricsUnavailable, worded for the operator (access denied, an endpoint
without CloudWatch, unreachable), so a page can say why it shows no CloudWatch data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from . import errors
from .batching import batched

NAMESPACE = "AWS/SQS"
# GetMetricData takes at most 500 queries per call.
MAX_QUERIES = 500


@dataclass(frozen=True)
class Metric:
    name: str  # CloudWatch's metric name
    stat: str
    label: str  # what the page calls it
    unit: str = ""  # "s" for seconds, "B" for bytes, "" for a count


# The metrics the Monitoring tab shows, in its order.
QUEUE_METRICS = (
    Metric("ApproximateNumberOfMessagesVisible", "Average", "Messages available"),
    Metric("ApproximateNumberOfMessagesNotVisible", "Average", "Messages in flight"),
    Metric("ApproximateNumberOfMessagesDelayed", "Average", "Messages delayed"),
    Metric("ApproximateAgeOfOldestMessage", "Maximum", "Age of oldest message", "s"),
    Metric("NumberOfMessagesSent", "Sum", "Messages sent"),
    Metric("NumberOfMessagesReceived", "Sum", "Messages received"),
    Metric("NumberOfMessagesDeleted", "Sum", "Messages deleted"),
    Metric("NumberOfEmptyReceives", "Sum", "Empty receives"),
    Metric("SentMessageSize", "Average", "Sent message size", "B"),
)


@dataclass(frozen=True)
class Range:
    key: str
    label: str
    seconds: int
    period: int  # seconds per point: a multiple of 60, about 60-170 points per range


RANGES = {
    r.key: r
    for r in (
        Range("1h", "1 hour", 3600, 60),
        Range("3h", "3 hours", 3 * 3600, 120),
        Range("24h", "24 hours", 24 * 3600, 900),
        Range("7d", "7 days", 7 * 24 * 3600, 3600),
    )
}
DEFAULT_RANGE = "1h"


@dataclass(frozen=True)
class Series:
    metric: Metric
    points: tuple[tuple[datetime, float], ...]  # oldest first


class MetricsUnavailable(errors.SqsError):
    """CloudWatch cannot be read with this profile and endpoint; the text says why."""


def _unavailable(error: Exception) -> MetricsUnavailable:
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        code = info.get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        translated = errors.from_client_error(error, service="CloudWatch")
        if isinstance(translated, errors.AccessDenied):
            words = f"CloudWatch refused this profile: {translated}"
        elif status == 404 or code in ("UnknownOperationException", "InternalFailure", "501"):
            words = f"This endpoint does not serve CloudWatch ({code or status})."
        else:
            words = f"CloudWatch failed: {translated}"
        return MetricsUnavailable(words, code=code)
    translated = errors.from_exception(error, service="CloudWatch")
    return MetricsUnavailable(f"CloudWatch could not be reached: {translated or error}")


class CloudWatchMetrics:
    """GetMetricData over one boto3 CloudWatch client (built and cached elsewhere)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def _get(self, queries: list[dict], start: datetime, end: datetime) -> dict[str, dict]:
        """One GetMetricData call per 500 queries (and per page of results)."""
        results: dict[str, dict] = {}
        try:
            for batch in batched(queries, max_items=MAX_QUERIES):
                params: dict[str, Any] = {
                    "MetricDataQueries": batch,
                    "StartTime": start,
                    "EndTime": end,
                    "ScanBy": "TimestampAscending",
                }
                while True:
                    response = self._client.get_metric_data(**params)
                    for result in response.get("MetricDataResults", []):
                        known = results.setdefault(result["Id"], {"Timestamps": [], "Values": []})
                        known["Timestamps"] += result.get("Timestamps", [])
                        known["Values"] += result.get("Values", [])
                    token = response.get("NextToken")
                    if not token:
                        break
                    params["NextToken"] = token
        except (ClientError, BotoCoreError) as error:
            raise _unavailable(error) from None
        return results

    def queue_history(
        self, queue: str, range_key: str = DEFAULT_RANGE, *, now: datetime | None = None
    ) -> list[Series]:
        """Every metric of QUEUE_METRICS over the range, in one GetMetricData call."""
        span = RANGES[range_key]
        end = (now or datetime.now(UTC)).replace(microsecond=0)
        start = end - timedelta(seconds=span.seconds)
        queries = [
            metric_query(f"m{i}", queue, m, span.period) for i, m in enumerate(QUEUE_METRICS)
        ]
        results = self._get(queries, start, end + timedelta(seconds=60))
        series = []
        for i, metric in enumerate(QUEUE_METRICS):
            found = results.get(f"m{i}", {})
            points = sorted(zip(found.get("Timestamps", []), found.get("Values", []), strict=False))
            series.append(Series(metric, tuple((t.astimezone(UTC), v) for t, v in points)))
        return series

    def oldest_ages(
        self, queues: Sequence[str], *, minutes: int = 15, now: datetime | None = None
    ) -> dict[str, float]:
        """The largest ApproximateAgeOfOldestMessage (seconds) of each queue over the last
        minutes, 500 queues per call; a queue CloudWatch has no data for is left out."""
        end = (now or datetime.now(UTC)).replace(microsecond=0)
        metric = Metric("ApproximateAgeOfOldestMessage", "Maximum", "")
        queries = [
            metric_query(f"q{i}", name, metric, 300, label=name) for i, name in enumerate(queues)
        ]
        results = self._get(queries, end - timedelta(minutes=minutes), end + timedelta(seconds=60))
        ages = {}
        for i, name in enumerate(queues):
            values = results.get(f"q{i}", {}).get("Values", [])
            if values:
                ages[name] = max(values)
        return ages


def metric_query(query_id: str, queue: str, metric: Metric, period: int, label: str = "") -> dict:
    return {
        "Id": query_id,
        "Label": label or metric.label,
        "MetricStat": {
            "Metric": {
                "Namespace": NAMESPACE,
                "MetricName": metric.name,
                "Dimensions": [{"Name": "QueueName", "Value": queue}],
            },
            "Period": period,
            "Stat": metric.stat,
        },
        "ReturnData": True,
    }
