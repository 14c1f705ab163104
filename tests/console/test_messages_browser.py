"""A person sends a JSON message with attributes, polls it, opens it and deletes it, in Chromium."""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import time

import pytest
from playwright.sync_api import expect

from tests.helpers import send, visible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")


def test_send_poll_open_and_delete_a_json_message(
    page, login, live_server, operator_user, profile, raw_sqs, standard_url
):
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")

    page.get_by_label("JSON").check()
    body = page.get_by_label("Message body")
    body.fill('{"order":{"id":42,"items":["book","pen"]}}')
    expect(page.locator("#json-status")).to_have_text("Valid JSON")
    page.get_by_role("button", name="Format JSON").click()
    expect(body).to_have_value(
        '{\n  "order": {\n    "id": 42,\n    "items": [\n      "book",\n      "pen"\n    ]\n  }\n}'
    )

    page.get_by_label("Attribute name").first.fill("event")
    page.get_by_label("Attribute value").first.fill("order-created")
    page.get_by_role("button", name="Add attribute").click()
    page.get_by_label("Attribute name").nth(1).fill("amount")
    page.get_by_label("Attribute type").nth(1).select_option("Number")
    page.get_by_label("Attribute value").nth(1).fill("12.5")
    size = len(body.input_value().encode()) + len("eventString" + "order-created")
    size += len("amountNumber12.5")
    expect(page.locator("#message-size [data-size]")).to_have_text(f"{size:,}")

    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status").filter(has_text="Message sent")).to_be_visible()
    expect(page.locator("#queue-counts")).to_contain_text("Messages available1")

    page.get_by_role("button", name="Poll for messages").click()
    expect(page.get_by_text("1 message received and released")).to_be_visible()
    page.locator("button.message-open").first.click()
    pretty = page.locator("pre.message-body").first
    expect(pretty).to_contain_text('"items": [\n      "book",')
    expect(page.locator(".message-full")).to_contain_text("order-created")
    expect(page.locator(".message-full")).to_contain_text("Number")
    expect(page.locator(".message-full")).to_contain_text("Receive count")
    page.get_by_role("button", name="Copy body").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "messages.png"), full_page=True)

    page.get_by_label("Select message", exact=False).first.check()
    page.get_by_role("button", name="Delete selected").click()
    expect(page.get_by_text("Deleted 1 message.")).to_be_visible()
    expect(page.locator(".message-table tbody")).to_have_count(0)
    expect(page.locator("#queue-counts")).to_contain_text("Messages available0")

    assert visible(raw_sqs, standard_url) == 0
    assert not raw_sqs.receive_message(QueueUrl=standard_url).get("Messages")
    assert not [text for text in console if "Content Security Policy" in text], console


def test_bad_input_is_explained_as_you_type_and_by_the_field(
    page, login, live_server, operator_user, profile, raw_sqs, standard_url
):
    raw_sqs.set_queue_attributes(QueueUrl=standard_url, Attributes={"MaximumMessageSize": "1024"})
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")
    body = page.get_by_label("Message body")
    body.fill("bell \x07 here")
    expect(page.locator("#body-characters")).to_have_text(
        "SQS does not accept U+0007 at position 6."
    )
    body.fill("x" * 1100)
    expect(page.locator("#message-size")).to_have_class("message-size over-limit")
    page.get_by_label("Attribute name").first.fill("AWS.trace")
    page.get_by_label("Attribute value").first.fill("1")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("this queue's maximum message size is 1,024 bytes")).to_be_visible()
    expect(page.get_by_text("reserved by AWS")).to_be_visible()
    expect(page.get_by_label("Attribute name").first).to_have_value("AWS.trace")
    assert visible(raw_sqs, standard_url) == 0


