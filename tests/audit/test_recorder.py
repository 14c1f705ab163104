"""The audit trail records successes and failures, and never message bodies or secrets."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from queues import audit
from queues.console import workspace
from queues.models import AuditEvent
from queues.sqs import PurgeInProgress


@pytest.fixture
def request_in_workspace(operator_user, profile):
    request = RequestFactory().post("/")
    request.user = operator_user
    request.session = {}
    workspace.enter(request, profile.slug, "eu-west-1")
    return request


def test_a_successful_action_is_recorded_with_who_and_where(request_in_workspace):
    with audit.recorded_for(request_in_workspace, "purge_queue", queue="orders") as event:
        event.parameters["messages_before"] = 40
    saved = AuditEvent.objects.get()
    assert (saved.username, saved.profile_name, saved.region) == (
        "oscar-operator",
        "Test moto",
        "eu-west-1",
    )
    assert (saved.action, saved.queue, saved.outcome) == ("purge_queue", "orders", "success")
    assert saved.parameters == {"messages_before": 40}


def test_an_event_is_stored_as_model_save_stores_it(
    request_in_workspace, django_assert_num_queries
):
    with (
        django_assert_num_queries(1),
        audit.recorded_for(request_in_workspace, "peek_messages", queue="orders", count=5) as e,
    ):
        e.parameters.update(message_ids=["m-1", "m-2"], note='"quoted" & <b>')
    stored = AuditEvent.objects.get()
    assert (stored.pk, stored.created_at) == (e.pk, e.created_at) and not e._state.adding
    # The same event saved by the ORM: every column alike but its id and time.
    e.pk, e._state.adding = None, True
    e.save()
    ours, orms = AuditEvent.objects.order_by("id").values()
    assert ours.pop("id") < orms.pop("id") and ours.pop("created_at") <= orms.pop("created_at")
    assert ours == orms
    assert ours["parameters"] == {
        "count": 5,
        "message_ids": ["m-1", "m-2"],
        "note": '"quoted" & <b>',
    }


def test_a_failed_action_is_recorded_with_the_message_shown(request_in_workspace):
    with (
        pytest.raises(PurgeInProgress),
        audit.recorded_for(request_in_workspace, "purge_queue", queue="q"),
    ):
        raise PurgeInProgress("Queue 'q' was purged less than 60 seconds ago")
    saved = AuditEvent.objects.get()
    assert saved.outcome == "failure" and "60 seconds" in saved.error


def test_bodies_and_secrets_never_reach_the_trail(request_in_workspace, caplog):
    with audit.recorded_for(
        request_in_workspace,
        "send_message",
        queue="q",
        body="card 4111",
        message_id="m-1",
        secret_access_key="s3cret",
    ):
        pass
    saved = AuditEvent.objects.get()
    assert saved.parameters == {"message_id": "m-1"}
    assert "4111" not in caplog.text and "s3cret" not in caplog.text
    assert "user=oscar-operator action=send_message" in caplog.text


# Where a request came from, and the JSON line for a SIEM.


def _request(operator_user, remote: str, forwarded: str = ""):
    headers = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11) Firefox/140.0", "REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().post("/", **headers)
    request.user = operator_user
    return request


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "recorded"),
    [
        ("203.0.113.9", "", [], "203.0.113.9"),
        # A client cannot claim another address unless its hop is a trusted proxy.
        ("203.0.113.9", "198.51.100.7", [], "203.0.113.9"),
        ("10.0.0.2", "198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),
        # Addresses the client typed left of the proxies' own are not believed.
        ("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.3", ["10.0.0.0/8"], "198.51.100.7"),
        ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
    ],
)
def test_the_client_address_and_user_agent_are_recorded(
    operator_user, settings, remote, forwarded, trusted, recorded
):
    settings.TRUSTED_PROXIES = trusted
    with audit.recorded_for(_request(operator_user, remote, forwarded), "send_message"):
        pass
    saved = AuditEvent.objects.get()
    assert saved.client_address == recorded
    assert saved.user_agent == "Mozilla/5.0 (X11) Firefox/140.0"


def test_each_event_is_also_one_json_line_for_a_siem(operator_user, settings):
    import json
    import logging

    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    # Configured like production: its own stream handler, not mixed into the plain log.
    assert settings.LOGGING["loggers"]["sqsadmin.audit.json"]["handlers"] == ["audit_json"]
    assert settings.LOGGING["handlers"]["audit_json"]["class"] == "logging.StreamHandler"
    logger = logging.getLogger("sqsadmin.audit.json")
    handler = Collect()
    logger.addHandler(handler)
    try:
        with (
            pytest.raises(PurgeInProgress),
            audit.recorded_for(
                _request(operator_user, "203.0.113.9"), "purge_queue", queue="orders", body="x"
            ),
        ):
            raise PurgeInProgress("Try again in a minute.")
    finally:
        logger.removeHandler(handler)
    assert len(lines) == 1
    event = json.loads(lines[0])
    assert event["user"] == "oscar-operator"
    assert (event["action"], event["queue"], event["outcome"]) == (
        "purge_queue",
        "orders",
        "failure",
    )
    assert event["error"] == "Try again in a minute."
    assert event["client_address"] == "203.0.113.9"
    assert event["user_agent"].startswith("Mozilla/5.0")
    assert "body" not in event["parameters"]
