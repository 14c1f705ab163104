"""What the production server (`make serve`'s granian) must do for the dashboard beyond
answering pages: a streamed answer reaches the browser as it is written, and when the tab goes
away the work behind the stream stops."""

from __future__ import annotations

import json
import re
import time
from html import unescape
from pathlib import Path
from types import SimpleNamespace

from tests.helpers import HTMX, page_url, visible
from tests.served import dashboard_env, manage, served_dashboard

LAST_SEND = (
    "import json\n"
    "from queues.models import AuditEvent\n"
    "event = AuditEvent.objects.filter(action='send_message').first()\n"
    "print(json.dumps(event and event.parameters))"
)


def _audited_send(env: dict[str, str]) -> dict:
    """The bulk send's audit row, once the work has ended and written it."""
    deadline = time.monotonic() + 60
    while (parameters := json.loads(manage(env, LAST_SEND))) is None:
        assert time.monotonic() < deadline, "the bulk send was never audited"
        time.sleep(0.5)
    return parameters


def test_a_bulk_send_streams_its_progress_and_a_closed_tab_stops_it(
    sqs_endpoint, raw_sqs, tmp_path: Path
):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    env = dashboard_env(tmp_path)
    with served_dashboard(env, {"local": sqs_endpoint}) as (base, session):
        send = base + page_url("messages-send", SimpleNamespace(slug="local"), "orders")
        started = session.post(
            send,
            {"body": "bulk", "body_format": "text", "copies": 1000},
            headers={**HTMX, "X-CSRFToken": session.cookies["csrftoken"]},
            timeout=60,
        )
        assert started.status_code == 200, started.text[:500]
        stream = unescape(re.search(r'sse-connect="([^"]+)"', started.text).group(1))
        with session.get(base + stream, stream=True, timeout=60) as events:
            assert events.headers["Content-Type"] == "text/event-stream"
            # The first progress event, as soon as the server has it: a server that held the
            # answer back until the work ended would only send it after all 1,000.
            first = next(events.iter_content(chunk_size=None)).decode()
        # The tab is gone: the send stops at its next step and says so in the audit trail.
        audited = _audited_send(env)
    assert first.startswith("event: progress"), first
    assert audited.get("stopped") is True, audited
    assert 0 < audited["sent"] < 1000
    assert visible(raw_sqs, url) == audited["sent"]
