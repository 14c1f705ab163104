"""Queue fixtures: SqsService over HTTP against the moto server, and URL helpers."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from queues.models import AwsProfile
from queues.profiles.credentials import sqs_for
from queues.sqs import SqsService
from tests.conftest import REGION


@pytest.fixture
def sqs(raw_sqs) -> SqsService:
    """The service layer on a plain boto3 client that talks HTTP to the moto server."""
    return SqsService(raw_sqs)


@pytest.fixture
def profile_sqs(profile: AwsProfile) -> SqsService:
    return sqs_for(profile, REGION)


def queue_url_for(view: str, profile: AwsProfile, queue: str | None = None, **kw) -> str:
    args = [profile.slug, REGION] + ([queue] if queue else [])
    return reverse(f"console:{view}", args=args)


def attributes(raw_sqs, name: str) -> dict[str, str]:
    url = raw_sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return raw_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def redrive(raw_sqs, dlq: str, max_receives: int = 3) -> str:
    arn = attributes(raw_sqs, dlq)["QueueArn"]
    return json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": str(max_receives)})
