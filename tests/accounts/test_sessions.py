"""Signed-in sessions, read with a plain query on every page (queues/accounts/sessions.py and
backends.py): a live session keeps the user in, an expired or removed one and a deactivated user
do not."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from queues.accounts.sessions import SessionStore
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


def test_a_session_changed_on_one_page_is_read_changed_on_the_next(client, operator_user, profile):
    """Each process keeps the decoded data of the session texts it has read (sessions.py): a
    change to the session is a new text, so the next page reads the change, not the kept copy."""
    client.force_login(operator_user)
    _audit(client)
    session = client.session
    session["sqsadmin.test-marker"] = "first"
    session.save()
    assert client.session["sqsadmin.test-marker"] == "first"
    session["sqsadmin.test-marker"] = "second"
    session.save()
    assert client.session["sqsadmin.test-marker"] == "second"


def test_a_decoded_session_is_the_requests_own_to_change():
    store = SessionStore()
    text = store.encode({"sqsadmin.workspace": ["demo", "us-east-1"]})
    first = store.decode(text)
    first["sqsadmin.workspace"].append("changed")
    assert store.decode(text) == {"sqsadmin.workspace": ["demo", "us-east-1"]}


def test_a_session_text_whose_signature_fails_reads_as_empty_every_time():
    store = SessionStore()
    text = store.encode({"_auth_user_id": "1"})
    forged = text[:-1] + ("A" if text[-1] != "A" else "B")  # its signature no longer matches
    assert store.decode(forged) == {}
    assert store.decode(forged) == {}
