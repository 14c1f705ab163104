"""Per-profile access: who sees, switches to, lands on and operates on which profile."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from queues.accounts.roles import OPERATORS, VIEWERS
from queues.models import AuditEvent, AuthMode, AwsProfile
from tests.helpers import REGION, page_url


def _profile(name: str, *, production=False, view=(), operate=()) -> AwsProfile:
    created = AwsProfile.objects.create(
        name=name, slug=name.lower(), auth_mode=AuthMode.DEFAULT_CHAIN, is_production=production
    )
    created.viewer_groups.set(Group.objects.filter(name__in=view))
    created.operator_groups.set(Group.objects.filter(name__in=operate))
    return created


@pytest.fixture
def hidden(db, profile):
    """A profile only Viewers may see (so not Operators)."""
    return _profile("Hidden", view=[VIEWERS])


def test_the_switcher_lists_only_profiles_the_user_may_view(client, operator_user, hidden):
    client.force_login(operator_user)
    page = client.get(page_url("queue-list", AwsProfile.objects.get(slug="test-moto")))
    assert "Test moto" in page.content.decode()
    assert "Hidden" not in page.content.decode()


def test_a_profile_the_user_may_not_view_is_not_found_anywhere(client, operator_user, hidden):
    client.force_login(operator_user)
    assert client.get(page_url("queue-list", hidden)).status_code == 404
    # Switching to it is like naming a profile that does not exist.
    switched = client.get(reverse("console:switch"), {"profile": hidden.slug}, follow=True)
    assert "Pick a profile from the list." in switched.content.decode()
    assert switched.wsgi_request.path != page_url("queue-list", hidden)


def test_a_remembered_profile_no_longer_granted_is_not_landed_on(client, operator_user, hidden):
    session = client.session
    session["sqsadmin.workspace"] = [hidden.slug, REGION]
    session.save()
    client.force_login(operator_user)
    response = client.get(reverse("console:home"))
    assert response.url == page_url("queue-list", AwsProfile.objects.get(slug="test-moto"))


def test_the_first_sign_in_lands_on_a_non_production_profile(client, operator_user, db):
    _profile("Aprod", production=True, view=[OPERATORS])
    dev = _profile("Dev", view=[OPERATORS])
    client.force_login(operator_user)
    assert client.get(reverse("console:home")).url == reverse(
        "console:queue-list", args=[dev.slug, dev.region]
    )


def test_with_only_production_profiles_home_lists_them_to_choose(client, viewer_user, db):
    prod = _profile("Live", production=True, view=[VIEWERS])
    _profile("Other", view=[OPERATORS])
    client.force_login(viewer_user)
    response = client.get(reverse("console:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a profile" in page and "PRODUCTION" in page
    assert reverse("console:queue-list", args=[prod.slug, prod.region]) in page
    assert "Other" not in page


def test_without_any_granted_profile_home_says_whom_to_ask(client, viewer_user, db):
    _profile("Other", view=[OPERATORS])
    client.force_login(viewer_user)
    page = client.get(reverse("console:home")).content.decode()
    assert "Ask an administrator to let one of your groups view a profile" in page
    assert "Other" not in page


def test_operate_rights_on_production_are_missing_until_granted(
    client, operator_user, profile, raw_sqs
):
    raw_sqs.create_queue(QueueName="orders")
    profile.is_production = True
    profile.save()
    profile.operator_groups.clear()
    client.force_login(operator_user)
    listing = client.get(page_url("queue-list", profile)).content.decode()
    assert "Create queue" not in listing
    refused = client.post(page_url("queue-purge", profile, "orders"), {"confirm": "orders"})
    assert refused.status_code == 403
    assert "operate rights on the profile" in refused.content.decode()
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.queue, event.username) == (
        "purge_queue",
        "failure",
        "orders",
        operator_user.username,
    )
    assert event.error == "no operate rights on this profile"
    # A look at a form is refused too, but is not an action to audit.
    assert client.get(page_url("queue-create", profile)).status_code == 403
    assert AuditEvent.objects.count() == 1

    profile.operator_groups.add(Group.objects.get(name=OPERATORS))
    assert "Create queue" in client.get(page_url("queue-list", profile)).content.decode()
    sent = client.post(
        page_url("messages-send", profile, "orders"),
        {"body": "hello", "body_format": "text", "copies": 1},
    )
    assert sent.status_code == 200
    assert (
        raw_sqs.get_queue_attributes(
            QueueUrl=raw_sqs.get_queue_url(QueueName="orders")["QueueUrl"],
            AttributeNames=["ApproximateNumberOfMessages"],
        )["Attributes"]["ApproximateNumberOfMessages"]
        == "1"
    )


def test_an_htmx_refusal_swaps_in_the_reason(client, viewer_user, operator_user, profile):
    profile.operator_groups.clear()
    client.force_login(operator_user)
    response = client.get(
        page_url("queue-name-check", profile), {"name": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403
    assert "<html" not in response.content.decode()
    assert "operate rights" in response.content.decode()
