"""Every auth mode reaches moto's STS and SQS over HTTP; temporary credentials refresh in time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from queues.models import AuthMode, AwsProfile
from queues.profiles import credentials
from queues.sqs import AccessDenied

from .pki import ACCOUNT, RA_PROFILE_ARN, ROLE_ARN, TRUST_ANCHOR_ARN, issue, roles_anywhere_values

REGION = "us-east-1"


def _assume_role_profile(endpoint: str, **overrides) -> AwsProfile:
    values = {
        "name": "Ops role",
        "slug": "ops-role",
        "auth_mode": AuthMode.ASSUME_ROLE,
        "source_mode": AuthMode.STATIC,
        "access_key_id": "AKIABASEKEY000000001",
        "secret_access_key": "base-secret",
        "role_arn": ROLE_ARN,
        "role_session_name": "dashboard",
        "duration_seconds": 900,
        "external_id": "ext-4242",
        "endpoint_url": endpoint,
        "region": REGION,
    }
    values.update(overrides)
    return AwsProfile.objects.create(**values)


def _roles_anywhere_profile(endpoint: str, cert, passphrase: str = "", **overrides) -> AwsProfile:
    return AwsProfile.objects.create(
        **{
            **roles_anywhere_values(cert, passphrase),
            "slug": "workload",
            "private_key_passphrase": passphrase,
            "duration_seconds": 3600,
            "role_session_name": "workload-1",
            "endpoint_url": endpoint,
            "region": REGION,
            **overrides,
        }
    )


def test_static_keys_reach_sts_and_sqs(profile, raw_sqs):
    raw_sqs.create_queue(QueueName="orders")
    check = credentials.check_profile(profile)
    assert check.ok, check.reason
    assert check.account == ACCOUNT
    assert check.arn.startswith("arn:aws:")
    assert check.latency_ms >= 0
    assert credentials.sqs_for(profile, REGION).list_queues().names == ("orders",)


def test_the_default_chain_uses_the_servers_environment(db, sqs_endpoint, raw_sqs):
    raw_sqs.create_queue(QueueName="from-env")
    chain = AwsProfile.objects.create(
        name="Chain", slug="chain", auth_mode=AuthMode.DEFAULT_CHAIN, endpoint_url=sqs_endpoint
    )
    assert credentials.check_profile(chain).ok
    client = credentials.client_for(chain, REGION)
    assert client._request_signer._credentials.access_key == "testing"  # from the environment
    assert credentials.sqs_for(chain, REGION).list_queues().names == ("from-env",)


def test_an_empty_default_chain_is_a_clear_reason(db, sqs_endpoint, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    chain = AwsProfile.objects.create(
        name="Chain", slug="chain", auth_mode=AuthMode.DEFAULT_CHAIN, endpoint_url=sqs_endpoint
    )
    check = credentials.check_profile(chain)
    assert not check.ok
    assert "No credentials" in check.reason


def test_assume_role_calls_sts_with_the_profiles_settings(db, sqs_endpoint, raw_sqs):
    raw_sqs.create_queue(QueueName="billing")
    role = _assume_role_profile(sqs_endpoint)
    check = credentials.check_profile(role)
    assert check.ok, check.reason
    assert check.arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/sqs-operators/dashboard"
    client = credentials.client_for(role, REGION)
    assert credentials.sqs_for(role, REGION).list_queues().names == ("billing",)
    # The SQS client signs with the role's temporary keys, not the base keys (AWS and moto start
    # temporary key IDs with ASIA, LocalStack with LSIA).
    frozen = client._request_signer._credentials.get_frozen_credentials()
    assert frozen.access_key[:4] in {"ASIA", "LSIA"}
    assert frozen.token


def test_assume_role_on_top_of_the_default_chain(db, sqs_endpoint):
    role = _assume_role_profile(
        sqs_endpoint, source_mode=AuthMode.DEFAULT_CHAIN, access_key_id="", secret_access_key=""
    )
    check = credentials.check_profile(role)
    assert check.ok, check.reason
    assert "assumed-role/sqs-operators" in check.arn


def test_clients_of_one_profile_share_one_assumed_role(db, sqs_endpoint):
    role = _assume_role_profile(sqs_endpoint)
    sqs = credentials.client_for(role, REGION)
    sts = credentials.client_for(role, REGION, "sts")
    assert sqs._request_signer._credentials is sts._request_signer._credentials
    role.role_session_name = "renamed"
    role.save()
    renamed = credentials.client_for(role, REGION)
    assert renamed._request_signer._credentials is not sqs._request_signer._credentials


def test_assumed_role_credentials_refresh_before_they_expire(db, sqs_endpoint):
    role = _assume_role_profile(sqs_endpoint, duration_seconds=900)
    temporary = credentials.temporary_credentials(role)
    first = temporary.get_frozen_credentials()
    expiry = temporary._expiry_time
    assert dt.timedelta(seconds=850) < expiry - dt.datetime.now(dt.UTC) <= dt.timedelta(seconds=900)
    # Ten minutes later the same credentials are still used: no AssumeRole per call.
    temporary._time_fetcher = lambda: expiry - dt.timedelta(seconds=300)
    assert temporary.get_frozen_credentials().access_key == first.access_key
    # Within the last 5 minutes of a 15-minute session they are replaced before they lapse.
    temporary._time_fetcher = lambda: expiry - dt.timedelta(seconds=120)
    renewed = temporary.get_frozen_credentials()
    assert renewed.access_key != first.access_key
    assert temporary._expiry_time > expiry - dt.timedelta(seconds=1)


def test_a_role_without_an_arn_is_reported(db, sqs_endpoint):
    role = _assume_role_profile(sqs_endpoint, role_arn="")
    with pytest.raises(credentials.ProfileNotUsable, match="no role ARN"):
        credentials.client_for(role, REGION)
    assert "no role ARN" in credentials.check_profile(role).reason


def test_roles_anywhere_signs_create_session_and_uses_its_credentials(
    db, sqs_endpoint, raw_sqs, fake_rolesanywhere, client_cert
):
    raw_sqs.create_queue(QueueName="edge")
    workload = _roles_anywhere_profile(sqs_endpoint, client_cert)
    check = credentials.check_profile(workload)
    assert check.ok, check.reason
    assert fake_rolesanywhere.failures == []
    [session] = fake_rolesanywhere.sessions
    assert session["algorithm"] == "AWS4-X509-RSA-SHA256"
    assert {"host", "x-amz-date", "x-amz-x509", "content-type"} <= set(session["signed_headers"])
    assert session["scope"].endswith("/us-east-1/rolesanywhere/aws4_request")
    assert session["body"] == {
        "durationSeconds": 3600,
        "profileArn": RA_PROFILE_ARN,
        "roleArn": ROLE_ARN,
        "trustAnchorArn": TRUST_ANCHOR_ARN,
        "roleSessionName": "workload-1",
    }
    assert credentials.sqs_for(workload, REGION).list_queues().names == ("edge",)
    frozen = credentials.temporary_credentials(workload).get_frozen_credentials()
    assert frozen.access_key.startswith("ASIA") and frozen.token


def test_roles_anywhere_with_an_encrypted_ec_key_and_a_chain(
    db, sqs_endpoint, fake_rolesanywhere, test_ca
):
    ec_cert = issue(test_ca, "ec-workload", kind="ec")
    workload = _roles_anywhere_profile(
        sqs_endpoint,
        ec_cert,
        passphrase="open sesame",
        certificate_chain_pem=test_ca.certificate_pem,
    )
    check = credentials.check_profile(workload)
    assert check.ok, check.reason
    [session] = fake_rolesanywhere.sessions
    assert session["algorithm"] == "AWS4-X509-ECDSA-SHA256"
    assert "x-amz-x509-chain" in session["signed_headers"]


def test_roles_anywhere_refusal_is_a_clear_reason(db, sqs_endpoint, fake_rolesanywhere):
    from .pki import make_ca

    stranger = issue(make_ca("someone else's CA"), "intruder")
    workload = _roles_anywhere_profile(sqs_endpoint, stranger)
    check = credentials.check_profile(workload)
    assert not check.ok
    assert "CreateSession failed (HTTP 403)" in check.reason
    assert "not issued by the trust anchor" in check.reason
    with pytest.raises(AccessDenied, match="CreateSession failed"):
        credentials.sqs_for(workload, REGION).list_queues()


def test_roles_anywhere_with_a_wrong_passphrase_is_reported(db, sqs_endpoint, client_cert):
    workload = _roles_anywhere_profile(
        sqs_endpoint, client_cert, passphrase="right", private_key_passphrase="wrong"
    )
    check = credentials.check_profile(workload)
    assert not check.ok
    assert "cannot sign IAM Roles Anywhere requests" in check.reason


def test_an_unreachable_endpoint_is_named(db):
    # Nothing listens on port 9 (discard) of 127.0.0.1 here.
    dead = AwsProfile.objects.create(
        name="Dead",
        slug="dead",
        access_key_id="AKIADEAD",
        secret_access_key="s",
        endpoint_url="http://127.0.0.1:9",
    )
    check = credentials.check_profile(dead)
    assert not check.ok
    assert check.reason.startswith("Endpoint unreachable")


def test_no_secret_is_stored_in_plain_text(db, sqs_endpoint, client_cert):
    secrets = {
        "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLAINTEXT",
        "session_token": "IQoJb3JpZ2luX2VjEPLAINTOKEN",
        "private_key_pem": client_cert.key_pem("hunter2-passphrase"),
        "private_key_passphrase": "hunter2-passphrase",
    }
    stored = AwsProfile.objects.create(name="Secretive", slug="secretive", **secrets)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM queues_awsprofile WHERE id = %s", [stored.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    for value in secrets.values():
        assert value not in row
    assert "PRIVATE KEY" not in row
    assert "hunter2" not in row
    reloaded = AwsProfile.objects.get(pk=stored.pk)
    assert {name: getattr(reloaded, name) for name in secrets} == secrets


# CloudTrail shows the person.


def _caller(profile: AwsProfile, user: str) -> str:
    sts = credentials.client_for(profile, REGION, "sts", user=user)
    return sts.get_caller_identity()["Arn"]


def test_a_profile_that_identifies_the_user_assumes_the_role_as_them(db, sqs_endpoint):
    role = _assume_role_profile(sqs_endpoint, identify_user=True)
    assert _caller(role, "alice.admin") == (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/sqs-operators/alice.admin"
    )
    # Each user has credentials of their own; a name STS would refuse is made acceptable.
    assert _caller(role, "o'brien smith").endswith("/o-brien-smith")
    assert _caller(role, "x").endswith("/x-")
    assert _caller(role, "alice.admin").endswith("/alice.admin")
    # Without the switch, everybody shares the profile's own session.
    role.identify_user = False
    role.save()
    assert _caller(role, "alice.admin").endswith("/dashboard")
    assert _caller(role, "bob").endswith("/dashboard")


def test_assume_role_sends_the_user_as_source_identity(db, sqs_endpoint, monkeypatch):
    from botocore.client import BaseClient

    sent: list[dict] = []
    real = BaseClient._make_api_call

    def capture(self, operation, params):
        if operation == "AssumeRole":
            sent.append(params)
        return real(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", capture)
    role = _assume_role_profile(sqs_endpoint, identify_user=True)
    _caller(role, "alice.admin")
    assert [(p["RoleSessionName"], p["SourceIdentity"]) for p in sent] == [
        ("alice.admin", "alice.admin")
    ]


def test_the_dashboard_works_in_the_role_as_the_signed_in_user(
    client, operator_user, sqs_endpoint, raw_sqs
):
    raw_sqs.create_queue(QueueName="orders")
    role = _assume_role_profile(sqs_endpoint, identify_user=True)
    role.grant_default_access()
    client.force_login(operator_user)
    page = client.get(f"/p/{role.slug}/{REGION}/queues/")
    assert page.status_code == 200 and "orders" in page.content.decode()
    # The credentials the page used are the operator's own session.
    frozen = credentials.temporary_credentials(role, "oscar-operator").get_frozen_credentials()
    sts = credentials.boto3.client(
        "sts",
        endpoint_url=sqs_endpoint,
        region_name=REGION,
        aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key,
        aws_session_token=frozen.token,
    )
    assert sts.get_caller_identity()["Arn"].endswith("/oscar-operator")


def test_roles_anywhere_names_the_user_as_the_session(
    db, sqs_endpoint, fake_rolesanywhere, client_cert
):
    workload = _roles_anywhere_profile(sqs_endpoint, client_cert, identify_user=True)
    credentials.sqs_for(workload, REGION, user="vera-viewer").list_queues()
    assert fake_rolesanywhere.sessions[-1]["body"]["roleSessionName"] == "vera-viewer"