def test_polling_warns_before_moving_messages_to_the_dead_letter_queue(
    page, login, live_server, operator_user, profile, raw_sqs, redrive_url
):
    raw_sqs.send_message(QueueUrl=redrive_url, MessageBody="fragile")
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/retried/messages/")
    poll = page.get_by_role("button", name="Poll for messages")
    poll.click()
    expect(page.get_by_text("one receive from the limit")).to_be_visible()
    poll.click()
    expect(page.locator("#dlq-warning")).to_contain_text("1 message at the receive limit.")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "dlq-warning.png"), full_page=True)
    page.get_by_role("button", name="Poll for messages").click()
    expect(page.get_by_text("Tick the box to poll anyway.")).to_be_visible()
    assert visible(raw_sqs, redrive_url) == 1


def test_delete_selected_removes_exactly_the_ticked_messages_of_a_fifo_queue(
    page, login, live_server, operator_user, profile, raw_sqs, fifo_url
):
    # The poll releases its messages, which expires FIFO receipt handles on AWS and LocalStack:
    # this is the path that needs the messages received again before they are deleted.
    send(raw_sqs, fifo_url, 4, groups=2)
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/payments.fifo/messages/")
    page.get_by_role("button", name="Poll for messages").click()
    expect(page.get_by_text("4 messages received and released")).to_be_visible()
    ids = page.locator("input[name=selected]").evaluate_all("boxes => boxes.map(b => b.value)")
    chosen = [ids[0], ids[2]]
    for message_id in chosen:
        page.get_by_label(f"Select message {message_id}").check()
    page.get_by_role("button", name="Delete selected").click()
    expect(page.get_by_text("Deleted 2 messages.")).to_be_visible()
    expect(page.locator("input[name=selected]")).to_have_count(2)
    left = raw_sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10)["Messages"]
    assert {m["MessageId"] for m in left} == set(ids) - set(chosen)


def test_a_poll_leaves_receive_and_delete_as_the_user_left_it(
    page, login, live_server, operator_user, profile, raw_sqs, standard_url
):
    send(raw_sqs, standard_url, 2)
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")
    page.get_by_text("Receive and delete").click()
    consume = page.locator("#consume-form")
    consume.get_by_label("Maximum messages").fill("2")
    page.get_by_role("button", name="Poll for messages").click()
    expect(page.get_by_text("2 messages received and released")).to_be_visible()
    # Still open, with what was typed, and it still works.
    expect(consume.get_by_label("Maximum messages")).to_have_value("2")
    consume.get_by_role("button", name="Receive", exact=True).click()
    expect(page.get_by_text("Received 2 messages.")).to_be_visible()
    page.get_by_role("button", name="Put them back now").click()
    expect(page.get_by_text("Put 2 messages back in the queue")).to_be_visible()
    # Its own answers still show it: closed again, as new.
    expect(page.locator("#consume-form").get_by_label("Maximum messages")).to_be_hidden()


def test_a_poll_swaps_in_its_results_and_leaves_the_poll_form_in_place(
    page, login, live_server, operator_user, profile, raw_sqs, standard_url
):
    send(raw_sqs, standard_url, 3)
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")
    form = page.locator("#poll-form")
    form.evaluate("form => { form.dataset.since = 'page load'; }")
    form.get_by_label("Maximum messages").fill("2")
    page.get_by_role("button", name="Poll for messages").click()
    expect(page.get_by_text("2 messages received and released")).to_be_visible()
    form.get_by_label("Maximum messages").fill("3")
    page.get_by_role("button", name="Poll for messages").click()
    expect(page.get_by_text("3 messages received and released")).to_be_visible()
    expect(page.locator("#poll-results .message-row")).to_have_count(3)
    # The same form element, as typed: only the results were swapped in.
    expect(form).to_have_attribute("data-since", "page load")
    expect(form.get_by_label("Maximum messages")).to_have_value("3")


# The long requests of the poll panel: its form, button, progress box and what the box says.
LONG_REQUESTS = {
    "poll": ("#poll-form", "Poll for messages", "#poll-progress", "Polling…"),
    "receive": ("#consume-form", "Receive", "#consume-progress", "Receiving…"),
}


