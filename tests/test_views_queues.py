"""The queue list over a real moto server, by role, and its error paths."""

from __future__ import annotations

import pytest
from django.urls import reverse

from queues.models import AwsProfile
from tests.conftest import REGION


def list_url(profile: AwsProfile, region: str = REGION) -> str:
    return reverse("console:queue-list", args=[profile.slug, region])


@pytest.fixture
def queues(raw_sqs):
    raw_sqs.create_queue(QueueName="alpha")
    url = raw_sqs.create_queue(QueueName="beta.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    raw_sqs.send_message(
        QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="1"
    )
    return ["alpha", "beta.fifo"]


def test_anonymous_users_are_sent_to_login(client, profile):
    response = client.get(list_url(profile))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_viewer_sees_the_queues_with_counts_and_the_workspace(
    client, viewer_user, profile, queues
):
    client.force_login(viewer_user)
    response = client.get(list_url(profile))
    html = response.content.decode()
    assert response.status_code == 200
    assert "alpha" in html and "beta.fifo" in html and "FIFO" in html
    assert (
        "Profile <strong>Test moto</strong>" in html and f"Region <strong>{REGION}</strong>" in html
    )


def test_the_prefix_filter_asks_sqs_for_matching_names(client, viewer_user, profile, queues):
    client.force_login(viewer_user)
    html = client.get(list_url(profile), {"prefix": "be"}).content.decode()
    assert "beta.fifo" in html and "alpha" not in html


def test_htmx_gets_only_the_table(client, viewer_user, profile, queues):
    client.force_login(viewer_user)
    html = client.get(list_url(profile), headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="queue-table">')
    assert "<html" not in html


def test_an_empty_region_says_so(client, viewer_user, profile, queues):
    client.force_login(viewer_user)
    html = client.get(list_url(profile, "eu-west-1")).content.decode()
    assert "There are no queues in eu-west-1" in html


def test_a_user_without_a_role_gets_a_403_naming_the_role(client, nobody_user, profile):
    client.force_login(nobody_user)
    response = client.get(list_url(profile))
    assert response.status_code == 403
    assert "<strong>Viewer</strong> role" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/p/no-such-profile/us-east-1/queues/", "/p/test-moto/mars-1/queues/"]
)
def test_an_unknown_profile_or_region_is_a_404_page(client, viewer_user, profile, path):
    client.force_login(viewer_user)
    response = client.get(path)
    assert response.status_code == 404


def test_an_endpoint_that_is_down_is_a_clear_message(client, viewer_user, profile, settings):
    settings.AWS_MAX_ATTEMPTS = 1
    profile.endpoint_url = "http://127.0.0.1:9"
    profile.save()
    client.force_login(viewer_user)
    response = client.get(list_url(profile))
    assert response.status_code == 503
    assert "the SQS endpoint cannot be reached" in response.content.decode()


def test_home_goes_to_the_last_workspace(client, viewer_user, profile, queues):
    client.force_login(viewer_user)
    client.get(list_url(profile, "eu-west-1"))
    response = client.get(reverse("console:home"))
    assert response.url == list_url(profile, "eu-west-1")


def test_home_without_profiles_says_what_to_do(client, viewer_user):
    client.force_login(viewer_user)
    assert "Ask an administrator" in client.get(reverse("console:home")).content.decode()


def test_switching_goes_to_the_chosen_workspace(client, viewer_user, profile):
    client.force_login(viewer_user)
    response = client.get(
        reverse("console:switch"), {"profile": profile.slug, "region": "ap-south-1"}
    )
    assert response.url == list_url(profile, "ap-south-1")


def test_switching_to_a_malformed_region_explains(client, viewer_user, profile):
    client.force_login(viewer_user)
    response = client.get(
        reverse("console:switch"), {"profile": profile.slug, "region": "eu west"}, follow=True
    )
    assert "is not an AWS region name" in response.content.decode()
