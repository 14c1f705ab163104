"""Which SQS implementation the HTTP tests talk to, and the tests that hold on one of them only.

`make test-localstack` (scripts/with-localstack) sets SQSADMIN_TEST_SQS_URL: the tests then run
against LocalStack's SQS and STS instead of a moto server that conftest starts. Each marker's
reason says what AWS does, so a skip or an expected failure explains itself.
"""

from __future__ import annotations

import os

import pytest

LOCALSTACK_URL = os.environ.get("SQSADMIN_TEST_SQS_URL", "").rstrip("/")
SQS_IMPLEMENTATION = "localstack" if LOCALSTACK_URL else "moto"

# The account each implementation files the tests' keys under: moto's fixed default, and
# LocalStack's default for AKIA/ASIA keys (it has no setting to change it).
ACCOUNT = {"moto": "123456789012", "localstack": "000000000000"}[SQS_IMPLEMENTATION]

purge_limit = pytest.mark.moto_only(
    reason="AWS and moto refuse a second PurgeQueue within 60 s (PurgeQueueInProgress); "
    "LocalStack does not enforce the limit"
)
purged_receipt_handle = pytest.mark.moto_only(
    reason="moto refuses DeleteMessage with the receipt handle of a purged message "
    "(ReceiptHandleIsInvalid); on a standard queue AWS, like LocalStack, fails only a "
    "malformed handle and answers success"
)
keeps_redrive_allow_policy = pytest.mark.localstack_only(
    reason="AWS and LocalStack keep a queue's RedriveAllowPolicy; moto drops it, so there the "
    "policy cannot be read back"
)
delay_over_900 = pytest.mark.moto_only(
    reason="AWS and moto fail a batch entry with DelaySeconds 1000 (over 900); "
    "LocalStack accepts it"
)
serves_cloudwatch = pytest.mark.moto_only(
    reason="moto's server serves CloudWatch (PutMetricData, GetMetricData) beside SQS, as AWS "
    "does; the LocalStack lane starts only sqs and sts, so there is no metric to read back"
)
empties_every_region = pytest.mark.moto_only(
    reason="moto's reset empties every region; the LocalStack lane deletes the test region's "
    "queues only, so queues made in a second region would outlive the test"
)
