"""How many database queries each page makes, so that per-request cost cannot creep back.

A signed-in page costs: the session, the user, the user's permissions (its own and its groups',
one query), and the profiles (one query shared by the workspace and the header's switcher, which
also says which of them an Operator may operate). Actions that are audited add their one INSERT.
Nothing else: no query per queue, per row or per profile. Checked for an Admin and an Operator:
their permission checks and profile access differ.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from queues.models import AwsProfile
from tests.helpers import REGION, page_url

# session + user + permissions + profiles
PAGE = 4
# The audit page's own: the page of events with their count, in one query. Its filters' choices
# are kept in the cache and read again only when an event brings a new action or profile; its
# rows are kept once rendered (events not shown before are read in one more query).
AUDIT = 1


@pytest.fixture
def queues(raw_sqs) -> dict[str, str]:
    raw_sqs.create_queue(QueueName="orders-dlq")
    for i in range(60):
        raw_sqs.create_queue(QueueName=f"orders-{i:02d}")
    url = raw_sqs.create_queue(QueueName="orders", tags={"team": "shop"})["QueueUrl"]
    raw_sqs.send_message(QueueUrl=url, MessageBody="hello")
    return {"orders": url}


@pytest.fixture(params=["admin", "operator"])
def signed_in(request, client, admin_user, operator_user, profile, queues):
    # More profiles must not mean more queries.
    for i in range(5):
        other = AwsProfile.objects.create(name=f"Other {i}", slug=f"other-{i}", region="eu-west-1")
        other.grant_default_access()
    client.force_login(admin_user if request.param == "admin" else operator_user)
    client.get(page_url("queue-detail", profile, "orders"))  # remember the queue's URL
    return client


def _chunk(client, profile) -> str:
    html = client.get(page_url("queue-list", profile)).content.decode()
    return unescape(re.findall(r'class="queue-chunk" hx-get="([^"]+)"', html)[0])


GETS = {
    "queue list": lambda p: (page_url("queue-list", p), {}),
    "queue list search": lambda p: (page_url("queue-list", p) + "?search=orders-1", {}),
    "queue detail": lambda p: (page_url("queue-detail", p, "orders"), {}),
    "counts poll": lambda p: (
        reverse("console:queue-counts", args=[p.slug, REGION, "orders"]),
        {"HX-Request": "true"},
    ),
    "messages": lambda p: (page_url("messages", p, "orders"), {}),
    "edit form": lambda p: (page_url("queue-edit", p, "orders"), {}),
}


def test_the_profiles_page_makes_a_fixed_number_of_queries(
    client, admin_user, profile, django_assert_max_num_queries
):
    for i in range(5):
        AwsProfile.objects.create(name=f"Other {i}", slug=f"other-{i}", region="eu-west-1")
    client.force_login(admin_user)
    with django_assert_max_num_queries(PAGE):
        response = client.get(reverse("profiles:list"))
    assert response.status_code == 200 and "Other 4" in response.content.decode()


@pytest.mark.parametrize("view", GETS)
def test_each_page_makes_a_fixed_number_of_queries(
    signed_in, profile, view, django_assert_max_num_queries
):
    url, headers = GETS[view](profile)
    with django_assert_max_num_queries(PAGE):
        response = signed_in.get(url, headers=headers)
    assert response.status_code == 200


def test_a_count_chunk_makes_a_fixed_number_of_queries(
    signed_in, profile, django_assert_max_num_queries
):
    chunk = _chunk(signed_in, profile)
    with django_assert_max_num_queries(PAGE):
        response = signed_in.get(chunk, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "orders-00" in response.content.decode()


def test_the_audit_page_makes_a_fixed_number_of_queries(
    signed_in, profile, django_assert_max_num_queries
):
    for _ in range(3):  # events to show
        signed_in.post(
            reverse("console:messages-send", args=[profile.slug, REGION, "orders"]),
            {"body": "hi", "body_format": "text", "copies": 1},
        )
    # New actions were recorded: the choices are read again, and the new rows.
    with django_assert_max_num_queries(PAGE + AUDIT + 2):
        response = signed_in.get(reverse("audit:log"))
    assert response.status_code == 200 and response.content.decode().count("send_message") >= 3
    with django_assert_max_num_queries(PAGE + AUDIT):
        again = signed_in.get(reverse("audit:log"))
    assert again.content.decode().count("send_message") >= 3


def test_the_home_redirect_makes_a_fixed_number_of_queries(
    signed_in, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PAGE):
        response = signed_in.get(reverse("console:home"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("action", "data", "shown"),
    [
        ("messages-send", {"body": "hi", "body_format": "text", "copies": 1}, "Message sent."),
        ("messages-poll", {"count": 1, "wait": 0}, "received and released"),
    ],
)
def test_an_audited_action_adds_only_its_audit_event(
    signed_in, profile, action, data, shown, django_assert_max_num_queries
):
    url = reverse(f"console:{action}", args=[profile.slug, REGION, "orders"])
    with django_assert_max_num_queries(PAGE + 1):
        response = signed_in.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200 and shown in response.content.decode()
