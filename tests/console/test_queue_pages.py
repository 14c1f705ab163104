"""Create, detail, edit, purge and delete through the views, checked with boto3 on moto."""

from __future__ import annotations

import json
from html import unescape

import pytest

from queues.console.forms.queues import QueueForm
from queues.models import AuditEvent
from tests import sqs_lanes
from tests.helpers import attributes, page_url, redrive

FORM_DEFAULTS = {
    "queue_type": "standard",
    "visibility_timeout": "30",
    "message_retention_period": "345600",
    "delay_seconds": "0",
    "maximum_message_size": "1048576",
    "receive_message_wait_time_seconds": "0",
    "dead_letter_queue": "",
    "max_receive_count": "10",
    "redrive_permission": "",
    "redrive_source_arns": "",
    "encryption": "sse-sqs",
    "kms_master_key_id": "alias/aws/sqs",
    "kms_data_key_reuse_period_seconds": "300",
    "deduplication_scope": "queue",
    "fifo_throughput_limit": "perQueue",
}


def create(client, profile, **fields):
    return client.post(page_url("queue-create", profile), {**FORM_DEFAULTS, **fields})


def queue_names(raw_sqs) -> set[str]:
    return {u.rsplit("/", 1)[-1] for u in raw_sqs.list_queues().get("QueueUrls", [])}


# Create


def test_a_queue_created_with_every_field_left_alone_gets_sqs_defaults(
    client, operator_user, profile, raw_sqs
):
    untouched = QueueForm(queue_names=[])
    fields = {n: untouched[n].value() for n in untouched.fields if untouched[n].value() is not None}
    client.force_login(operator_user)
    response = client.post(page_url("queue-create", profile), {**fields, "name": "plain"})
    assert response.status_code == 302
    raw = attributes(raw_sqs, "plain")
    assert raw["MaximumMessageSize"] == "1048576"
    assert (raw["VisibilityTimeout"], raw["MessageRetentionPeriod"]) == ("30", "345600")
    sent = AuditEvent.objects.get(action="create_queue").parameters["attributes"]
    # Left at their defaults, the settings are not sent: SQS applies its own defaults.
    assert not {"MaximumMessageSize", "VisibilityTimeout", "DelaySeconds"} & set(sent)


def test_an_operator_creates_a_queue_with_attributes_and_tags(
    client, operator_user, profile, raw_sqs
):
    client.force_login(operator_user)
    response = create(
        client,
        profile,
        name="billing",
        visibility_timeout="90",
        maximum_message_size="1048576",
        delay_seconds="15",
        tag_key_0="team",
        tag_value_0="payments",
    )
    assert response.status_code == 302
    assert response.url == page_url("queue-detail", profile, "billing")
    raw = attributes(raw_sqs, "billing")
    assert raw["VisibilityTimeout"] == "90"
    assert raw["MaximumMessageSize"] == "1048576" and raw["DelaySeconds"] == "15"
    url = raw_sqs.get_queue_url(QueueName="billing")["QueueUrl"]
    assert raw_sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "payments"}
    event = AuditEvent.objects.get(action="create_queue")
    assert event.queue == "billing" and event.outcome == "success"
    assert event.username == operator_user.username


