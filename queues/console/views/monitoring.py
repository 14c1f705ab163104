"""A queue's Monitoring tab: a live chart of its counts (from the shared samples, one
GetQueueAttributes call per interval while the page is open) and, when the profile can read
CloudWatch, the AWS/SQS metrics over 1 h / 3 h / 24 h / 7 d in one GetMetricData call."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ...accounts.roles import BROWSE, require_permission
from ...profiles.credentials import client_for
from ...sqs import QueueNotFound, SqsError
from ...sqs.metrics import DEFAULT_RANGE, RANGES, CloudWatchMetrics, Series
from ...sqs.queues import queue_name_problem
from .. import monitoring, workspace
from ..charts import Chart, Line

TEMPLATE = "console/queue_monitoring.html"


def live_chart(current: workspace.Workspace, queue: str) -> Chart:
    history = monitoring.samples(current.profile.pk, current.region, queue)
    window = settings.MONITORING_HISTORY_SECONDS
    now = time.time()
    start = history[0].at if history else now - 60
    return Chart(
        title=f"Messages in {queue}, last {window // 60} minutes (live samples)",
        lines=[
            Line("Messages available", "series-1", [(s.at, s.available) for s in history]),
            Line("Messages in flight", "series-2", [(s.at, s.in_flight) for s in history]),
            Line("Messages delayed", "series-3", [(s.at, s.delayed) for s in history]),
        ],
        start=start,
        end=max(now, start + 60),
        chart_id="live",
    )


# The CloudWatch charts: which metrics (by position in QUEUE_METRICS) share a chart.
_GROUPS = (
    ("Messages in the queue", (0, 1, 2), ""),
    ("Age of oldest message", (3,), "s"),
    ("Messages sent, received, deleted; empty receives", (4, 5, 6, 7), ""),
    ("Sent message size (average)", (8,), "B"),
)


def cloudwatch_charts(series: list[Series], range_key: str) -> list[Chart]:
    span = RANGES[range_key]
    end = time.time()
    fmt = "%H:%M" if span.seconds <= 24 * 3600 else "%m-%d %H:%M"
    charts = []
    for n, (title, members, unit) in enumerate(_GROUPS):
        lines = [
            Line(
                series[i].metric.label,
                f"series-{k + 1}",
                [(t.timestamp(), v) for t, v in series[i].points],
            )
            for k, i in enumerate(members)
        ]
        charts.append(
            Chart(
                title=f"{title}, last {span.label} (CloudWatch, {span.period // 60} min periods)",
                lines=lines,
                unit=unit,
                time_format=fmt,
                start=end - span.seconds,
                end=end,
                chart_id=f"cw{n}",
            )
        )
    return charts


def _cloudwatch(current: workspace.Workspace, queue: str, range_key: str) -> dict:
    """The CloudWatch part of the tab: its charts, or why there are none."""
    context: dict = {"range": range_key, "ranges": RANGES.values(), "cw_charts": [], "cw_note": ""}
    try:
        metrics = CloudWatchMetrics(client_for(current.profile, current.region, "cloudwatch"))
        series = metrics.queue_history(queue, range_key)
    except SqsError as error:
        context["cw_note"] = f"No CloudWatch metrics: {error} The live chart above still works."
        return context
    if not any(s.points for s in series):
        context["cw_note"] = (
            f"CloudWatch has no AWS/SQS data for {queue} in the last {RANGES[range_key].label}. "
            "(SQS publishes metrics every minute for active queues; an emulator may publish none.)"
        )
        return context
    context["cw_charts"] = cloudwatch_charts(series, range_key)
    return context


def _live_context(current: workspace.Workspace, queue: str) -> dict:
    interval = settings.MONITORING_INTERVAL_SECONDS
    return {
        "queue_name": queue,
        "interval": interval,
        "cost": monitoring.calls_per_minute(interval),
        "live": live_chart(current, queue),
        "live_error": "",
        "gone": False,
    }


@require_GET
@require_permission(BROWSE)
def queue_monitoring(request: HttpRequest, profile: str, region: str, queue: str) -> HttpResponse:
    current = workspace.enter(request, profile, region)
    range_key = request.GET.get("range", DEFAULT_RANGE)
    if range_key not in RANGES:
        range_key = DEFAULT_RANGE
    if request.htmx and "range" in request.GET:
        # Switching the CloudWatch range: only that part, one GetMetricData call.
        if problem := queue_name_problem(queue, fifo=queue.endswith(".fifo")):
            raise Http404(f"{queue!r} is not a queue name: {problem}")
        return render(request, f"{TEMPLATE}#cloudwatch", _cloudwatch(current, queue, range_key))
    found = workspace.queue_or_404(current, queue)
    monitoring.record(current.profile.pk, current.region, found.name, found.counts)
    context = {
        **_live_context(current, found.name),
        **_cloudwatch(current, found.name, range_key),
        "queue": found,
    }
    return render(request, TEMPLATE, context)


@require_GET
@require_permission(BROWSE)
def queue_monitoring_live(
    request: HttpRequest, profile: str, region: str, queue: str
) -> HttpResponse:
    """The live chart, polled: one GetQueueAttributes call, recorded as a sample."""
    current = workspace.enter(request, profile, region)
    context = _live_context(current, queue)
    try:
        counts = current.sqs.get_counts(current.queue_url(queue))
    except QueueNotFound:
        current.forget_queue(queue)
        context.update(live_error="This queue no longer exists.", gone=True)
        return render(request, f"{TEMPLATE}#live", context, status=286)
    except SqsError as error:
        context["live_error"] = str(error)
        return render(request, f"{TEMPLATE}#live", context)
    monitoring.record(current.profile.pk, current.region, queue, counts)
    context["live"] = live_chart(current, queue)
    return render(request, f"{TEMPLATE}#live", context)
