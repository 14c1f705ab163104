"""Demo data for the embedded SQS: a "Local demo" profile and a few realistic queues.

Seeding is idempotent: queues are created if missing and filled only while empty, the profile
and the admin login are reused, so running the demo again duplicates nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from ..accounts.roles import ADMINS
from ..profiles.credentials import sqs_for
from ..profiles.models import AuthMode, AwsProfile
from ..sqs import OutgoingMessage

DEMO_PROFILE_NAME = "Local demo"
DEMO_PROFILE_SLUG = "local-demo"
DEMO_REGION = "us-east-1"
# moto accepts any keys; these make the profile a normal static-keys profile.
DEMO_ACCESS_KEY_ID = "AKIADEMOSQSADMIN0000"
DEMO_SECRET_ACCESS_KEY = "demo-secret-not-a-real-key"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str | None  # None: the account existed and its password was changed


def ensure_profile(endpoint_url: str) -> AwsProfile:
    profile, created = AwsProfile.objects.get_or_create(
        slug=DEMO_PROFILE_SLUG,
        defaults={
            "name": DEMO_PROFILE_NAME,
            "auth_mode": AuthMode.STATIC,
            "region": DEMO_REGION,
            "endpoint_url": endpoint_url,
            "access_key_id": DEMO_ACCESS_KEY_ID,
            "secret_access_key": DEMO_SECRET_ACCESS_KEY,
        },
    )
    if created:
        profile.grant_default_access()
    if not created and profile.endpoint_url != endpoint_url:
        profile.endpoint_url = endpoint_url
        profile.save()
    return profile


@transaction.atomic
def ensure_admin(username: str, password: str) -> DemoLogin:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_superuser(username, password=password)
    else:
        user.groups.add(Group.objects.get(name=ADMINS))
    return DemoLogin(username, password if user.check_password(password) else None)


def _orders(n: int) -> list[str]:
    return [
        json.dumps({"orderId": f"ord-{1000 + i}", "sku": f"SKU-{i % 7}", "quantity": 1 + i % 3})
        for i in range(n)
    ]


def seed_queues(profile: AwsProfile, region: str = DEMO_REGION) -> list[str]:
    """Create the demo queues and fill the empty ones; returns the queue names."""
    sqs = sqs_for(profile, region)
    dlq_url = sqs.create_queue("orders-dlq", tags={"team": "checkout"})
    dlq_arn = sqs.get_queue_by_url(dlq_url).arn
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})
    queues = {
        "orders": (
            sqs.create_queue(
                "orders",
                {"RedrivePolicy": redrive, "VisibilityTimeout": "60"},
                tags={"team": "checkout", "env": "demo"},
            ),
            [(body, {}) for body in _orders(40)],
        ),
        "orders-dlq": (
            dlq_url,
            [
                (json.dumps({"orderId": f"ord-bad-{i}", "error": "sku missing"}), {})
                for i in range(3)
            ],
        ),
        "payments.fifo": (
            sqs.create_queue("payments.fifo", {"ContentBasedDeduplication": "true"}),
            [
                (
                    json.dumps({"customer": f"cust-{i % 3}", "amount": 10 + i}),
                    {"group_id": f"cust-{i % 3}"},
                )
                for i in range(12)
            ],
        ),
        "notifications": (
            sqs.create_queue(
                "notifications",
                {"ReceiveMessageWaitTimeSeconds": "10"},
                tags={"team": "platform", "owner": "alerts@example.com", "env": "demo"},
            ),
            [("Welcome email for user 42", {}), ("Password reset for user 7", {})],
        ),
        "empty-queue": (sqs.create_queue("empty-queue"), []),
    }
    for url, messages in queues.values():
        if sqs.get_counts(url).available:
            continue
        for body, options in messages:
            sqs.send_message(url, OutgoingMessage(body, **options))
    return list(queues)
