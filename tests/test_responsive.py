"""The look: every page fits a phone's width, follows the system's dark scheme or the operator's
choice, and keeps its text readable (WCAG AA contrast, checked with axe-core) in both schemes.
Without JavaScript, everything an operator reads is still there."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from queues.console import monitoring
from queues.models import AuditEvent
from queues.sqs import QueueCounts
from tests.conftest import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKSPACE = "/p/local-demo/us-east-1"
# The pages an operator reads most, as an admin sees them.
PAGES = {
    "list": f"{WORKSPACE}/queues/",
    "detail": f"{WORKSPACE}/queues/orders/",
    "messages": f"{WORKSPACE}/queues/orders/messages/",
    "audit": "/audit/",
    "profiles": "/profiles/",
    "profile form": "/profiles/local-demo/edit/",
}
PHONE = {"width": 390, "height": 844}
# axe-core, vendored for the tests only (never served to users): see tests/vendor/README.md.
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def audit_trail(seeded, admin_user):
    """Audit rows with the long values that used to push the page sideways; the demo profile."""

    def record(**event) -> None:
        AuditEvent.objects.create(
            user=admin_user,
            username=admin_user.username,
            profile=seeded,
            profile_name=seeded.name,
            region="us-east-1",
            **event,
        )

    record(
        queue="orders-with-a-rather-long-name-for-a-queue-that-still-fits-the-limit",
        action="consume_messages",
        parameters={
            "count": 100,
            "message_ids": [f"0f4c2a7e-6d1b-4c55-9a3e-{i:012d}" for i in range(100)],
        },
        outcome=AuditEvent.Outcome.PARTIAL,
        error="Deleted 98 of 100 messages: 2 receipt handles had expired (ReceiptHandleIsInvalid).",
    )
    record(
        queue="orders",
        action="update_queue",
        parameters={"attributes": {"VisibilityTimeout": "45", "DelaySeconds": "5"}},
        outcome=AuditEvent.Outcome.SUCCESS,
    )
    return seeded


def visit(page, url: str) -> None:
    """Open `url` and wait for its background requests (the list's counts) to end: the live
    server must be idle when the test's database is flushed."""
    page.goto(url)
    page.wait_for_load_state("networkidle")


def _background_luminance(page) -> float:
    """The relative luminance (0 black, 1 white) of the page's background."""
    rgb = page.evaluate(
        """() => getComputedStyle(document.documentElement).backgroundColor
                 .match(/[\\d.]+/g).slice(0, 3).map(Number)"""
    )

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_no_page_scrolls_sideways_on_a_phone(page, login, admin_user, audit_trail, live_server):
    # Earlier samples, so the list draws its sparklines (they once widened the page to 898 px).
    for seconds_ago in (120, 60):
        for queue in ("orders", "orders-dlq", "notifications", "payments.fifo", "empty-queue"):
            counts = QueueCounts(seconds_ago // 10, 0, 0)
            monitoring.record(audit_trail.pk, "us-east-1", queue, counts, time.time() - seconds_ago)
    page.set_viewport_size(PHONE)
    login(admin_user)
    too_wide = {}
    for name, path in PAGES.items():
        visit(page, f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[name] = width
    # The list again, once its sparklines are drawn.
    visit(page, f"{live_server.url}{PAGES['list']}")
    expect(page.locator("svg.spark").first).to_be_attached()
    if (width := page.evaluate("document.documentElement.scrollWidth")) > PHONE["width"]:
        too_wide["list with sparklines"] = width
    # Polled messages, one opened: the widest table an operator meets.
    page.goto(f"{live_server.url}{PAGES['messages']}")
    page.get_by_role("button", name="Poll for messages").click()
    page.locator("button.message-open").first.click()
    expect(page.locator(".message-full").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        too_wide["polled messages"] = width
    assert too_wide == {}


def test_on_a_phone_the_header_folds_into_a_menu(page, login, admin_user, seeded, live_server):
    page.set_viewport_size(PHONE)
    login(admin_user)
    visit(page, f"{live_server.url}{PAGES['list']}")
    audit_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit")
    assert not audit_link.is_visible()
    page.get_by_text("Menu", exact=True).click()
    audit_link.click()
    page.wait_for_url("**/audit/")


def test_on_a_wide_screen_the_menu_is_laid_out_flat(page, login, admin_user, seeded, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(admin_user)
    visit(page, f"{live_server.url}{PAGES['list']}")
    assert not page.get_by_text("Menu", exact=True).is_visible()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Audit").is_visible()
    assert page.get_by_role("button", name="Switch").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_follows_the_systems_colour_scheme(
    page, login, admin_user, seeded, live_server, scheme
):
    page.emulate_media(color_scheme=scheme)
    login(admin_user)
    visit(page, f"{live_server.url}{PAGES['list']}")
    luminance = _background_luminance(page)
    if scheme == "dark":
        assert luminance < 0.05
    else:
        assert luminance > 0.8


def test_the_chosen_theme_survives_a_reload(page, login, admin_user, seeded, live_server):
    page.emulate_media(color_scheme="light")
    login(admin_user)
    visit(page, f"{live_server.url}{PAGES['list']}")
    page.get_by_role("button", name="Dark").click()
    assert _background_luminance(page) < 0.05
    page.reload()
    page.wait_for_load_state("networkidle")
    assert _background_luminance(page) < 0.05
    assert page.get_by_role("button", name="Dark").get_attribute("aria-pressed") == "true"
    # Another page remembers it too; "System" goes back to following the system.
    visit(page, f"{live_server.url}/audit/")
    assert _background_luminance(page) < 0.05
    page.get_by_role("button", name="System").click()
    page.reload()
    page.wait_for_load_state("networkidle")
    assert _background_luminance(page) > 0.8
    assert page.get_by_role("button", name="System").get_attribute("aria-pressed") == "true"


def _axe_problems(page, rules: list[str] | None = None) -> list[str]:
    options = (
        {"runOnly": {"type": "rule", "values": rules}}
        if rules
        else {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    results = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{violation['id']}: {node['target']} {node.get('failureSummary', '')[:200]}"
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_keeps_aa_contrast_in_both_schemes(
    page, login, admin_user, audit_trail, live_server, scheme
):
    # An init script is injected by the browser, outside the page's CSP, and never served.
    page.add_init_script(path=str(AXE))
    page.emulate_media(color_scheme=scheme)
    login(admin_user)
    problems = {}
    for name, path in PAGES.items():
        visit(page, f"{live_server.url}{path}")
        found = _axe_problems(page)
        if found:
            problems[name] = found
    # The message viewer: polled messages, one opened with its body and attribute tables.
    page.goto(f"{live_server.url}{PAGES['messages']}")
    page.get_by_role("button", name="Poll for messages").click()
    page.locator("button.message-open").first.click()
    expect(page.locator("tr.message-detail").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    if found := _axe_problems(page):
        problems["messages, one opened"] = found
    # A production workspace paints its band in the danger colour: still readable.
    audit_trail.is_production = True
    audit_trail.save()
    page.goto(f"{live_server.url}{PAGES['list']}")
    expect(page.locator("#workspace")).to_contain_text("PRODUCTION")
    page.wait_for_load_state("networkidle")
    if found := _axe_problems(page):
        problems["list, production"] = found
    assert problems == {}


@pytest.fixture
def no_script_page(browser, live_server, admin_user):
    """A signed-in page in a browser with JavaScript turned off, at a phone's width."""
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = sign_in_page(context.new_page(), live_server.url, admin_user)
    yield page
    context.close()


def test_without_javascript_show_counts_lists_the_pages_counts(
    no_script_page, seeded, raw_sqs, live_server
):
    page = no_script_page
    expected = {}
    for name in ("orders", "orders-dlq", "payments.fifo"):
        url = raw_sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attributes = raw_sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        expected[name] = attributes["ApproximateNumberOfMessages"]
    assert int(expected["orders"]) > 0
    page.goto(f"{live_server.url}{WORKSPACE}/queues/?size=50")
    orders = page.locator("tr[data-queue=orders]")
    assert "loading" in orders.inner_text()
    page.get_by_role("link", name="Show counts").click()
    page.wait_for_load_state()
    for name, available in expected.items():
        cells = page.locator(f"tr[data-queue='{name}'] td").all_inner_texts()
        assert cells[2] == available, (name, cells)
    assert "loading" not in page.locator("#queue-table").inner_text()
    # The page size chosen before is kept, and the link is gone once the counts are there.
    assert "size=50" in page.url
    assert page.get_by_role("link", name="Show counts").count() == 0


def test_without_javascript_the_menu_still_opens(no_script_page, seeded):
    page = no_script_page
    audit_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit")
    assert not audit_link.is_visible()
    page.get_by_text("Menu", exact=True).click()
    audit_link.click()
    page.wait_for_url("**/audit/")
    assert page.get_by_role("heading", name="Audit").is_visible()


def test_without_javascript_counts_follow_the_pages(
    no_script_page, sqs_endpoint, raw_sqs, live_server
):
    from queues.console import demo

    demo.ensure_profile(sqs_endpoint)
    for i in range(51):
        raw_sqs.create_queue(QueueName=f"bulk-{i:02d}")
    page = no_script_page
    page.goto(f"{live_server.url}{WORKSPACE}/queues/?size=50")
    page.get_by_role("link", name="Show counts").click()
    rows = page.locator("#queue-table tr[data-queue]")
    expect(rows).to_have_count(50)
    assert all(
        text.strip() == "0"
        for text in page.locator("tr[data-queue] td:nth-child(3)").all_inner_texts()
    )
    page.get_by_role("link", name="Next page").click()
    expect(rows).to_have_count(1)
    assert page.locator("tr[data-queue='bulk-50'] td").nth(2).inner_text() == "0"


# The operator's other working pages: monitoring, the estate, and the dead-letter workbench
# (the redrive page, and polled messages with their move and resend tools).
MORE_PAGES = {
    "monitoring": f"{WORKSPACE}/queues/orders/monitoring/",
    "estate": "/estate/",
    "redrive": f"{WORKSPACE}/queues/orders-dlq/redrive/",
    "dead-letter queue": f"{WORKSPACE}/queues/orders-dlq/",
    "queue form": f"{WORKSPACE}/queues/orders/edit/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_working_pages_keep_aa_contrast_in_both_schemes(
    page, login, admin_user, seeded, live_server, scheme
):
    for seconds_ago in (120, 60):
        counts = QueueCounts(seconds_ago // 10, 1, 0)
        monitoring.record(seeded.pk, "us-east-1", "orders", counts, time.time() - seconds_ago)
    page.add_init_script(path=str(AXE))
    page.emulate_media(color_scheme=scheme)
    login(admin_user)
    problems = {}
    for name, path in MORE_PAGES.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, (name, response.status)
        page.wait_for_load_state("networkidle")
        if found := _axe_problems(page):
            problems[name] = found
    # The dead-letter queue's messages, polled, one copied with the workbench's tools.
    page.goto(f"{live_server.url}{WORKSPACE}/queues/orders-dlq/messages/")
    page.get_by_role("button", name="Poll for messages").click()
    page.locator(".message-table tbody").first.get_by_label("Select message", exact=False).check()
    page.get_by_text("Move, copy or edit selected").click()
    page.get_by_label("Destination queue").fill("orders")
    # As an operator would: pick the queue once the suggestions have come.
    expect(page.locator("#transfer-targets option[value='orders']")).to_have_count(1)
    page.get_by_role("button", name="Copy selected").click()
    expect(page.locator("#transfer-outcome")).to_contain_text("Copied 1 of 1 message")
    page.wait_for_load_state("networkidle")
    if found := _axe_problems(page):
        problems["workbench"] = found
    assert problems == {}


def test_without_javascript_durations_and_tags_still_save(
    no_script_page, seeded, raw_sqs, live_server
):
    page = no_script_page
    page.goto(f"{live_server.url}{WORKSPACE}/queues/orders/edit/")
    # No script: no Add tag or Remove buttons; blank rows and the help say what to do.
    expect(page.get_by_role("button", name="Add tag")).to_be_hidden()
    expect(page.locator("#tag-rows .remove-tag").first).to_be_hidden()
    expect(page.get_by_text("this form offers 3 blank rows")).to_be_visible()
    page.get_by_label("Message retention period", exact=True).fill("2")
    page.get_by_label("Message retention period unit").select_option("days")
    # Clearing a stored tag's key removes it (its value box may keep its text); a blank row adds.
    expect(page.get_by_label("Tag 2 key")).to_have_value("team")
    page.get_by_label("Tag 2 key").fill("")
    page.get_by_label("Tag 3 key").fill("owner")
    page.get_by_label("Tag 3 value").fill("ops")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Saved queue orders.")).to_be_visible()
    url = raw_sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    saved = raw_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MessageRetentionPeriod"])
    assert saved["Attributes"]["MessageRetentionPeriod"] == "172800"
    assert raw_sqs.list_queue_tags(QueueUrl=url).get("Tags") == {"env": "demo", "owner": "ops"}


def test_without_javascript_polled_messages_are_shown_in_full(
    no_script_page, seeded, raw_sqs, live_server
):
    page = no_script_page
    page.goto(f"{live_server.url}{PAGES['messages']}")
    page.get_by_role("button", name="Poll for messages").click()
    page.wait_for_load_state()
    detail = page.locator("tr.message-detail").first
    assert detail.is_visible()
    assert detail.get_by_role("rowheader", name="Receive count").is_visible()
    assert detail.locator("pre.message-body").first.inner_text().strip()
