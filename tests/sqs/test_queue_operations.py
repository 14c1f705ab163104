"""SqsService's queue operations over HTTP against the SQS server: typed attributes in, typed
errors out."""

from __future__ import annotations

import json

import pytest

from queues.console.units import attribute_rows, human_bytes, human_duration
from queues.sqs import (
    OutgoingMessage,
    PurgeInProgress,
    QueueAttributes,
    QueueNameTaken,
    QueueNotFound,
    RedriveAllowPolicy,
    RedrivePolicy,
)
from tests import sqs_lanes
from tests.helpers import attributes, redrive


def test_attributes_of_a_new_queue_are_the_aws_defaults(sqs):
    queue = sqs.get_queue_by_url(sqs.create_queue("plain"))
    settings = queue.settings
    assert settings.visibility_timeout == 30
    assert settings.message_retention_period == 345600
    assert settings.delay_seconds == 0
    assert settings.receive_message_wait_time_seconds == 0
    assert settings.redrive_policy is None and not settings.fifo_queue
    assert isinstance(settings.created_timestamp, float)
    assert settings.queue_arn.endswith(":plain")


def test_every_typed_attribute_round_trips_through_sqs(sqs, raw_sqs):
    dlq = sqs.get_queue_by_url(sqs.create_queue("jobs-dlq.fifo"))
    wanted = QueueAttributes(
        visibility_timeout=120,
        message_retention_period=86400,
        delay_seconds=5,
        maximum_message_size=1048576,
        receive_message_wait_time_seconds=20,
        redrive_policy=RedrivePolicy(dlq.arn, 4),
        redrive_allow_policy=RedriveAllowPolicy("denyAll"),
        kms_master_key_id="alias/aws/sqs",
        kms_data_key_reuse_period_seconds=600,
        fifo_queue=True,
        content_based_deduplication=True,
        deduplication_scope="messageGroup",
        fifo_throughput_limit="perMessageGroupId",
    )
    url = sqs.create_queue("jobs.fifo", wanted.to_raw())
    got = sqs.get_queue_by_url(url).settings
    for name in (
        "visibility_timeout",
        "message_retention_period",
        "delay_seconds",
        "maximum_message_size",
        "receive_message_wait_time_seconds",
        "redrive_policy",
        "kms_master_key_id",
        "kms_data_key_reuse_period_seconds",
        "fifo_queue",
        "content_based_deduplication",
        "deduplication_scope",
        "fifo_throughput_limit",
    ):
        assert getattr(got, name) == getattr(wanted, name), name
    assert got.encryption == "SSE-KMS"
    assert json.loads(attributes(raw_sqs, "jobs.fifo")["RedrivePolicy"])["maxReceiveCount"] in (
        4,
        "4",
    )


def test_a_redrive_allow_policy_is_written_as_sqs_expects():
    # moto does not keep RedriveAllowPolicy, so the wire format is checked here.
    policy = RedriveAllowPolicy("byQueue", ("arn:aws:sqs:us-east-1:1:a",))
    assert json.loads(policy.to_raw()) == {
        "redrivePermission": "byQueue",
        "sourceQueueArns": ["arn:aws:sqs:us-east-1:1:a"],
    }
    assert RedriveAllowPolicy.parse(policy.to_raw()) == policy
    assert json.loads(RedriveAllowPolicy("allowAll").to_raw()) == {"redrivePermission": "allowAll"}


def test_human_units_read_like_the_console():
    assert human_duration(30) == "30 seconds"
    assert human_duration(345600) == "4 days"
    assert human_duration(5400) == "1 hour 30 minutes"
    assert human_duration(1) == "1 second"
    assert human_bytes(262144) == "256 KiB"
    assert human_bytes(1048576) == "1 MiB"
    assert human_bytes(1000) == "1,000 bytes"
    rows = {row.label: row for row in attribute_rows(QueueAttributes())}
    assert rows["Visibility timeout"].value == "30 seconds"
    assert rows["Maximum message size"][1:] == ("1 MiB", "1,048,576 bytes")


def test_set_queue_attributes_changes_and_removes_a_redrive_policy(sqs, raw_sqs):
    sqs.create_queue("dlq")
    url = sqs.create_queue("work", {"RedrivePolicy": redrive(raw_sqs, "dlq")})
    sqs.set_queue_attributes(url, {"VisibilityTimeout": "45", "RedrivePolicy": ""})
    raw = attributes(raw_sqs, "work")
    assert raw["VisibilityTimeout"] == "45"
    assert not raw.get("RedrivePolicy")


