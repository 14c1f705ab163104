"""Browse: the dashboard's streamed browse of 500 messages (receive under a lease, dedupe,
release everything) against raw boto3 making the same receives and releases.

moto's receive costs O(queue depth), so the queue holds 500 messages; the same comparison on
LocalStack would read its message view instead and make no receive at all.
"""

from __future__ import annotations

import re

from bench.harness import Bench, Row, interleaved_best, raw_receive, raw_release

TITLE = "Browse: walk a queue under a lease and release it"
QUEUE = "bench-browse"
COUNT = 500
LEASE = 360  # the dashboard's lease: LONG_WORK_MAX_SECONDS (300) + 60


def run(bench: Bench) -> list[Row]:
    sqs = bench.raw_sqs
    bench.reset_sqs()
    url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    for start in range(0, COUNT, 10):
        sqs.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "MessageBody": f"message {start + i}"} for i in range(10)],
        )
    page = bench.url(f"/p/bench/us-east-1/queues/{QUEUE}/messages/")
    headers = {"X-CSRFToken": bench.http.cookies["csrftoken"], "HX-Request": "true"}

    def dashboard_browse() -> None:
        started = bench.http.post(
            page + "browse/",
            data={"count": COUNT, "contains": "message 499"},
            headers=headers,
            timeout=60,
        )
        started.raise_for_status()
        stream = re.search(r'sse-connect="([^"]+)"', started.text).group(1)
        events = bench.http.get(bench.url(stream), timeout=120).text
        assert f"Browsed {COUNT} of {COUNT:,} messages" in events, events[-500:]

    def raw_browse() -> None:
        seen = raw_receive(sqs, url, COUNT, LEASE)
        raw_release(sqs, url, seen)
        assert len(seen) == COUNT

    dashboard, raw = interleaved_best(dashboard_browse, raw_browse)
    return [Row(f"browse {COUNT} messages (receive + release)", dashboard, raw, "<= 1.2")]