def test_a_fifo_queue_gets_its_suffix_and_a_fifo_dead_letter_queue(
    client, operator_user, profile, raw_sqs
):
    raw_sqs.create_queue(QueueName="jobs-dlq.fifo", Attributes={"FifoQueue": "true"})
    client.force_login(operator_user)
    response = create(
        client,
        profile,
        name="jobs",
        queue_type="fifo",
        dead_letter_queue="jobs-dlq.fifo",
        max_receive_count="4",
        content_based_deduplication="on",
        deduplication_scope="messageGroup",
        fifo_throughput_limit="perMessageGroupId",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    raw = attributes(raw_sqs, "jobs.fifo")
    assert raw["FifoQueue"] == "true" and raw["ContentBasedDeduplication"] == "true"
    assert raw["FifoThroughputLimit"] == "perMessageGroupId"
    policy = json.loads(raw["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith(":jobs-dlq.fifo")
    assert int(policy["maxReceiveCount"]) == 4


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "has space"}, "Use only letters, digits, hyphens (-) and underscores (_)."),
        ({"name": "x" * 81}, "at most 80 characters"),
        ({"name": "plain.fifo"}, "Only FIFO queue names end in .fifo"),
        ({"name": "ok", "maximum_message_size": "1048577"}, "Use at most 1 MiB."),
        ({"name": "ok", "visibility_timeout": "43201"}, "Use at most 12 hours."),
        ({"name": "ok", "message_retention_period": "59"}, "Use at least 1 minute."),
        ({"name": "ok", "encryption": "sse-kms", "kms_master_key_id": ""}, "Enter the KMS key"),
        ({"name": "ok", "redrive_permission": "byQueue"}, "List at least one source queue ARN"),
        (
            {"name": "ok", "queue_type": "fifo", "fifo_throughput_limit": "perMessageGroupId"},
            "needs the Message group deduplication scope",
        ),
        ({"name": "ok", "tag_key_0": "aws:owner", "tag_value_0": "x"}, "reserved"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_created(
    client, operator_user, profile, raw_sqs, fields, message
):
    client.force_login(operator_user)
    response = create(client, profile, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert queue_names(raw_sqs) == set()


def test_a_standard_queue_cannot_use_a_fifo_dead_letter_queue(
    client, operator_user, profile, raw_sqs
):
    raw_sqs.create_queue(QueueName="dlq.fifo", Attributes={"FifoQueue": "true"})
    client.force_login(operator_user)
    response = create(client, profile, name="std", dead_letter_queue="dlq.fifo")
    assert "A Standard queue needs a Standard dead-letter queue." in response.content.decode()


def test_creating_a_name_that_exists_says_so(client, operator_user, profile, raw_sqs):
    raw_sqs.create_queue(QueueName="taken", Attributes={"VisibilityTimeout": "5"})
    client.force_login(operator_user)
    response = create(client, profile, name="taken")
    assert response.status_code == 400
    assert "A queue named taken already exists" in response.content.decode()
    assert attributes(raw_sqs, "taken")["VisibilityTimeout"] == "5"


def test_the_create_form_shows_defaults_and_units(client, operator_user, profile):
    client.force_login(operator_user)
    html = client.get(page_url("queue-create", profile)).content.decode()
    for text in (
        "Visibility timeout",
        "AWS default: 30 seconds",
        "AWS default: 4 days",
        "1 MiB (1,048,576 bytes)",
        "AWS default: 1 MiB",
        "Receive message wait time",
        "Dead-letter queue",
        "Redrive allow policy",
        "SSE-KMS",
        "Content-based deduplication",
        "FIFO throughput limit",
    ):
        assert text in html, text


def test_viewers_cannot_create(client, viewer_user, profile, raw_sqs):
    client.force_login(viewer_user)
    assert client.get(page_url("queue-create", profile)).status_code == 403
    assert create(client, profile, name="sneaky").status_code == 403
    assert queue_names(raw_sqs) == set()


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"name": "fresh"}, "fresh is available."),
        ({"name": "fresh", "queue_type": "fifo"}, "fresh.fifo is available."),
        ({"name": "bad name"}, "Use only letters"),
        ({"name": "existing"}, "A queue named existing already exists"),
    ],
)
def test_the_name_is_checked_while_typing(client, operator_user, profile, raw_sqs, params, text):
    raw_sqs.create_queue(QueueName="existing")
    client.force_login(operator_user)
    response = client.get(
        page_url("queue-name-check", profile), params, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.startswith('<p id="name-check"') and text in html


# Detail


@pytest.fixture
def orders(raw_sqs):
    raw_sqs.create_queue(QueueName="orders-dlq")
    url = raw_sqs.create_queue(
        QueueName="orders",
        Attributes={"RedrivePolicy": redrive(raw_sqs, "orders-dlq", 5), "VisibilityTimeout": "90"},
        tags={"team": "checkout"},
    )["QueueUrl"]
    for i in range(3):
        raw_sqs.send_message(QueueUrl=url, MessageBody=str(i))
    return url


def test_the_detail_page_shows_everything_about_a_queue(client, viewer_user, profile, orders):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-detail", profile, "orders")).content.decode()
    assert orders in html and f"arn:aws:sqs:us-east-1:{sqs_lanes.ACCOUNT}:orders" in html
    assert "1 minute 30 seconds" in html and "4 days" in html
    assert f'href="{page_url("queue-detail", profile, "orders-dlq")}"' in html
    assert "<dt>Maximum receives</dt><dd>5</dd>" in html
    assert "<dt>team</dt><dd>checkout</dd>" in html
    assert "<summary>Raw attributes" in html and '"VisibilityTimeout": "90"' in unescape(html)
    assert '<div class="count" id="count-available"><strong>3</strong>' in html


def test_viewers_see_no_buttons_they_cannot_use(
    client, viewer_user, operator_user, profile, orders
):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-detail", profile, "orders")).content.decode()
    assert ">Edit<" not in html and ">Purge<" not in html and ">Delete<" not in html
    client.force_login(operator_user)
    html = client.get(page_url("queue-detail", profile, "orders")).content.decode()
    assert ">Edit<" in html and ">Purge<" in html and ">Delete<" in html


def test_a_dead_letter_queue_lists_its_sources(client, viewer_user, profile, orders):
    client.force_login(viewer_user)
    html = client.get(page_url("queue-detail", profile, "orders-dlq")).content.decode()
    assert "Queues using this one as their dead-letter queue" in html
    assert f'<li><a href="{page_url("queue-detail", profile, "orders")}">orders</a></li>' in html


@pytest.mark.parametrize("view", ["queue-detail", "queue-edit", "queue-purge", "queue-delete"])
def test_a_queue_that_does_not_exist_is_a_clear_404(client, operator_user, profile, view):
    client.force_login(operator_user)
    response = client.get(page_url(view, profile, "ghost"))
    assert response.status_code == 404
    assert "Queue 'ghost' does not exist in this account and region" in unescape(
        response.content.decode()
    )


def test_live_counts_refresh_and_stop_when_the_queue_is_gone(
    client, viewer_user, profile, raw_sqs, orders
):
    client.force_login(viewer_user)
    url = page_url("queue-counts", profile, "orders")
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section class="card" id="queue-counts"')
    assert "<strong>3</strong> Messages available" in html
    raw_sqs.delete_queue(QueueUrl=orders)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 286 and "no longer exists" in response.content.decode()


# Edit


def test_edit_changes_attributes_and_tags(client, operator_user, profile, raw_sqs, orders):
    client.force_login(operator_user)
    form = client.get(page_url("queue-edit", profile, "orders")).content.decode()
    assert 'value="90"' in form and 'value="checkout"' in form
    response = client.post(
        page_url("queue-edit", profile, "orders"),
        {
            **FORM_DEFAULTS,
            "visibility_timeout": "120",
            "dead_letter_queue": "",
            "tag_key_0": "env",
            "tag_value_0": "prod",
        },
    )
    assert response.status_code == 302
    raw = attributes(raw_sqs, "orders")
    assert raw["VisibilityTimeout"] == "120" and not raw.get("RedrivePolicy")
    assert raw_sqs.list_queue_tags(QueueUrl=orders)["Tags"] == {"env": "prod"}
    event = AuditEvent.objects.get(action="edit_queue")
    assert event.parameters["attributes"]["VisibilityTimeout"] == "120"
    assert event.parameters["tags_removed"] == ["team"]


def test_the_edit_form_leaves_out_name_and_type_and_the_create_form_still_asks_for_them(
    client, operator_user, profile, orders
):
    # Every queue form shares its fields (SharedFieldsForm): leaving one out is the form's own.
    client.force_login(operator_user)
    for _ in range(2):
        edit = client.get(page_url("queue-edit", profile, "orders")).content.decode()
        assert 'id="id_name"' not in edit and 'id="id_queue_type_1"' not in edit
        create = client.get(page_url("queue-create", profile)).content.decode()
        assert 'id="id_name"' in create and 'id="id_queue_type_1"' in create


def test_edit_validates_like_create(client, operator_user, profile, raw_sqs, orders):
    client.force_login(operator_user)
    response = client.post(
        page_url("queue-edit", profile, "orders"),
        {**FORM_DEFAULTS, "receive_message_wait_time_seconds": "21"},
    )
    assert response.status_code == 400
    assert "Use at most 20 seconds." in response.content.decode()
    assert attributes(raw_sqs, "orders")["ReceiveMessageWaitTimeSeconds"] == "0"


# Purge


@sqs_lanes.purge_limit
def test_purge_states_the_loss_then_purges_and_a_second_purge_explains_the_wait(
    client, operator_user, profile, raw_sqs, orders
):
    client.force_login(operator_user)
    url = page_url("queue-purge", profile, "orders")
    assert "all 3 messages" in client.get(url).content.decode()
    refused = client.post(url, {"confirm_name": "order"})
    assert refused.status_code == 400
    assert "Type orders exactly to purge it." in refused.content.decode()
    assert attributes(raw_sqs, "orders")["ApproximateNumberOfMessages"] == "3"
    response = client.post(url, {"confirm_name": "orders"}, follow=True)
    assert "3 messages will be deleted" in response.content.decode()
    assert (
        raw_sqs.get_queue_attributes(
            QueueUrl=orders, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
        == "0"
    )
    again = client.post(url, {"confirm_name": "orders"})
    assert again.status_code == 409
    text = again.content.decode()
    assert "one purge per queue every 60 seconds" in text and "Try again in about" in text
    outcomes = list(
        AuditEvent.objects.filter(action="purge_queue").values_list("outcome", flat=True)
    )
    assert sorted(outcomes) == ["failure", "success"]


def test_viewers_cannot_purge(client, viewer_user, profile, raw_sqs, orders):
    client.force_login(viewer_user)
    assert client.post(page_url("queue-purge", profile, "orders")).status_code == 403
    assert attributes(raw_sqs, "orders")["ApproximateNumberOfMessages"] == "3"


# Delete


def test_delete_needs_the_typed_name(client, operator_user, profile, raw_sqs, orders):
    client.force_login(operator_user)
    url = page_url("queue-delete", profile, "orders")
    response = client.post(url, {"confirm_name": "order"})
    assert response.status_code == 400 and "Type orders exactly" in response.content.decode()
    assert "orders" in queue_names(raw_sqs)
    response = client.post(url, {"confirm_name": "orders"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == page_url("queue-list", profile)
    assert "SQS reserves the name for 60 seconds" in html
    assert "orders" not in queue_names(raw_sqs)
    assert 'data-queue="orders"' not in html and 'data-queue="orders-dlq"' in html
    assert AuditEvent.objects.filter(action="delete_queue", queue="orders").exists()


def test_a_malformed_queue_name_in_the_url_is_a_404(client, viewer_user, profile):
    client.force_login(viewer_user)
    response = client.get(page_url("queue-detail", profile, "no spaces!"))
    assert response.status_code == 404
    assert "is not a queue name" in response.content.decode()


def test_an_unreachable_endpoint_on_a_queue_page_explains_instead_of_failing(
    client, viewer_user, profile, settings
):
    settings.AWS_MAX_ATTEMPTS = 1
    profile.endpoint_url = "http://127.0.0.1:9"
    profile.save()
    client.force_login(viewer_user)
    response = client.get(page_url("queue-detail", profile, "orders"))
    assert response.status_code == 503
    assert "the SQS endpoint cannot be reached" in response.content.decode()


@sqs_lanes.keeps_redrive_allow_policy
def test_a_redrive_allow_policy_is_kept_and_saving_it_unchanged_changes_nothing(
    client, operator_user, profile, raw_sqs, sqs, orders
):
    source_arn = attributes(raw_sqs, "orders")["QueueArn"]
    client.force_login(operator_user)
    response = create(
        client,
        profile,
        name="guarded-dlq",
        redrive_permission="byQueue",
        redrive_source_arns=source_arn,
    )
    assert response.status_code == 302
    policy = json.loads(attributes(raw_sqs, "guarded-dlq")["RedriveAllowPolicy"])
    assert policy == {"redrivePermission": "byQueue", "sourceQueueArns": [source_arn]}
    detail = client.get(page_url("queue-detail", profile, "guarded-dlq")).content.decode()
    assert "Only the listed queues may use this as their dead-letter queue" in detail
    # The edit form as it comes, saved at once: SQS's spelling of the policy is no change.
    shown = QueueForm(queue=sqs.get_queue("guarded-dlq"), queue_names=[])
    fields = {n: shown[n].value() for n in shown.fields if shown[n].value() is not None}
    saved = client.post(page_url("queue-edit", profile, "guarded-dlq"), fields, follow=True)
    assert "Nothing changed." in saved.content.decode()
    assert AuditEvent.objects.get(action="edit_queue").parameters["attributes"] == {}


def test_the_edit_form_offers_only_dead_letter_queues_of_the_same_type(
    client, operator_user, profile, raw_sqs, orders
):
    raw_sqs.create_queue(QueueName="other.fifo", Attributes={"FifoQueue": "true"})
    client.force_login(operator_user)
    html = client.get(page_url("queue-edit", profile, "orders")).content.decode()
    assert 'value="orders-dlq"' in html and 'value="other.fifo"' not in html
    assert '<option value="orders"' not in html  # not itself


def test_any_queue_of_a_large_account_can_be_chosen_as_dead_letter_queue(
    client, operator_user, profile, raw_sqs
):
    # More queues than one ListQueues page suggests: the one made last is found by prefix.
    for i in range(1001):
        raw_sqs.create_queue(QueueName=f"bulk-{i:04d}")
    raw_sqs.create_queue(QueueName="zz-late-dlq")
    client.force_login(operator_user)
    first_page = client.get(page_url("queue-create", profile)).content.decode()
    assert 'value="zz-late-dlq"' not in first_page
    found = client.get(
        page_url("dead-letter-options", profile),
        {"dead_letter_queue": "zz-la", "queue_type": "standard"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert '<option value="zz-late-dlq"' in found and "bulk-" not in found
    response = create(client, profile, name="late-source", dead_letter_queue="zz-late-dlq")
    assert response.status_code == 302
    policy = json.loads(attributes(raw_sqs, "late-source")["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith(":zz-late-dlq")


def test_a_dead_letter_queue_can_be_given_by_arn_of_this_account_only(
    client, operator_user, profile, raw_sqs
):
    raw_sqs.create_queue(QueueName="arn-dlq")
    arn = attributes(raw_sqs, "arn-dlq")["QueueArn"]
    client.force_login(operator_user)
    assert create(client, profile, name="by-arn", dead_letter_queue=arn).status_code == 302
    elsewhere = arn.replace(arn.split(":")[4], "999999999999")
    response = create(client, profile, name="by-other-arn", dead_letter_queue=elsewhere)
    assert response.status_code == 400
    assert "must be in the same account and region" in response.content.decode()


def test_deleting_a_dead_letter_queue_warns_about_its_sources(
    client, operator_user, profile, orders
):
    client.force_login(operator_user)
    html = client.get(page_url("queue-delete", profile, "orders-dlq")).content.decode()
    assert "1 queue uses this queue as its dead-letter queue: orders." in html


def test_encryption_switches_from_kms_back_to_sqs_managed_keys(
    client, operator_user, profile, raw_sqs, orders
):
    client.force_login(operator_user)
    url = page_url("queue-edit", profile, "orders")
    common = {**FORM_DEFAULTS, "visibility_timeout": "90", "dead_letter_queue": "orders-dlq"}
    kms = {"encryption": "sse-kms", "kms_master_key_id": "alias/team-key"}
    assert client.post(url, {**common, **kms}).status_code == 302
    assert attributes(raw_sqs, "orders")["KmsMasterKeyId"] == "alias/team-key"
    assert client.post(url, {**common, "encryption": "sse-sqs"}).status_code == 302
    raw = attributes(raw_sqs, "orders")
    assert not raw.get("KmsMasterKeyId") and raw["SqsManagedSseEnabled"] == "true"
    html = client.get(page_url("queue-detail", profile, "orders")).content.decode()
    assert "<dt>Encryption</dt><dd>SSE-SQS</dd>" in html


@pytest.mark.parametrize("view", ["queue-edit", "queue-delete"])
def test_viewers_cannot_edit_or_delete(client, viewer_user, profile, raw_sqs, orders, view):
    client.force_login(viewer_user)
    url = page_url(view, profile, "orders")
    assert client.get(url).status_code == 403
    response = client.post(url, {**FORM_DEFAULTS, "confirm_name": "orders"})
    assert response.status_code == 403
    assert "orders" in queue_names(raw_sqs)
    assert attributes(raw_sqs, "orders")["VisibilityTimeout"] == "90"
