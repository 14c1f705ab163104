"""Signed-in sessions, read with a plain query on every page (queues/accounts/sessions.py and
backends.py): a live session keeps the user in, an expired or removed one and a deactivated user
do not."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.helpers import page_url


def _audit(client):
    return client.get(reverse("audit:log"))


def test_a_live_session_keeps_the_user_signed_in_from_page_to_page(client, operator_user, profile):
    client.force_login(operator_user)
    assert _audit(client).status_code == 200
    response = client.get(page_url("queue-list", profile))
    assert response.status_code == 200 and "oscar-operator" in response.content.decode()


def test_an_expired_session_sends_the_user_to_sign_in(client, operator_user):
    client.force_login(operator_user)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = _audit(client)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_removed_session_sends_the_user_to_sign_in(client, operator_user):
    client.force_login(operator_user)
    Session.objects.all().delete()
    response = _audit(client)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_deactivated_user_is_signed_out_at_the_next_page(client, operator_user):
    client.force_login(operator_user)
    operator_user.is_active = False
    operator_user.save()
    response = _audit(client)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
