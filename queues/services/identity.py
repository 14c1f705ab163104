"""Connection check: who the credentials belong to (STS) and whether SQS lets them in."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from .errors import (
    DENIED_CODES,
    EXPIRED_CODES,
    WRONG_KEY_CODES,
    WRONG_SECRET_CODES,
    SqsError,
)


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
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        code, text = info.get("Code", ""), info.get("Message") or info.get("Code", "")
        operation = error.operation_name
        if code in WRONG_KEY_CODES:
            return f"Wrong keys: AWS does not recognise the access key ID ({text})."
        if code in WRONG_SECRET_CODES:
            return f"Wrong keys: the secret access key does not match the access key ({text})."
        if code in EXPIRED_CODES:
            return f"Expired token: the session credentials have expired ({text})."
        if code in DENIED_CODES and operation in ("AssumeRole", "CreateSession"):
            return f"The role could not be assumed: {text}"
        if code in DENIED_CODES and stage == "SQS":
            return f"Access denied to SQS: the credentials work but may not list queues ({text})."
        if code in DENIED_CODES:
            return f"Access denied: {text}"
        return f"{stage} refused the request ({code}): {text}"
    if isinstance(error, NoCredentialsError):
        return "No credentials: the default credential chain found none on this server."
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError | ConnectionClosedError):
        return f"Endpoint unreachable: {error}"
    if isinstance(error, ReadTimeoutError):
        return "Endpoint unreachable: it accepted the connection but did not answer in time."
    if isinstance(error, SqsError):
        return str(error)
    return f"{stage} call failed: {error}"


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
