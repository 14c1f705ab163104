"""Connection check: who the credentials belong to (STS) and whether SQS lets them in."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .errors import DENIED, MEANINGS, SqsError, from_exception


@dataclass(frozen=True)
class ConnectionCheck:
    """The outcome of one "Test connection": an identity and a latency, or a reason."""

    ok: bool
    account: str = ""
    arn: str = ""
    latency_ms: int = 0
    reason: str = ""


def _reason(error: Exception, stage: str) -> str:
    """Words for the failure of one stage ("STS" while signing in, "SQS" afterwards)."""
    failure = from_exception(error, service=stage) or SqsError(f"{stage} call failed: {error}")
    if MEANINGS.get(failure.code) is DENIED and isinstance(error, ClientError):
        if error.operation_name in ("AssumeRole", "CreateSession"):
            return f"The role could not be assumed: {failure}"
        if stage == "SQS":
            return f"Access denied to SQS: the credentials work but may not list queues. {failure}"
    return str(failure)


def check_connection(
    sts: Any, sqs: Any, *, clock: Callable[[], float] = time.perf_counter
) -> ConnectionCheck:
    """GetCallerIdentity, then ListQueues(MaxResults=1); latency covers both calls."""
    started = clock()
    stage = "STS"
    try:
        identity = sts.get_caller_identity()
        stage = "SQS"
        sqs.list_queues(MaxResults=1)
    except (ClientError, BotoCoreError, SqsError) as error:
        return ConnectionCheck(ok=False, reason=_reason(error, stage))
    return ConnectionCheck(
        ok=True,
        account=identity.get("Account", ""),
        arn=identity.get("Arn", ""),
        latency_ms=round((clock() - started) * 1000),
    )
