"""Long work on the messages page (views/bulk.py) over a real SQS server: browse, bulk send and
import stream their progress, stop early when asked or when the browser goes away, and release
or send exactly what they say."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from queues.models import AuditEvent
from tests.helpers import HTMX, page_url, receive_all, send, send_from_page, visible


@pytest.fixture
def operator(client, operator_user):
    client.force_login(operator_user)
    return client


def _stream_url(response) -> str:
    found = re.search(r'sse-connect="([^"]+)"', response.content.decode())
    assert found, "the answer has no progress box"
    return found.group(1)


def _events(client, url: str) -> list[tuple[str, str]]:
    response = client.get(url)
    assert response["Content-Type"] == "text/event-stream"
    return _parse(b"".join(response.streaming_content).decode())


def _parse(text: str) -> list[tuple[str, str]]:
    events = []
    for block in text.split("\n\n"):
        lines = block.splitlines()
        if not lines:
            continue
        name = lines[0].removeprefix("event: ")
        events.append((name, "\n".join(line.removeprefix("data: ") for line in lines[1:])))
    return events


# Closing a streamed response half-way from Django's test client closes the test's own database
# connection on PostgreSQL (inside the test's transaction it counts as unusable); SQLite's
# in-memory test database never closes. These run in the moto and LocalStack lanes.
_closes_the_test_connection = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="the test client's half-read stream closes the test's PostgreSQL connection; "
    "covered by the SQLite (moto) and LocalStack lanes",
)


def _stop_after(client, url: str, events: int) -> None:
    """Read `events` events, then go away as a closed browser tab does."""
    response = client.get(url)
    chunks = iter(response.streaming_content)
    for _ in range(events):
        next(chunks)
    response.close()


def test_a_browse_streams_progress_finds_the_match_and_leaves_every_message(
    operator, profile, raw_sqs, sqs_implementation
):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 150)
    started = operator.post(
        page_url("messages-browse", profile, "orders"),
        {"count": 1000, "contains": "message 42"},
        headers=HTMX,
    )
    events = _events(operator, _stream_url(started))
    names = [name for name, _ in events]
    assert "progress" in names and names[-1] == "done"
    done = events[-1][1]
    assert "Browsed 150 of 1,000 messages" in done and "1 matched the search" in done
    assert "message 42" in done
    assert visible(raw_sqs, url) == 150
    event = AuditEvent.objects.get(action="browse_messages")
    assert event.parameters["walked"] == 150
    if sqs_implementation == "localstack":
        # The profile's endpoint is LocalStack: its message view, no receive at all.
        assert "no receive count changed" in done and event.parameters["receives"] == 0
    else:
        assert "Released 150 messages" in done and event.parameters["receives"] >= 15


def test_a_browse_streams_the_first_100_matches_and_counts_the_rest(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 120)
    started = operator.post(
        page_url("messages-browse", profile, "orders"), {"count": 120}, headers=HTMX
    )
    events = _events(operator, _stream_url(started))
    assert [name for name, _ in events].count("match") == 100
    assert "20 more matched; narrow the search to see them" in events[-1][1]


def test_a_browse_stream_runs_once(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 5)
    started = operator.post(page_url("messages-browse", profile, "orders"), {"count": 10})
    stream = _stream_url(started)
    _events(operator, stream)
    again = _events(operator, stream)
    assert [name for name, _ in again] == ["done"] and "ended or expired" in again[0][1]
    assert AuditEvent.objects.filter(action="browse_messages").count() == 1


@_closes_the_test_connection
def test_leaving_a_browse_stops_it_and_releases_what_it_leased(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 250)
    started = operator.post(page_url("messages-browse", profile, "orders"), {"count": 250})
    _stop_after(operator, _stream_url(started), 2)
    event = AuditEvent.objects.get(action="browse_messages")
    assert event.parameters["ended"] == "stopped"
    assert 0 < event.parameters["walked"] < 250
    assert visible(raw_sqs, url) == 250


@_closes_the_test_connection
def test_stop_answers_with_what_the_browse_did(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 250)
    started = operator.post(page_url("messages-browse", profile, "orders"), {"count": 250})
    stream = _stream_url(started)
    _stop_after(operator, stream, 2)
    summary = operator.post(stream + "stop/", headers=HTMX).content.decode()
    walked = int(re.search(r"Stopped by you\. Browsed (\d+) of 250 messages", summary).group(1))
    assert 0 < walked < 250
    assert visible(raw_sqs, url) == 250


def test_browse_and_import_are_folded_and_their_forms_come_when_opened(
    operator, profile, raw_sqs, redrive_url
):
    page = operator.get(page_url("messages", profile, "retried")).content.decode()
    for panel, form in (("browse", "browse-form"), ("import", "import-form")):
        fold = re.search(rf'id="{panel}-panel".*?</section>', page, re.S).group(0)
        assert "<details" in fold and " open" not in fold.split(">")[1]
        assert f'id="{form}"' not in fold
        # Opening the fold asks for the form; without JavaScript the link shows it.
        opened = page_url(f"messages-{panel}", profile, "retried")
        assert f'hx-get="{opened}"' in fold and f'href="{opened}#{panel}-panel"' in fold

    body = operator.get(page_url("messages-browse", profile, "retried"), headers=HTMX)
    html = body.content.decode()
    assert 'id="browse-form"' in html and "<section" not in html
    # The queue has a dead-letter queue: the browse asks to acknowledge the receive counts.
    assert "I understand: each receive adds one" in html
    body = operator.get(page_url("messages-import", profile, "retried"), headers=HTMX)
    assert 'id="import-form"' in body.content.decode()


def test_opening_browse_on_a_queue_deleted_since_says_so_in_the_fold(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    operator.get(page_url("messages", profile, "orders"))
    raw_sqs.delete_queue(QueueUrl=url)
    response = operator.get(page_url("messages-browse", profile, "orders"), headers=HTMX)
    html = response.content.decode()
    assert "does not exist" in html and "<html" not in html and 'id="browse-form"' not in html


def test_without_javascript_a_panel_link_shows_the_page_with_that_panel_open(
    operator, profile, raw_sqs
):
    raw_sqs.create_queue(QueueName="orders")
    folded = operator.get(page_url("messages", profile, "orders")).content.decode()
    assert 'id="browse-form"' not in folded and 'id="import-form"' not in folded
    for panel in ("browse", "import"):
        link = f'<a href="{page_url(f"messages-{panel}", profile, "orders")}#{panel}-panel">'
        assert f"{link}Show the {panel} form</a>" in folded
    page = operator.get(page_url("messages-browse", profile, "orders")).content.decode()
    assert "Send and receive messages" in page and 'id="browse-form"' in page
    assert re.search(r'id="browse-panel" class="card">\s*<details class="fold"[^>]* open>', page)
    assert 'id="import-form"' not in page
    page = operator.get(page_url("messages-import", profile, "orders")).content.decode()
    assert 'id="import-form"' in page and 'id="browse-form"' not in page


def test_a_browse_answer_keeps_its_panel_open_with_the_error_by_its_field(
    operator, profile, raw_sqs
):
    raw_sqs.create_queue(QueueName="orders")
    response = operator.post(
        page_url("messages-browse", profile, "orders"),
        {"count": 10, "json_field": "order.id"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert re.match(r'\s*<section id="browse-panel" class="card">\s*<details[^>]* open>', html)
    assert "path=value" in re.search(r'id="field-json_field".*?</div>', html, re.S).group(0)


def test_a_bad_json_field_match_is_refused_before_anything_is_received(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 3)
    response = operator.post(
        page_url("messages-browse", profile, "orders"), {"count": 10, "json_field": "order.id"}
    )
    assert "path=value" in response.content.decode()
    assert "sse-connect" not in response.content.decode()


def test_more_than_100_copies_are_sent_with_progress(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    started = send_from_page(operator, profile, "orders", "bulk", copies=250)
    assert "At most 10,000" in started.content.decode()
    events = _events(operator, _stream_url(started))
    assert [n for n, _ in events].count("progress") == 3  # 100 a step
    assert "Sent 250 of 250 messages." in events[-1][1]
    assert visible(raw_sqs, url) == 250
    # The panel shows the progress box: the next send redraws the panel, which drops it.
    assert '<input type="hidden" name="redraw" value="1">' in started.content.decode()


@_closes_the_test_connection
def test_stopping_a_bulk_send_sends_fewer_than_asked(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    started = operator.post(
        page_url("messages-send", profile, "orders"),
        {"body": "bulk", "body_format": "text", "copies": 1000},
    )
    _stop_after(operator, _stream_url(started), 1)
    event = AuditEvent.objects.get(action="send_message")
    assert event.parameters["stopped"] is True
    assert 0 < event.parameters["sent"] < 1000
    assert visible(raw_sqs, url) == event.parameters["sent"]


def test_the_send_form_refuses_more_than_10000_copies(operator, profile, raw_sqs):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    response = operator.post(
        page_url("messages-send", profile, "orders"),
        {"body": "bulk", "body_format": "text", "copies": 10_001},
    )
    assert "sse-connect" not in response.content.decode()
    assert "10000" in response.content.decode() or "10,000" in response.content.decode()
    assert visible(raw_sqs, url) == 0


def _ndjson(*lines) -> SimpleUploadedFile:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    return SimpleUploadedFile("messages.ndjson", text.encode(), "application/x-ndjson")


GOOD_FIFO = [
    {
        "Body": "first",
        "MessageAttributes": {"tenant": {"DataType": "String", "StringValue": "acme"}},
        "Attributes": {"MessageGroupId": "g1", "MessageDeduplicationId": "d1"},
    },
    {
        "Body": "second",
        "MessageAttributes": {"blob": {"DataType": "Binary", "BinaryValue": "aGVsbG8="}},
        "Attributes": {"MessageGroupId": "g2", "MessageDeduplicationId": "d2"},
    },
]
BAD = [
    "{not json",
    {"Body": "", "Attributes": {"MessageGroupId": "g"}},
    {"Body": "no group"},
    {
        "Body": "bad attribute",
        "Attributes": {"MessageGroupId": "g"},
        "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "abc"}},
    },
]


@pytest.fixture
def fifo(raw_sqs) -> str:
    return raw_sqs.create_queue(
        QueueName="imports.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "false"},
    )["QueueUrl"]


def _import_good_and_bad(operator, profile, mode: str):
    """The file of two good FIFO lines and four bad ones, imported to imports.fifo in `mode`."""
    return operator.post(
        page_url("messages-import", profile, "imports.fifo"),
        {"file": _ndjson(*GOOD_FIFO, *BAD), "mode": mode},
        headers=HTMX,
    )


def test_an_import_dry_run_reports_each_bad_line_and_sends_nothing(
    operator, profile, fifo, raw_sqs
):
    response = _import_good_and_bad(operator, profile, "dry-run")
    html = response.content.decode()
    assert "Dry run: nothing was sent." in html and "6 lines read: 2 valid, 4 with errors" in html
    assert "Line 3: not JSON" in html
    assert "Line 4: Body is missing" in html
    assert "Line 5: a FIFO queue needs a MessageGroupId" in html
    assert "Line 6: attribute 'n'" in unescape(html) and "not a number" in html
    assert "sse-connect" not in html
    assert visible(raw_sqs, fifo) == 0


def test_an_import_sends_the_valid_lines_with_attributes_and_group_ids(
    operator, profile, fifo, raw_sqs
):
    started = _import_good_and_bad(operator, profile, "import")
    assert "Line 3: not JSON" in started.content.decode()
    events = _events(operator, _stream_url(started))
    assert "Sent 2 of 2 messages." in events[-1][1]
    got = receive_all(raw_sqs, fifo)
    by_body = {m["Body"]: m for m in got}
    assert set(by_body) == {"first", "second"}
    assert by_body["first"]["Attributes"]["MessageGroupId"] == "g1"
    assert by_body["first"]["MessageAttributes"]["tenant"]["StringValue"] == "acme"
    assert by_body["second"]["MessageAttributes"]["blob"]["BinaryValue"] == b"hello"
    event = AuditEvent.objects.get(action="import_messages")
    assert event.parameters["sent"] == 2 and event.parameters["lines"] == 6


def test_export_then_import_round_trips_bodies_attributes_and_groups(operator, profile, raw_sqs):
    source = raw_sqs.create_queue(
        QueueName="source.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    target = raw_sqs.create_queue(
        QueueName="target.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    for n in range(3):
        raw_sqs.send_message(
            QueueUrl=source,
            MessageBody=json.dumps({"n": n}),
            MessageGroupId=f"group-{n}",
            MessageAttributes={"kind": {"DataType": "String.custom", "StringValue": f"k{n}"}},
        )
    exported = operator.post(
        page_url("messages-export", profile, "source.fifo"), {"count": 10, "wait": 0}
    )
    ndjson = b"".join(exported.streaming_content)
    upload = SimpleUploadedFile("export.ndjson", ndjson, "application/x-ndjson")
    started = operator.post(
        page_url("messages-import", profile, "target.fifo"), {"file": upload, "mode": "import"}
    )
    _events(operator, _stream_url(started))
    got = receive_all(raw_sqs, target)
    assert sorted(
        (
            m["Body"],
            m["Attributes"]["MessageGroupId"],
            m["MessageAttributes"]["kind"]["StringValue"],
        )
        for m in got
    ) == [(json.dumps({"n": n}), f"group-{n}", f"k{n}") for n in range(3)]


def test_an_import_over_the_line_limit_is_refused(operator, profile, raw_sqs, settings):
    settings.MESSAGE_IMPORT_MAX_LINES = 2
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    response = operator.post(
        page_url("messages-import", profile, "orders"),
        {"file": _ndjson({"Body": "a"}, {"Body": "b"}, {"Body": "c"}), "mode": "import"},
    )
    assert "imports take at most 2" in response.content.decode()
    assert visible(raw_sqs, url) == 0


def test_turning_export_off_hides_both_buttons_and_refuses_both_urls(
    operator, profile, raw_sqs, settings
):
    settings.MESSAGE_EXPORT_ENABLED = False
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 2)
    page = operator.get(page_url("messages", profile, "orders")).content.decode()
    assert "Export as NDJSON" not in page and "Import messages" not in page
    for name, data in [
        ("messages-export", {"count": 10, "wait": 0}),
        ("messages-import", {"file": _ndjson({"Body": "a"}), "mode": "import"}),
    ]:
        response = operator.post(page_url(name, profile, "orders"), data)
        assert response.status_code == 403
        assert "MESSAGE_EXPORT_ENABLED=false" in response.content.decode()
    response = operator.get(page_url("messages-import", profile, "orders"), headers=HTMX)
    assert response.status_code == 403
    assert visible(raw_sqs, url) == 2


def _held_url(view: str, profile, queue: str, done: str) -> str:
    token = re.search(r'id="held-tools-([^"]+)"', done).group(1)
    return reverse(f"console:messages-held-{view}", args=[profile.slug, "us-east-1", queue, token])


def test_a_browse_holding_its_matches_moves_them_once_and_audits_every_id(
    operator, profile, raw_sqs
):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    target_url = raw_sqs.create_queue(QueueName="replay")["QueueUrl"]
    for i in range(40):
        raw_sqs.send_message(QueueUrl=url, MessageBody=f"{'failed' if i < 15 else 'ok'} {i}")
    started = operator.post(
        page_url("messages-browse", profile, "orders"),
        {"count": 100, "contains": "failed", "hold": "on"},
        headers=HTMX,
    )
    done = _events(operator, _stream_url(started))[-1][1]
    assert "Holding 15 matches under the lease" in done and "Released 25 messages" in done
    assert "Move held messages" in done
    assert visible(raw_sqs, url) == 25  # the 15 held stay hidden from consumers

    move = _held_url("transfer", profile, "orders", done)
    answer = operator.post(move, {"transfer": "move", "target": "replay"}, headers=HTMX)
    assert answer.status_code == 200
    assert "Moved 15 of 15 messages to" in answer.content.decode()
    assert visible(raw_sqs, target_url) == 15 and visible(raw_sqs, url) == 25
    event = AuditEvent.objects.get(action="move_messages")
    assert len(event.parameters["deleted"]) == 15 and len(event.parameters["new_message_ids"]) == 15
    assert event.outcome == AuditEvent.Outcome.SUCCESS

    # Moved once: a second press finds nothing held, and nothing is sent twice.
    again = operator.post(move, {"transfer": "move", "target": "replay"}, headers=HTMX)
    assert again.status_code == 409 and "no longer held" in again.content.decode()
    assert visible(raw_sqs, target_url) == 15


def test_held_matches_can_be_released_and_another_user_cannot_take_them(
    operator, profile, raw_sqs, client, admin_user
):
    url = raw_sqs.create_queue(QueueName="orders")["QueueUrl"]
    send(raw_sqs, url, 12)
    started = operator.post(
        page_url("messages-browse", profile, "orders"), {"count": 50, "hold": "on"}, headers=HTMX
    )
    done = _events(operator, _stream_url(started))[-1][1]
    assert visible(raw_sqs, url) == 0
    release = _held_url("release", profile, "orders", done)

    other = Client()
    other.force_login(admin_user)
    refused = other.post(release, headers=HTMX)
    assert refused.status_code == 409 and visible(raw_sqs, url) == 0

    released = operator.post(release, headers=HTMX)
    assert "Released 12 of 12 held messages" in released.content.decode()
    assert visible(raw_sqs, url) == 12
    assert AuditEvent.objects.filter(action="release_messages").count() == 1


def test_holding_more_than_1000_is_refused_next_to_the_count(operator, profile, raw_sqs):
    raw_sqs.create_queue(QueueName="orders")
    answer = operator.post(
        page_url("messages-browse", profile, "orders"), {"count": 5000, "hold": "on"}, headers=HTMX
    )
    assert "browse at most 1,000 messages at a time" in answer.content.decode()
    assert "sse-connect" not in answer.content.decode()
