"""An operator manages a queue's whole life in Chromium; boto3 checks each step on the same
moto server."""

from __future__ import annotations

import json
import os
import re

import pytest
from playwright.sync_api import expect

from tests.helpers import attributes, errors_away_from_their_fields, redrive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SQSADMIN_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_create_edit_purge_and_delete_a_fifo_queue_with_a_dead_letter_queue(
    page, login, operator_user, profile, raw_sqs, console_errors
):
    raw_sqs.create_queue(QueueName="jobs-dlq.fifo", Attributes={"FifoQueue": "true"})
    raw_sqs.create_queue(QueueName="standard-dlq")
    login(operator_user)
    page.goto(page.url.split("/p/")[0] + f"/p/{profile.slug}/us-east-1/queues/")
    page.get_by_role("link", name="Create queue").click()
    # A new queue has no tags: one blank row to type in, and "Add tag" for more.
    expect(page.locator("#tag-rows tr")).to_have_count(1)

    # Create: the name gets .fifo when FIFO is chosen, and only FIFO queues are offered as DLQ.
    page.get_by_label("Name", exact=True).fill("jobs")
    page.get_by_label("FIFO", exact=True).check()
    expect(page.get_by_label("Name", exact=True)).to_have_value("jobs.fifo")
    expect(page.locator("#name-check")).to_have_text("jobs.fifo is available.")
    expect(page.locator("#dead-letter-queues option[value=standard-dlq]")).to_have_count(0)
    page.get_by_label("Dead-letter queue", exact=True).fill("jobs-dlq")
    # The suggestions follow what is typed: FIFO queues starting with it, found by prefix.
    expect(page.locator("#dead-letter-queues option")).to_have_count(1)
    expect(page.locator("#dead-letter-queues option")).to_have_attribute("value", "jobs-dlq.fifo")
    page.get_by_label("Dead-letter queue", exact=True).fill("jobs-dlq.fifo")
    page.get_by_label("Maximum receives").fill("3")
    page.get_by_label("Content-based deduplication").check()
    shot(page, "create")
    page.get_by_role("button", name="Create queue").click()

    expect(page.get_by_role("heading", name="jobs.fifo")).to_be_visible()
    expect(page.get_by_text("Created queue jobs.fifo.")).to_be_visible()
    raw = attributes(raw_sqs, "jobs.fifo")
    assert raw["FifoQueue"] == "true" and raw["ContentBasedDeduplication"] == "true"
    policy = json.loads(raw["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith(":jobs-dlq.fifo")
    assert int(policy["maxReceiveCount"]) == 3
    expect(page.locator("#dead-letter").get_by_role("link", name="jobs-dlq.fifo")).to_be_visible()

    # Edit the visibility timeout.
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Visibility timeout", exact=True)).to_have_value("30")
    page.get_by_label("Visibility timeout", exact=True).fill("75")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved queue jobs.fifo.")).to_be_visible()
    expect(page.get_by_text("1 minute 15 seconds")).to_be_visible()
    assert attributes(raw_sqs, "jobs.fifo")["VisibilityTimeout"] == "75"

    # Purge: the confirmation states the loss; the counts drop to zero.
    url = raw_sqs.get_queue_url(QueueName="jobs.fifo")["QueueUrl"]
    for i in range(4):
        raw_sqs.send_message(QueueUrl=url, MessageBody=f"job {i}", MessageGroupId="g")
    page.reload()
    expect(page.locator("#count-available strong")).to_have_text("4")
    shot(page, "detail")
    page.get_by_role("link", name="Purge").click()
    expect(page.locator("#purge-warning")).to_contain_text("all 4 messages")
    purge = page.get_by_role("button", name="Purge")
    expect(purge).to_be_disabled()
    page.get_by_label("Type the queue name to confirm").fill("jobs.fifo")
    purge.click()
    expect(page.get_by_text("4 messages will be deleted")).to_be_visible()
    expect(page.locator("#count-available strong")).to_have_text("0")
    assert attributes(raw_sqs, "jobs.fifo")["ApproximateNumberOfMessages"] == "0"

    # Delete by typing the name.
    page.get_by_role("link", name="Delete").click()
    delete = page.get_by_role("button", name="Delete")
    expect(delete).to_be_disabled()
    page.get_by_label("Type the queue name to confirm").fill("jobs")
    expect(delete).to_be_disabled()
    page.get_by_label("Type the queue name to confirm").fill("jobs.fifo")
    shot(page, "delete")
    delete.click()
    expect(page).to_have_url(re.compile(r"/queues/$"))
    expect(page.get_by_text("SQS reserves the name for 60 seconds")).to_be_visible()
    expect(page.locator("#queue-table")).not_to_contain_text("jobs.fifo")
    expect(page.locator('tr[data-queue="jobs-dlq.fifo"]')).to_be_visible()
    names = [u.rsplit("/", 1)[-1] for u in raw_sqs.list_queues()["QueueUrls"]]
    assert "jobs.fifo" not in names and "jobs-dlq.fifo" in names
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_the_list_fills_in_counts_finds_rows_and_marks_dead_letter_queues(
    page, login, viewer_user, profile, raw_sqs, console_errors
):
    for i in range(120):
        raw_sqs.create_queue(QueueName=f"bulk-{i:03d}")
    raw_sqs.create_queue(QueueName="orders-dlq")
    url = raw_sqs.create_queue(
        QueueName="orders", Attributes={"RedrivePolicy": redrive(raw_sqs, "orders-dlq")}
    )["QueueUrl"]
    raw_sqs.send_message(QueueUrl=url, MessageBody="hello")
    login(viewer_user)  # lands on the only profile's queue list
    expect(page).to_have_url(re.compile(f"/p/{profile.slug}/us-east-1/queues/$"))

    orders = page.locator('tr[data-queue="orders"]')
    # 122 queues: three chunk requests of GetQueueAttributes calls on a machine that may be busy.
    expect(orders.locator("td").nth(2)).to_have_text("1", timeout=20_000)
    expect(page.locator('tr[data-queue="bulk-119"] td').nth(2)).to_have_text("0")
    expect(page.locator("td.pending")).to_have_count(0, timeout=20_000)
    expect(page.locator('tr[data-queue="orders-dlq"] .dlq-target')).to_have_text(
        "Dead-letter queue"
    )
    expect(page.get_by_role("link", name="Create queue")).to_have_count(0)
    shot(page, "list")

    # Refresh re-reads the counts without reloading the page.
    raw_sqs.send_message(QueueUrl=url, MessageBody="again")
    page.get_by_role("link", name="Refresh counts").click()
    expect(orders.locator("td").nth(2)).to_have_text("2")

    page.get_by_label("Find in this page").fill("orders")
    expect(page.locator("#queue-table tr[data-queue]:visible")).to_have_count(2)
    expect(page.locator("#queue-count")).to_have_text("2 matching")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_until_the_suggestions_for_the_type_come_the_other_types_cannot_be_picked(
    page, login, operator_user, profile, raw_sqs
):
    raw_sqs.create_queue(QueueName="jobs-dlq.fifo", Attributes={"FifoQueue": "true"})
    raw_sqs.create_queue(QueueName="standard-dlq")
    held = []
    page.route("**/dead-letter-options/**", lambda route: held.append(route))  # never answered
    login(operator_user)
    page.goto(page.url.split("/p/")[0] + f"/p/{profile.slug}/us-east-1/queues/new/")
    fifo = page.locator("#dead-letter-queues option[value='jobs-dlq.fifo']")
    standard = page.locator("#dead-letter-queues option[value='standard-dlq']")
    page.get_by_label("FIFO", exact=True).check()
    expect(fifo).to_be_enabled()
    expect(standard).to_be_disabled()
    page.get_by_label("Standard", exact=True).check()
    expect(fifo).to_be_disabled()
    expect(standard).to_be_enabled()
    assert held  # the suggestions were asked for, and are still to come


def test_a_chunk_that_fails_says_so_and_refresh_retries_it(
    page, login, viewer_user, profile, raw_sqs, live_server
):
    raw_sqs.create_queue(QueueName="steady")
    failures = {"left": 1}

    def fail_once(route):
        if failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=500, body="<h1>Server error</h1>")
        else:
            route.continue_()

    page.route("**/queue-rows/**", fail_once)
    login(viewer_user)
    row = page.locator('tr[data-queue="steady"]')
    expect(row).to_contain_text("Counts could not be loaded (HTTP 500)")
    expect(page.locator("h1", has_text="Server error")).to_have_count(0)
    page.get_by_role("link", name="Refresh counts").click()
    expect(row.locator("td").nth(2)).to_have_text("0")


def test_edit_retention_in_days_remove_and_add_tags_and_copy_the_url_and_arn(
    page, login, operator_user, profile, raw_sqs, live_server, console_errors
):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}],
    }
    url = raw_sqs.create_queue(
        QueueName="orders",
        Attributes={"MessageRetentionPeriod": "86400", "Policy": json.dumps(policy)},
        tags={"env": "prod", "team": "checkout"},
    )["QueueUrl"]
    arn = attributes(raw_sqs, "orders")["QueueArn"]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(operator_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/orders/")

    # The URL and ARN copy as they are; the access policy reads as indented JSON.
    page.get_by_role("button", name="Copy URL").click()
    expect(page.get_by_role("button", name="Copy URL")).to_have_text("Copied")
    # The button is named by its aria-label: a status region says it to screen readers.
    expect(page.locator("#copy-status[role=status]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == url
    page.get_by_role("button", name="Copy ARN").click()
    assert page.evaluate("navigator.clipboard.readText()") == arn
    # Without the Clipboard API (plain HTTP), the text is selected for Ctrl+C.
    page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.get_by_role("button", name="Copy URL").click()
    expect(page.get_by_role("button", name="Copy URL")).to_have_text("Press Ctrl+C")
    assert page.evaluate("window.getSelection().toString()").strip() == url
    expect(page.locator("#copy-status")).to_have_text("Selected: press Ctrl+C to copy")
    shown = page.locator("#access-policy pre").inner_text()
    assert json.loads(shown) == policy and '\n  "Statement": [' in shown
    # A size in its largest unit, the exact bytes on hover.
    expect(page.get_by_text("1 MiB", exact=True)).to_have_attribute("title", "1,048,576 bytes")
    shot(page, "queue-page-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "queue-page-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The retention shows in days; 4 days is typed as 4 and saved as seconds.
    page.get_by_role("link", name="Edit").click()
    retention = page.get_by_label("Message retention period", exact=True)
    unit = page.get_by_label("Message retention period unit")
    expect(retention).to_have_value("1")
    expect(unit).to_have_value("86400")
    size = page.get_by_label("Maximum message size", exact=True)
    expect(size).to_have_attribute("title", "1,048,576 bytes")
    # The exact bytes on hover follow what is typed.
    size.fill("256")
    page.get_by_label("Maximum message size unit").select_option("KiB")
    expect(size).to_have_attribute("title", "262,144 bytes")
    retention.fill("4")
    # One of the two tags removed, one added with "Add tag".
    page.get_by_role("button", name="Remove Tag 2", exact=True).click()
    expect(page.locator("#tag-rows input[value=checkout]")).to_have_count(0)
    page.get_by_role("button", name="Add tag").click()
    page.get_by_label("New tag key").last.fill("owner")
    page.get_by_label("New tag value").last.fill("ops")
    shot(page, "queue-form-1280")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Saved queue orders.")).to_be_visible()
    expect(page.locator("#tags")).to_contain_text("owner")
    saved = attributes(raw_sqs, "orders")
    assert (saved["MessageRetentionPeriod"], saved["MaximumMessageSize"]) == ("345600", "262144")
    assert raw_sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "prod", "owner": "ops"}
    expect(page.get_by_text("4 days")).to_be_visible()
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_add_tag_stops_at_sqss_limit_of_fifty(page, login, operator_user, profile, raw_sqs):
    raw_sqs.create_queue(QueueName="tagged", tags={f"k{i:02d}": "v" for i in range(48)})
    login(operator_user)
    page.goto(page.url.split("/p/")[0] + f"/p/{profile.slug}/us-east-1/queues/tagged/edit/")
    # With the script, the 48 tags show without the blank rows; two more fit, and the button
    # then says why it stopped.
    expect(page.locator("#tag-rows tr")).to_have_count(48)
    add = page.get_by_role("button", name="Add tag")
    add.click()
    add.click()
    expect(page.locator("#tag-rows tr")).to_have_count(50)
    expect(add).to_be_disabled()
    expect(page.locator("#tag-limit")).to_have_text("A queue has at most 50 tags.")
    page.get_by_role("button", name="Remove Tag 1", exact=True).click()
    expect(add).to_be_enabled()
    add.click()
    expect(page.locator("#tag-rows tr")).to_have_count(50)
    expect(add).to_be_disabled()


@pytest.mark.parametrize("width", [390, 1280])
def test_each_error_stays_beside_its_own_field(
    page, login, operator_user, profile, live_server, width
):
    page.set_viewport_size({"width": width, "height": 900})
    login(operator_user)
    page.goto(f"{live_server.url}/p/{profile.slug}/us-east-1/queues/new/")
    page.get_by_label("Name", exact=True).fill("has space")
    page.get_by_label("Visibility timeout", exact=True).fill("13")
    page.get_by_label("Visibility timeout unit").select_option("hours")
    page.get_by_label("Delivery delay", exact=True).fill("1.5")
    page.get_by_label("Maximum message size", exact=True).fill("2")
    page.get_by_label("Tag 1 value").fill("no key")
    page.get_by_role("button", name="Create queue").click()
    expect(page.locator("#field-visibility_timeout .errorlist")).to_have_text(
        "Use at most 12 hours."
    )
    expect(page.locator("#field-maximum_message_size .errorlist")).to_have_text(
        "Use at most 1 MiB."
    )
    expect(page.locator("#field-delay_seconds .errorlist")).to_contain_text("whole number")
    expect(page.locator("#field-name .errorlist")).to_be_visible()
    # What was typed comes back, in the unit it was typed in.
    expect(page.get_by_label("Visibility timeout", exact=True)).to_have_value("13")
    expect(page.get_by_label("Visibility timeout unit")).to_have_value("3600")
    assert errors_away_from_their_fields(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"queue-form-errors-{width}")
