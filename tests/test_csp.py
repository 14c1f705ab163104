"""Every page works under the Content-Security-Policy: scripts load, nothing is blocked."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKSPACE = "/p/local-demo/us-east-1"
# Each page a person can reach, as an admin sees it.
PAGES = [
    f"{WORKSPACE}/queues/",
    f"{WORKSPACE}/queues/?prefix=orders",
    f"{WORKSPACE}/queues/new/",
    f"{WORKSPACE}/queues/orders/",
    f"{WORKSPACE}/queues/orders-dlq/",
    f"{WORKSPACE}/queues/orders-dlq/redrive/",
    f"{WORKSPACE}/queues/orders/monitoring/",
    f"{WORKSPACE}/queues/orders/edit/",
    f"{WORKSPACE}/queues/orders/purge/",
    f"{WORKSPACE}/queues/orders/delete/",
    f"{WORKSPACE}/queues/orders/messages/",
    f"{WORKSPACE}/queues/payments.fifo/messages/",
    "/audit/",
    "/estate/",
    "/profiles/",
    "/profiles/new/",
    "/profiles/local-demo/edit/",
    "/profiles/local-demo/delete/",
    "/p/local-demo/us-east-1/queues/no-such-queue-anywhere/",
    "/no-such-page/",
    "/admin/",
    "/admin/auth/user/",
    "/admin/auth/user/add/",
]

REPORT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_every_page_runs_its_scripts_without_a_csp_violation(
    page,
    login,
    admin_user,
    seeded,
    live_server,
):
    page.add_init_script(REPORT_VIOLATIONS)
    login(admin_user)
    problems = []
    for path in PAGES:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__cspViolations")
        if violations:
            problems.append(f"{path}: {violations}")
        # Django's admin (users and groups) has its own scripts, no htmx; its policy is checked.
        if not path.startswith("/admin/") and not page.evaluate("typeof window.htmx === 'object'"):
            problems.append(f"{path}: htmx did not load")
        header = page.evaluate(
            "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
        )
        if not header or "unsafe-inline" in header or "unsafe-eval" in header:
            problems.append(f"{path}: policy is {header!r}")
    assert problems == []
