"""What protects a request from a bad endpoint, in the SQS layer's own terms (no Django):

- a `Deadline`: the time a request may spend on SQS, across every call and retry. Each attempt's
  connect and read timeouts are each cut to what is left, and no attempt starts once it is
  spent;
- a `Guard`: anything with `before_call()` (raise an SqsError to refuse) and `after_call(error)`;
  the dashboard's circuit breaker and bulkhead are one (queues/profiles/guard.py);
- hooks on the boto3 client that turn an answer that is not SQS's (a proxy's HTML page, an
  empty or cut-off body, a missing field) into UnexpectedResponse instead of a KeyError later.

The hooks are installed once per boto3 client (`install_hooks`); the call being made is known to
them through a context variable that `SqsClient._translated` sets around each call, in whichever
thread makes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.exceptions import ClientError
from urllib3.util.timeout import Timeout

from . import errors


class Guard(Protocol):
    def before_call(self, waits: float = 0.0) -> None:
        """Raise an SqsError to refuse the call without sending it. `waits`: the seconds a long
        poll waits on purpose (0 for every other call)."""

    def after_call(self, error: BaseException | None, waits: float = 0.0) -> None:
        """Called once for every call `before_call` let through, with how it ended."""


class Deadline:
    """A time budget that starts when it is made."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._ends = clock() + seconds

    def remaining(self) -> float:
        return self._ends - self._clock()

    def extend(self, seconds: float) -> None:
        """A long poll waits on purpose: its wait is added to the budget, not taken from it."""
        self._ends += seconds
        self.seconds += seconds


@dataclass
class Call:
    """The call in progress in this context: what the hooks need to know about it."""

    endpoint: str
    deadline: Deadline | None = None
    operation: str = field(default="")
    # The last error answer an attempt got (botocore's parsed dict): when the budget ends the
    # retries, that answer, not a timeout, is what the operator is told.
    last_answer: dict | None = None


current_call: ContextVar[Call | None] = ContextVar("sqsadmin_sqs_call", default=None)

# Fields an operation's answer must have for the layer to use it; a 200 without them came from
# something that is not SQS (or is broken), and saying so beats a KeyError.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "GetQueueUrl": ("QueueUrl",),
    "CreateQueue": ("QueueUrl",),
    "SendMessage": ("MessageId",),
}
# Fields every received message must have.
MESSAGE_FIELDS = ("MessageId", "ReceiptHandle")

_HOOKED = "_sqsadmin_hooks"


def install_hooks(client: Any) -> None:
    """Register the budget and answer checks on a boto3 SQS client (once; clients are shared)."""
    if getattr(client.meta, _HOOKED, False):
        return
    read_timeout = client.meta.config.read_timeout
    connect_timeout = client.meta.config.connect_timeout
    _honour_connect_timeout(client)
    events = client.meta.events
    events.register("before-send.sqs", _budgeted(read_timeout, connect_timeout))
    events.register("needs-retry.sqs", _remember_answer)
    events.register("before-parse.sqs", _check_body)
    events.register("after-call.sqs", _check_fields)
    setattr(client.meta, _HOOKED, True)


def _honour_connect_timeout(client: Any) -> None:
    """botocore takes a per-request read timeout from the request's context (`read_timeout`)
    but always connects with the client's connect timeout. Wrap the client's HTTP session so a
    `connect_timeout` in the context caps the connect too: an endpoint whose connects hang (a
    full accept queue, a dropped SYN) must not outlast the budget either."""
    session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    resolve = getattr(session, "_get_request_timeout", None)
    if resolve is None:
        return

    def request_timeout(request: Any) -> Timeout | None:
        timeout = resolve(request)
        connect = (getattr(request, "context", None) or {}).get("connect_timeout")
        if timeout is None or connect is None:
            return timeout
        return Timeout(connect=connect, read=timeout.read_timeout)

    session._get_request_timeout = request_timeout


def _budgeted(read_timeout: float, connect_timeout: float) -> Callable[..., None]:
    def before_send(request: Any, event_name: str = "", **_: Any) -> None:
        call = current_call.get()
        if call is None:
            return
        call.operation = event_name.rsplit(".", 1)[-1]
        if call.deadline is None:
            return
        left = call.deadline.remaining()
        if left <= 0:
            if call.last_answer is not None:
                raise ClientError(call.last_answer, call.operation)  # type: ignore[arg-type]
            raise budget_spent(call)
        context = getattr(request, "context", None)
        if context is not None:
            wanted = context.get("read_timeout") or read_timeout
            context["read_timeout"] = max(0.05, min(wanted, left))
            context["connect_timeout"] = max(0.05, min(connect_timeout, left))

    return before_send


def _remember_answer(response: Any = None, **_: Any) -> None:
    call = current_call.get()
    if call is None:
        return
    if response is not None and getattr(response[0], "status_code", 200) >= 300:
        call.last_answer = response[1]
    else:
        call.last_answer = None


def budget_spent(call: Call) -> errors.BudgetSpent:
    seconds = call.deadline.seconds if call.deadline else 0
    return errors.BudgetSpent(
        f"Endpoint unreachable: {call.operation or 'the SQS call'} to {call.endpoint} timed out: "
        f"no answer within this request's {seconds:g}-second budget for SQS. The endpoint may be "
        "overloaded or unreachable."
    )


def _check_body(operation_model: Any, response_dict: dict, **_: Any) -> None:
    """A successful answer to an operation with output must be a JSON object."""
    status = response_dict.get("status_code", 0)
    if not 200 <= status < 300 or operation_model.output_shape is None:
        return
    body = response_dict.get("body") or b""
    stripped = body.strip()
    if stripped.startswith(b"{") and stripped.endswith(b"}"):
        return
    headers = response_dict.get("headers") or {}
    kind = headers.get("content-type") or headers.get("Content-Type") or "no content type"
    what = "an empty body" if not stripped else f"{len(body)} bytes of {kind}"
    raise _unexpected(operation_model.name, f"HTTP {status} with {what}")


def _check_fields(http_response: Any, parsed: dict, model: Any, **_: Any) -> None:
    if getattr(http_response, "status_code", 200) >= 300:
        return
    missing = [name for name in REQUIRED_FIELDS.get(model.name, ()) if not parsed.get(name)]
    if model.name == "ReceiveMessage":
        messages = parsed.get("Messages") or []
        missing += sorted(
            {f"Messages[].{name}" for m in messages for name in MESSAGE_FIELDS if not m.get(name)}
        )
    if missing:
        raise _unexpected(model.name, f"an answer without {', '.join(missing)}")


def _unexpected(operation: str, what: str) -> errors.UnexpectedResponse:
    call = current_call.get()
    endpoint = call.endpoint if call else "the SQS endpoint"
    return errors.UnexpectedResponse(
        f"Unexpected answer: {endpoint} answered {operation} with {what}, which is not an SQS "
        "response. Is a proxy, or another service, answering at that address?"
    )
