"""Messages: the dashboard's batch send and poll against raw boto3 making the same calls.

- Send 2,000 messages: 20 "100 copies" sends through the page (each SendMessageBatch x 10 in
  parallel) against 200 SendMessageBatch calls from a pool of the same size. Sends rotate over
  four queues so no moto queue grows past 500 messages.
- Poll 100 messages: one "Poll for messages" (count 100) against the same receives with a lease
  and ChangeMessageVisibilityBatch releases, on a queue holding 100 messages.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bench.harness import Bench, Row, interleaved_best, raw_receive, raw_release

TITLE = "Messages: batch send and poll"
QUEUES = [f"bench-send-{i}" for i in range(4)]
TOTAL = 2_000
COPIES = 100
CONCURRENCY = 10  # the service's send_batch pool
BODY = '{"order": 1234, "status": "created", "items": ["book", "pen"]}'
POLL_QUEUE = "bench-poll"
POLL_COUNT = 100


def _page(bench: Bench, queue: str, action: str) -> str:
    return bench.url(f"/p/bench/us-east-1/queues/{queue}/messages/{action}/")


def _csrf(bench: Bench) -> dict[str, str]:
    return {"X-CSRFToken": bench.http.cookies["csrftoken"], "HX-Request": "true"}


def run(bench: Bench) -> list[Row]:
    sqs = bench.raw_sqs

    def fresh_send_queues() -> list[str]:
        bench.reset_sqs()
        return [sqs.create_queue(QueueName=name)["QueueUrl"] for name in QUEUES]

    def dashboard_send() -> None:
        for i in range(TOTAL // COPIES):
            response = bench.http.post(
                _page(bench, QUEUES[i % len(QUEUES)], "send"),
                data={"body": BODY, "body_format": "text", "copies": COPIES},
                headers=_csrf(bench),
                timeout=60,
            )
            response.raise_for_status()
            assert f"Sent {COPIES} of {COPIES} messages." in response.text, response.text[:500]

    urls: list[str] = []

    def setup_raw() -> None:
        urls[:] = fresh_send_queues()

    def raw_send() -> None:
        # The same spread as the dashboard's: ten batches to a queue, then the next queue.
        batches = [urls[(n // (COPIES // 10)) % len(urls)] for n in range(TOTAL // 10)]

        def send(url: str) -> None:
            entries = [{"Id": str(i), "MessageBody": BODY} for i in range(10)]
            response = sqs.send_message_batch(QueueUrl=url, Entries=entries)
            assert len(response["Successful"]) == 10

        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            list(pool.map(send, batches))

    send_dashboard, send_raw = interleaved_best(
        dashboard_send, raw_send, dashboard_setup=fresh_send_queues, floor_setup=setup_raw
    )

    bench.reset_sqs()
    poll_url = sqs.create_queue(QueueName=POLL_QUEUE)["QueueUrl"]
    for start in range(0, POLL_COUNT, 10):
        sqs.send_message_batch(
            QueueUrl=poll_url,
            Entries=[{"Id": str(i), "MessageBody": BODY} for i in range(start, start + 10)],
        )

    def dashboard_poll() -> None:
        response = bench.http.post(
            _page(bench, POLL_QUEUE, "poll"),
            data={"count": POLL_COUNT, "wait": 0},
            headers=_csrf(bench),
            timeout=60,
        )
        response.raise_for_status()
        assert f"{POLL_COUNT} messages received and released" in response.text

    def raw_poll() -> None:
        seen = raw_receive(sqs, poll_url, POLL_COUNT, lease=30)
        raw_release(sqs, poll_url, seen)
        assert len(seen) == POLL_COUNT

    poll_dashboard, poll_raw = interleaved_best(dashboard_poll, raw_poll, rounds=4, repeat=2)
    return [
        Row(
            f"send {TOTAL:,} messages, batches of 10, {CONCURRENCY} at once",
            send_dashboard,
            send_raw,
            ">= 0.8 throughput (ratio <= 1.25)",
        ),
        Row(f"poll {POLL_COUNT} messages (receive + release)", poll_dashboard, poll_raw, "<= 1.2"),
    ]
