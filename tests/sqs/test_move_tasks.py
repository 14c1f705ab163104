"""Message move tasks on an endpoint that has none (moto): said in words, and asked only once."""

from __future__ import annotations

import pytest

from queues.sqs import errors, move_tasks
from tests.sqs_lanes import ACCOUNT


@pytest.mark.moto_only(
    reason="moto answers message move task calls with a bare HTTP 500; AWS and LocalStack run them"
)
def test_an_endpoint_without_move_tasks_is_asked_once_then_told_from_memory(
    sqs, raw_sqs, redrive_url
):
    move_tasks._UNSUPPORTED.clear()
    sent: list[str] = []
    raw_sqs.meta.events.register("before-send.sqs", lambda request, **_: sent.append(request.url))
    dlq_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-dlq"
    with pytest.raises(errors.Unsupported, match="does not support message move tasks"):
        sqs.list_message_move_tasks(dlq_arn)
    asked = len(sent)
    assert asked >= 1
    # A redrive panel refreshed again, or Start pressed: no second round of 500s and back-off.
    with pytest.raises(errors.Unsupported, match="does not support message move tasks"):
        sqs.list_message_move_tasks(dlq_arn)
    with pytest.raises(errors.Unsupported):
        sqs.start_message_move_task(dlq_arn)
    assert len(sent) == asked
