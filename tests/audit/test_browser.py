"""The audit trail in a browser: an operator purges a queue, twice, and finds both events."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import sqs_lanes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def purge(page, live_server, queue: str) -> None:
    page.goto(f"{live_server.url}/p/local-demo/us-east-1/queues/{queue}/purge/")
    page.get_by_label("Type the queue name to confirm").fill(queue)
    page.get_by_role("button", name="Purge").click()
    page.wait_for_load_state()


@sqs_lanes.purge_limit
def test_a_purge_and_a_refused_second_purge_appear_in_the_audit_log(
    page, login, operator_user, seeded, live_server, raw_sqs
):
    login(operator_user)
    purge(page, live_server, "orders")
    expect(page.get_by_text("will be deleted")).to_be_visible()
    purge(page, live_server, "orders")  # within 60 s: SQS refuses
    expect(page.get_by_role("alert")).to_contain_text("PurgeQueueInProgress")

    page.get_by_role("link", name="Audit").click()
    rows = page.locator("table.audit tbody tr").filter(has_text="purge_queue")
    expect(rows).to_have_count(2)
    failed, succeeded = rows.nth(0), rows.nth(1)  # newest first
    for row in (failed, succeeded):
        expect(row).to_contain_text(operator_user.username)
        expect(row).to_contain_text("orders")
        expect(row).to_contain_text("Local demo · us-east-1")
    expect(succeeded.locator(".badge")).to_have_text("Success")
    expect(succeeded.locator(".audit-params")).to_contain_text("Messages before")
    expect(failed.locator(".badge")).to_have_text("Failed")
    expect(failed).to_contain_text("purged less than 60 seconds ago")

    # Filtering by outcome leaves the refusal; its CSV download holds that one event.
    page.get_by_label("Outcome").select_option("failure")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.audit tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    lines = Path(download.value.path()).read_text().strip().splitlines()
    assert len(lines) == 2 and "purge_queue" in lines[1] and "failure" in lines[1]
