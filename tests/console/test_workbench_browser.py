"""The dead-letter workbench in Chromium: a DLQ redrive watched to the end (LocalStack, which has
message move tasks), and a polled message moved to another queue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.console.test_workbench import LOCALSTACK_MOVE_TASKS, dead_lettered, wait_for
from tests.helpers import visible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@LOCALSTACK_MOVE_TASKS
def test_start_dlq_redrive_and_watch_it_move_every_message_back(
    page, login, live_server, operator_user, profile, raw_sqs
):
    source_url, dlq_url = dead_lettered(raw_sqs, 20, name="watched")
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/watched-dlq/")
    panel = page.locator("#redrive")
    expect(panel).to_contain_text("No redrive tasks yet.")
    expect(panel).to_contain_text("back to the queue they came from (watched)")
    page.get_by_label("Custom max velocity").check()
    page.get_by_label("Maximum messages per second").fill("4")
    page.get_by_role("button", name="Start DLQ redrive").click()
    expect(page.locator("#redrive-outcome")).to_contain_text("Redrive started")
    # The task panel: moved of to move, status, velocity; it refreshes itself until done.
    expect(page.locator("#redrive-task")).to_contain_text("at most 4 messages per second")
    expect(page.locator("#redrive-tasks")).to_contain_text("COMPLETED", timeout=60_000)
    expect(page.locator("#redrive-task")).to_have_count(0)
    expect(page.locator("#redrive-tasks tbody tr").first).to_contain_text("20")
    wait_for(lambda: visible(raw_sqs, source_url) == 20, "the 20 messages back in watched")
    assert visible(raw_sqs, dlq_url) == 0


def test_poll_tick_and_move_a_message_to_another_queue(
    page, login, live_server, operator_user, profile, raw_sqs, standard_url
):
    target_url = raw_sqs.create_queue(QueueName="replay")["QueueUrl"]
    raw_sqs.send_message(
        QueueUrl=standard_url,
        MessageBody="stuck order",
        MessageAttributes={"event": {"DataType": "String", "StringValue": "order-created"}},
    )
    raw_sqs.send_message(QueueUrl=standard_url, MessageBody="stays here")
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")
    page.get_by_role("button", name="Poll for messages").click()
    expect(page.get_by_text("2 messages received and released")).to_be_visible()
    row = page.locator(".message-table tbody").filter(has_text="stuck order")
    row.get_by_label("Select message", exact=False).check()
    page.get_by_text("Move, copy or edit selected").click()
    page.get_by_label("Destination queue").fill("repl")
    # The suggestions fill the destination's own list, and nothing else on the page: they once
    # landed in the status box above the messages and wiped the outcome of a move.
    expect(page.locator("#transfer-targets option[value='replay']")).to_have_count(1)
    expect(page.locator("#poll-status option")).to_have_count(0)
    page.get_by_label("Destination queue").fill("replay")
    page.get_by_role("button", name="Move selected").click()
    expect(page.locator("#transfer-outcome")).to_contain_text("Moved 1 of 1 message to replay")
    page.wait_for_timeout(500)  # a suggestion request still on its way must not replace it
    expect(page.locator("#transfer-outcome")).to_contain_text("Moved 1 of 1 message to replay")
    expect(page.locator(".message-table > tbody")).to_have_count(1)
    expect(page.locator(".message-table > tbody")).to_contain_text("stays here")
    assert visible(raw_sqs, standard_url) == 1
    (arrived,) = raw_sqs.receive_message(QueueUrl=target_url, MessageAttributeNames=["All"])[
        "Messages"
    ]
    assert arrived["Body"] == "stuck order"
    assert arrived["MessageAttributes"]["event"]["StringValue"] == "order-created"


def test_edit_and_resend_removes_and_adds_attribute_rows(
    page, login, live_server, operator_user, profile, raw_sqs, standard_url
):
    target_url = raw_sqs.create_queue(QueueName="replay")["QueueUrl"]
    raw_sqs.send_message(
        QueueUrl=standard_url,
        MessageBody="order 7",
        MessageAttributes={
            "event": {"DataType": "String", "StringValue": "order-created"},
            "stale": {"DataType": "String", "StringValue": "drop me"},
        },
    )
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")
    page.get_by_role("button", name="Poll for messages").click()
    page.get_by_label("Select message", exact=False).first.check()
    page.get_by_text("Move, copy or edit selected").click()
    page.get_by_role("button", name="Edit and resend").click()
    form = page.locator("#resend-form")
    names = form.get_by_label("Attribute name")
    expect(names).to_have_count(2)

    stale = form.locator(".attribute-row").filter(has=page.locator("[value=stale]"))
    stale.get_by_role("button", name="Remove attribute").click()
    expect(names).to_have_count(1)
    expect(names.first).to_have_value("event")
    form.get_by_role("button", name="Add attribute").click()
    expect(names).to_have_count(2)
    expect(names.nth(1)).to_be_focused()
    names.nth(1).fill("amount")
    form.get_by_label("Attribute type").nth(1).select_option("Number")
    form.get_by_label("Attribute value").nth(1).fill("12.5")
    form.get_by_label("Send to queue").fill("replay")
    form.get_by_role("button", name="Send edited message").click()
    expect(page.locator("#resend-outcome")).to_contain_text("Message sent to replay")

    (arrived,) = raw_sqs.receive_message(
        QueueUrl=target_url, MessageAttributeNames=["All"], WaitTimeSeconds=1
    )["Messages"]
    assert arrived["MessageAttributes"] == {
        "event": {"DataType": "String", "StringValue": "order-created"},
        "amount": {"DataType": "Number", "StringValue": "12.5"},
    }


def test_browse_hold_the_matches_and_move_them_to_another_queue(
    page, login, live_server, operator_user, profile, raw_sqs, standard_url
):
    target_url = raw_sqs.create_queue(QueueName="replay")["QueueUrl"]
    for i in range(30):
        raw_sqs.send_message(
            QueueUrl=standard_url,
            MessageBody=f'{{"order": {i}, "status": "{"failed" if i % 2 else "shipped"}"}}',
        )
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/messages/")
    panel = page.locator("#browse-panel")
    panel.locator("summary").click()  # folded; its form comes when opened
    panel.get_by_label("Messages to browse").fill("100")
    panel.get_by_label("Body field equals").fill("status=failed")
    panel.get_by_label("Hold the matches to move or copy them").check()
    panel.get_by_role("button", name="Browse").click()
    summary = page.locator("[data-long-work-done]")
    expect(summary).to_contain_text("Holding 15 matches under the lease")
    assert visible(raw_sqs, standard_url) == 15  # the rest released, the matches held

    summary.get_by_label("Destination queue").fill("replay")
    summary.get_by_role("button", name="Move held messages").click()
    expect(summary.locator("#transfer-outcome")).to_contain_text(
        "Moved 15 of 15 messages to replay"
    )
    assert visible(raw_sqs, target_url) == 15
    assert visible(raw_sqs, standard_url) == 15
    bodies = [
        m["Body"]
        for _ in range(3)
        for m in raw_sqs.receive_message(
            QueueUrl=target_url, MaxNumberOfMessages=10, VisibilityTimeout=60
        ).get("Messages", [])
    ]
    assert len(bodies) == 15 and all('"failed"' in b for b in bodies)
