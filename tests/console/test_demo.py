"""The demo seed over HTTP against a real moto server: idempotent and complete."""

from __future__ import annotations

import json

from django.contrib.auth.models import User

from queues.accounts.roles import ADMINS
from queues.console import demo
from queues.models import AwsProfile


def test_the_demo_seeds_every_kind_of_queue(db, sqs_endpoint, raw_sqs):
    profile = demo.ensure_profile(sqs_endpoint)
    demo.seed_queues(profile)

    urls = raw_sqs.list_queues()["QueueUrls"]
    names = {url.rsplit("/", 1)[-1] for url in urls}
    assert {"orders", "orders-dlq", "payments.fifo", "notifications"} <= names

    def attrs(name):
        url = raw_sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return raw_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    orders = attrs("orders")
    assert int(orders["ApproximateNumberOfMessages"]) > 0
    policy = json.loads(orders["RedrivePolicy"])
    assert policy["deadLetterTargetArn"] == attrs("orders-dlq")["QueueArn"]
    assert attrs("payments.fifo")["FifoQueue"] == "true"
    tagged = raw_sqs.get_queue_url(QueueName="notifications")["QueueUrl"]
    assert raw_sqs.list_queue_tags(QueueUrl=tagged)["Tags"]["team"] == "platform"

    fifo_url = raw_sqs.get_queue_url(QueueName="payments.fifo")["QueueUrl"]
    received = raw_sqs.receive_message(
        QueueUrl=fifo_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["MessageGroupId"]
    )["Messages"]
    assert len({m["Attributes"]["MessageGroupId"] for m in received}) > 1


def test_running_the_demo_again_duplicates_nothing(db, sqs_endpoint, raw_sqs):
    for _ in range(2):
        profile = demo.ensure_profile(sqs_endpoint)
        demo.seed_queues(profile)
        demo.ensure_admin("admin", "demo-password-1")
    assert AwsProfile.objects.count() == 1
    assert User.objects.filter(username="admin").count() == 1
    url = raw_sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    count = raw_sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert count == "40"


def test_the_demo_admin_is_an_admin_and_a_changed_password_is_not_printed(db):
    login = demo.ensure_admin("admin", "demo-password-1")
    assert login.password == "demo-password-1"
    user = User.objects.get(username="admin")
    assert user.groups.filter(name=ADMINS).exists() and user.is_superuser
    user.set_password("my-own-password")
    user.save()
    assert demo.ensure_admin("admin", "demo-password-1").password is None


def test_a_moved_endpoint_updates_the_demo_profile(db):
    first = demo.ensure_profile("http://127.0.0.1:1111")
    second = demo.ensure_profile("http://127.0.0.1:2222")
    assert first.pk == second.pk
    assert AwsProfile.objects.get().endpoint_url == "http://127.0.0.1:2222"