def test_tags_are_added_and_removed(sqs, raw_sqs):
    url = sqs.create_queue("tagged", tags={"team": "a"})
    sqs.tag_queue(url, {"env": "prod", "team": "b"})
    sqs.untag_queue(url, ["team"])
    assert raw_sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "prod"}
    assert sqs.list_queue_tags(url) == {"env": "prod"}


@sqs_lanes.purge_limit
def test_purge_empties_the_queue_and_a_second_purge_is_explained(sqs, raw_sqs):
    url = sqs.create_queue("full")
    for i in range(3):
        raw_sqs.send_message(QueueUrl=url, MessageBody=str(i))
    sqs.purge_queue(url)
    assert sqs.get_counts(url).available == 0
    with pytest.raises(PurgeInProgress, match="one purge per queue every 60 seconds"):
        sqs.purge_queue(url)


def test_delete_removes_the_queue(sqs):
    url = sqs.create_queue("doomed")
    sqs.delete_queue(url)
    assert "doomed" not in sqs.list_queues().names
    with pytest.raises(QueueNotFound):
        sqs.get_queue("doomed")


def test_dead_letter_sources_are_listed_by_name(sqs, raw_sqs):
    dlq_url = sqs.create_queue("dead")
    for name in ("b-source", "a-source"):
        sqs.create_queue(name, {"RedrivePolicy": redrive(raw_sqs, "dead")})
    sqs.create_queue("unrelated")
    assert sqs.list_dead_letter_source_queues(dlq_url) == ("a-source", "b-source")


def test_rows_for_many_queues_come_back_in_order_with_failures_in_place(sqs, raw_sqs):
    urls = [sqs.create_queue(f"row-{i:02d}") for i in range(12)]
    raw_sqs.send_message(QueueUrl=urls[3], MessageBody="x")
    sqs.delete_queue(urls[5])
    rows = sqs.get_queue_rows(urls, max_workers=4)
    assert [getattr(r, "name", None) for r in rows][:5] == [f"row-{i:02d}" for i in range(5)]
    assert rows[3].counts.available == 1 and rows[3].created is not None
    assert isinstance(rows[5], QueueNotFound)


def test_rows_can_carry_tags(sqs):
    url = sqs.create_queue("with-tags", tags={"team": "checkout"})
    (row,) = sqs.get_queue_rows([url], with_tags=True)
    assert row.tags == {"team": "checkout"}


def test_it_lists_queues_by_prefix(sqs):
    for name in ("orders", "orders-dlq", "payments"):
        sqs.create_queue(name)
    page = sqs.list_queues("orders")
    assert sorted(page.names) == ["orders", "orders-dlq"]
    assert page.next_token is None


def test_it_pages_through_queues_with_next_token(sqs):
    for i in range(5):
        sqs.create_queue(f"q-{i}")
    first = sqs.list_queues(max_results=3)
    assert len(first.names) == 3 and first.next_token
    second = sqs.list_queues(max_results=3, next_token=first.next_token)
    assert set(first.names) | set(second.names) == {f"q-{i}" for i in range(5)}


def test_it_reads_a_queue_with_counts_and_timestamps(sqs):
    url = sqs.create_queue("work")
    sqs.send_message(url, OutgoingMessage("one"))
    sqs.send_message(url, OutgoingMessage("two", delay_seconds=60))
    queue = sqs.get_queue("work")
    assert queue.url == url and queue.type_label == "Standard"
    assert queue.counts.available == 1 and queue.counts.delayed == 1
    assert queue.created is not None and queue.arn.endswith(":work")


def test_a_fifo_queue_is_created_as_fifo(sqs):
    sqs.create_queue("jobs.fifo", {"ContentBasedDeduplication": "true"})
    queue = sqs.get_queue("jobs.fifo")
    assert queue.is_fifo and queue.attributes["FifoQueue"] == "true"


def test_a_dead_letter_source_is_marked(sqs):
    dlq = sqs.get_queue_by_url(sqs.create_queue("dead"))
    policy = json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": "3"})
    sqs.create_queue("live", {"RedrivePolicy": policy})
    assert sqs.get_queue("live").dead_letter_queue_name == "dead"
    assert dlq.dead_letter_queue_name == ""


def test_a_missing_queue_is_queue_not_found(sqs):
    with pytest.raises(QueueNotFound, match="does not exist"):
        sqs.get_queue("nope")


def test_a_name_taken_with_other_attributes_is_explained(sqs):
    sqs.create_queue("taken", {"VisibilityTimeout": "30"})
    with pytest.raises(QueueNameTaken, match="already exists with different attributes"):
        sqs.create_queue("taken", {"VisibilityTimeout": "45"})