@pytest.mark.parametrize("kind", LONG_REQUESTS)
def test_a_10_s_long_poll_shows_a_progress_indicator_within_200_ms_and_stop_ends_it(
    page, login, live_server, operator_user, profile, standard_url, kind
):
    form_id, button_name, progress_id, says = LONG_REQUESTS[kind]
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")
    if kind == "receive":
        page.get_by_text("Receive and delete").click()
    form = page.locator(form_id)
    form.get_by_label("Poll duration").fill("10")
    button = form.get_by_role("button", name=button_name, exact=True)
    progress = page.locator(progress_id)
    expect(progress).to_be_hidden()

    started = time.monotonic()
    button.click()
    expect(progress).to_be_visible(timeout=200)
    expect(progress).to_contain_text(says)
    expect(button).to_be_disabled(timeout=200)
    assert time.monotonic() - started < 1

    progress.get_by_role("button", name="Stop").click()
    expect(progress).to_be_hidden(timeout=1000)
    expect(button).to_be_enabled()
    assert time.monotonic() - started < 3, "Stop waited for the poll to end"
    # The page is the page as it was: the form answers, nothing was swapped in.
    form.get_by_label("Poll duration").fill("0")
    expect(page.get_by_text("No messages were received")).to_have_count(0)
    # The server ends the abandoned poll by itself; wait for it before the database is flushed.
    page.request.get(page.url)


