"""Credential profiles: what the client cache saves, what an assumed role costs once its
credentials are cached, and "Test connection" over HTTP against the same calls in raw boto3."""

from __future__ import annotations

import boto3

from bench.harness import REGION, Bench, Row, best_of

TITLE = "Credential profiles: cached clients, assumed roles, Test connection (moto server)"
CALLS = 50
LOOKUPS = 200


def _raw_session(bench: Bench) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="AKIABENCH", aws_secret_access_key="bench-secret", region_name=REGION
    )


def run(bench: Bench) -> list[Row]:
    from queues.models import AuthMode, AwsProfile
    from queues.profiles import credentials

    bench.raw_sqs.create_queue(QueueName="bench-profiles")
    role = AwsProfile.objects.create(
        name="Bench role",
        slug="bench-role",
        auth_mode=AuthMode.ASSUME_ROLE,
        source_mode=AuthMode.STATIC,
        access_key_id="AKIABENCH",
        secret_access_key="bench-secret",
        role_arn="arn:aws:iam::123456789012:role/bench",
        duration_seconds=900,
        endpoint_url=bench.sqs_endpoint,
        region=REGION,
    )
    rows = []

    def raw_calls() -> None:
        for _ in range(CALLS):
            bench.raw_sqs.list_queues(MaxResults=1)

    def through(profile: AwsProfile):
        def calls() -> None:
            for _ in range(CALLS):
                credentials.client_for(profile, REGION).list_queues(MaxResults=1)

        return calls

    credentials.client_for(bench.profile, REGION)  # warm, as a running server is
    rows.append(
        Row(
            f"ListQueues x{CALLS}, static profile via client_for",
            best_of(through(bench.profile)),
            best_of(raw_calls),
            "<= 1.15",
        )
    )
    credentials.client_for(role, REGION).list_queues(MaxResults=1)  # one AssumeRole, cached
    rows.append(
        Row(
            f"ListQueues x{CALLS}, assumed role (900 s) via client_for",
            best_of(through(role)),
            best_of(raw_calls),
            "<= 1.25",
        )
    )

    def cached_lookups() -> None:
        for _ in range(LOOKUPS):
            credentials.client_for(bench.profile, REGION)

    def new_clients() -> None:
        for _ in range(LOOKUPS // 10):  # scaled back up below: building is slow
            _raw_session(bench).client("sqs", endpoint_url=bench.sqs_endpoint)

    rows.append(
        Row(
            f"{LOOKUPS} client lookups: cache vs a new Session+client each",
            best_of(cached_lookups),
            best_of(new_clients) * 10,
            "<= 0.05",
        )
    )

    token = bench.http.cookies["csrftoken"]
    test_url = bench.url(f"/profiles/{bench.profile.slug}/test/")

    def dashboard_test() -> None:
        response = bench.http.post(
            test_url, headers={"X-CSRFToken": token, "HX-Request": "true"}, timeout=30
        )
        response.raise_for_status()
        assert "Connected" in response.text, response.text

    def raw_test() -> None:
        session = _raw_session(bench)
        session.client("sts", endpoint_url=bench.sqs_endpoint).get_caller_identity()
        session.client("sqs", endpoint_url=bench.sqs_endpoint).list_queues(MaxResults=1)

    rows.append(
        Row(
            "Test connection over HTTP vs STS+SQS from a fresh session",
            best_of(dashboard_test, repeat=5),
            best_of(raw_test, repeat=5),
            "<= 1.5",
        )
    )
    return rows
