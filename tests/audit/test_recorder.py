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