def test_an_opened_message_shows_its_facts_in_the_consoles_words(
    page, login, live_server, operator_user, profile, raw_sqs, fifo_url
):
    packed = gzip.compress(json.dumps({"invoice": 7, "lines": ["a", "b"]}).encode())
    raw_sqs.send_message(
        QueueUrl=fifo_url,
        MessageBody=base64.b64encode(packed).decode(),
        MessageGroupId="tenant-42",
        MessageDeduplicationId="invoice-7",
        MessageAttributes={"tenant": {"DataType": "String", "StringValue": "acme"}},
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/payments.fifo/messages/")
    page.get_by_role("button", name="Poll for messages").click()
    row = page.locator("tr.message-row").first
    message_id = page.locator("input[name=selected]").first.get_attribute("value")
    # One line: the ID shortened, sent time relative with the exact time on hover, the group.
    expect(row.locator(".message-id")).to_have_text(message_id[:8] + "…")
    expect(row.locator("time")).to_have_text(re.compile(r"^(just now|\d+ seconds? ago)$"))
    expect(row.locator("time")).to_have_attribute("title", re.compile(r"UTC$"))
    expect(row).to_contain_text("tenant-42")
    expect(page.locator("tr.message-detail").first).to_be_hidden()
    assert row.bounding_box()["height"] < 60, "a message takes more than one line"

    page.locator("button.message-open").first.click()
    detail = page.locator("tr.message-detail").first
    expect(detail).to_be_visible()
    decoded = detail.locator(".decoded-body")
    expect(decoded).to_contain_text('"lines": [')
    expect(detail).to_contain_text("base64 + gzip")
    system = detail.locator("table.system-attributes")
    for label in (
        "Sent",
        "First received",
        "Receive count",
        "Message group ID",
        "Deduplication ID",
        "Sequence number",
        "Sender account ID",
    ):
        expect(system.get_by_role("rowheader", name=label, exact=False).first).to_be_visible()
    sent = system.locator("tr").first
    expect(sent).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC"))
    expect(sent.locator("time[data-local-time]")).to_contain_text("(")
    expect(detail.get_by_role("rowheader", name="tenant")).to_be_visible()

    row.get_by_role("button", name=f"Copy message ID {message_id}").click()
    assert page.evaluate("navigator.clipboard.readText()") == message_id
    detail.get_by_role("button", name="Copy decoded").click()
    assert json.loads(page.evaluate("navigator.clipboard.readText()"))["invoice"] == 7

    page.locator("button.message-open").first.click()
    expect(detail).to_be_hidden()


@pytest.mark.parametrize("width", [1280, 1024, 390])
def test_a_fifo_send_without_ids_shows_each_error_under_its_own_field(
    page, login, live_server, operator_user, profile, raw_sqs, width
):
    raw_sqs.create_queue(QueueName="strict.fifo", Attributes={"FifoQueue": "true"})
    page.set_viewport_size({"width": width, "height": 900})
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/strict.fifo/messages/")
    group, dedup = page.locator("#field-group_id"), page.locator("#field-deduplication_id")
    before = dedup.bounding_box()
    page.get_by_label("Message body").fill("x")
    page.locator("#send-form").get_by_role("button", name="Send message").click()
    expect(group.locator(".errorlist")).to_have_text("FIFO queues need a message group ID.")
    expect(dedup.locator(".errorlist")).to_contain_text("Enter a message deduplication ID")
    after = dedup.bounding_box()
    assert (after["x"], after["width"]) == (before["x"], before["width"]), "pushed sideways"
    for field in (group, dedup):
        box, error = field.bounding_box(), field.locator(".errorlist").bounding_box()
        assert box["x"] <= error["x"] and error["x"] + error["width"] <= box["x"] + box["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_send_form_folds_away_and_stays_folded(
    page, login, live_server, operator_user, profile, standard_url
):
    login(operator_user)
    url = f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/"
    page.goto(url)
    body = page.get_by_label("Message body")
    expect(body).to_be_visible()
    page.locator("#send-panel summary").click()
    expect(body).to_be_hidden()
    # The received messages below take the page's width, beside nothing.
    panel, poll = page.locator("#send-panel").bounding_box(), page.locator("#poll-panel")
    assert poll.bounding_box()["width"] == panel["width"]
    page.reload()
    expect(page.get_by_label("Message body")).to_be_hidden()
    page.locator("#send-panel summary").click()
    expect(page.get_by_label("Message body")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Message body")).to_be_visible()


def test_browse_and_import_unfold_with_their_forms_and_stay_open(
    page, login, live_server, operator_user, profile, standard_url
):
    login(operator_user)
    url = f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/"
    page.goto(url)
    count, upload = page.get_by_label("Messages to browse"), page.get_by_label("File to import")
    expect(count).to_have_count(0)
    page.locator("#browse-panel summary").click()
    expect(count).to_be_visible()
    expect(count).to_have_value("1000")
    expect(upload).to_have_count(0)
    page.reload()
    # Opened last time: open again, its form fetched; import stays folded.
    expect(count).to_be_visible()
    expect(upload).to_have_count(0)
    page.locator("#import-panel summary").click()
    expect(upload).to_be_visible()
    page.locator("#browse-panel summary").click()
    expect(count).to_be_hidden()
    page.reload()
    expect(upload).to_be_visible()
    expect(page.locator("#browse-panel details")).not_to_have_attribute("open", "")
    expect(count).to_have_count(0)


def test_a_send_keeps_the_form_as_typed_and_a_corrected_one_clears_its_errors(
    page, login, live_server, operator_user, profile, raw_sqs, standard_url
):
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")
    form = page.locator("#send-form")
    page.get_by_label("JSON").check()
    page.get_by_label("Message body").fill('{"first": ')
    form.get_by_role("button", name="Send message").click()
    expect(form.locator(".errorlist")).to_contain_text("This is not valid JSON")

    page.get_by_label("Text").check()
    form.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("status").filter(has_text="Message sent")).to_be_visible()
    expect(form.locator(".errorlist")).to_have_count(0)

    # A clean send: the form is left as it was.
    page.get_by_label("Message body").fill("second")
    first_id = page.locator("[data-message-id]").inner_text()
    button = form.get_by_role("button", name="Send message")
    button.click()
    expect(page.locator("[data-message-id]")).not_to_have_text(first_id)
    expect(button).to_be_enabled()
    expect(page.get_by_label("Message body")).to_have_value("second")
    expect(page.locator("#queue-counts")).to_contain_text("Messages available2")
    assert visible(raw_sqs, standard_url) == 2
