"""The connection check turns each way a login fails into words an admin can act on.

moto accepts any keys, so refusals that only real AWS produces (unknown key, bad signature,
expired token, no SQS permission) come from botocore's Stubber answering as AWS does.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from queues.sqs.identity import check_connection

IDENTITY = {
    "UserId": "AIDAEXAMPLE",
    "Account": "210987654321",
    "Arn": "arn:aws:iam::210987654321:user/dashboard",
}


@pytest.fixture
def clients():
    session = boto3.Session(
        aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name="us-east-1"
    )
    sts, sqs = session.client("sts"), session.client("sqs")
    with Stubber(sts) as sts_stub, Stubber(sqs) as sqs_stub:
        yield sts, sqs, sts_stub, sqs_stub


def test_success_reports_account_arn_and_latency(clients):
    sts, sqs, sts_stub, sqs_stub = clients
    sts_stub.add_response("get_caller_identity", IDENTITY)
    sqs_stub.add_response("list_queues", {"QueueUrls": []}, {"MaxResults": 1})
    ticks = iter([10.0, 10.042])
    check = check_connection(sts, sqs, clock=lambda: next(ticks))
    assert check.ok
    assert (check.account, check.arn, check.latency_ms) == (
        "210987654321",
        IDENTITY["Arn"],
        42,
    )


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("InvalidClientTokenId", "Wrong keys: AWS does not recognise the access key ID"),
        ("SignatureDoesNotMatch", "Wrong keys: the secret access key does not match"),
        ("ExpiredToken", "Expired token: the credentials have expired"),
    ],
)
def test_sign_in_failures_are_named(clients, code, reason):
    sts, sqs, sts_stub, _ = clients
    sts_stub.add_client_error("get_caller_identity", service_error_code=code, http_status_code=403)
    check = check_connection(sts, sqs)
    assert not check.ok
    assert check.reason.startswith(reason)


def test_credentials_without_sqs_permission_are_told_apart(clients):
    sts, sqs, sts_stub, sqs_stub = clients
    sts_stub.add_response("get_caller_identity", IDENTITY)
    sqs_stub.add_client_error(
        "list_queues",
        service_error_code="AccessDenied",
        service_message="not authorized to perform: sqs:listqueues",
        http_status_code=403,
    )
    check = check_connection(sts, sqs)
    assert not check.ok
    assert check.reason.startswith("Access denied to SQS: the credentials work")
    assert "sqs:listqueues" in check.reason
