"""One set of profile rules: the form, the model's full_clean() and the import refuse the same
values with the same words."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from queues.models import AuthMode, AwsProfile
from queues.profiles.validation import validate_endpoint_url, validate_profile
from tests.helpers import form_errors

from .pki import ROLE_ARN, issue, roles_anywhere_values

CREATE = reverse("profiles:create")

# A role assumed on top of static keys: every field the rules look at has a value.
ROLE = {
    "name": "Role",
    "auth_mode": AuthMode.ASSUME_ROLE,
    "source_mode": AuthMode.STATIC,
    "region": "eu-west-1",
    "endpoint_url": "http://localstack:4566",
    "access_key_id": "AKIAROLE000000000001",
    "secret_access_key": "role-secret-value-1234",
    "role_arn": ROLE_ARN,
    "role_session_name": "importer",
    "duration_seconds": 1800,
    "external_id": "ext-77",
}


@pytest.fixture(autouse=True)
def localstack_is_allowed(settings):
    """ROLE's endpoint is a compose network's LocalStack, listed as an install would list it."""
    settings.PROFILE_ENDPOINT_HOSTS = ["localstack"]


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def _form_errors(admin, values: dict) -> dict[str, list[str]]:
    response = admin.post(CREATE, values)
    assert response.status_code == 200, "the form accepted it"
    return form_errors(response.content.decode())


def _model_errors(values: dict) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        AwsProfile(slug="role", **values).full_clean()
    return refused.value.message_dict


def _import(tmp_path: Path, values: dict) -> str:
    """Import `values` as the AWS files would spell them: a role on a source profile's keys."""
    config = tmp_path / "config"
    config.write_text(
        f"[profile {values['name']}]\n"
        f"role_arn = {values['role_arn']}\n"
        "source_profile = base\n"
        f"role_session_name = {values['role_session_name']}\n"
        f"duration_seconds = {values['duration_seconds']}\n"
        f"external_id = {values['external_id']}\n"
        f"region = {values['region']}\n"
        f"endpoint_url = {values['endpoint_url']}\n"
        "[profile base]\n"
        f"aws_access_key_id = {values['access_key_id']}\n"
        f"aws_secret_access_key = {values['secret_access_key']}\n"
    )
    out = StringIO()
    call_command(
        "import_aws_profiles",
        "--config-file",
        str(config),
        "--credentials-file",
        str(tmp_path / "none"),
        "--profile",
        values["name"],
        stdout=out,
    )
    return out.getvalue()


def test_a_valid_profile_passes_everywhere(admin, tmp_path):
    AwsProfile(slug="role", **ROLE).full_clean()
    assert "Created 'Role'" in _import(tmp_path, ROLE)
    # A host without a dot is fine: Django's URLValidator would refuse it, the rules do not.
    assert AwsProfile.objects.get(name="Role").endpoint_url == "http://localstack:4566"


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        (
            "role_arn",
            "arn:aws:iam::123456789012:user/bob",
            "This is not an IAM role ARN (arn:aws:iam::123456789012:role/name).",
        ),
        ("duration_seconds", 50000, "Use at most 12 hours (43,200 seconds)."),
        ("region", "moon", "'moon' is not an AWS region name (like eu-west-1)."),
        ("endpoint_url", "ftp://127.0.0.1:21", "Use an http:// or https:// URL with a host name."),
        ("endpoint_url", "http://localstack:port", "The port in this URL is not a number."),
        (
            "endpoint_url",
            "http://169.254.169.254/latest",
            "169.254.169.254 is the instance metadata service, never an SQS endpoint.",
        ),
        (
            "endpoint_url",
            "http://sqs.example.com:4566",
            "sqs.example.com is not an AWS endpoint (*.amazonaws.com, *.amazonaws.com.cn, "
            "*.api.aws) nor this machine; an administrator can allow it in PROFILE_ENDPOINT_HOSTS.",
        ),
        (
            "role_session_name",
            "has space",
            "This is not a session name (2 to 64 letters, digits or +=,.@_-).",
        ),
        (
            "external_id",
            "x",
            "This is not an external ID (2 to 1,224 letters, digits or +=,.@:/_-).",
        ),
        ("name", "n" * 65, "Ensure this value has at most 64 characters (it has 65)."),
        ("name", "!!!", "Use at least one letter or digit in the name."),
    ],
)
def test_the_form_the_model_and_the_import_refuse_alike(admin, tmp_path, field, bad, message):
    values = {**ROLE, field: bad}
    # Each says it once: the form's own checks and the model's rules do not both report it.
    assert _form_errors(admin, values) == {field: [message]}
    assert _model_errors(values) == {field: [message]}
    out = _import(tmp_path, values)
    assert f"Skipped {values['name']!r}: its {field}: {message}" in out
    assert not AwsProfile.objects.exists()


def test_a_field_the_form_refuses_is_not_judged_again_by_its_stale_value(admin):
    # Too long for its column, the ARN never reaches the instance, which keeps its blank
    # default: the model's rules must not add "This mode needs this field." about it.
    too_long = ROLE_ARN + "x" * 2048
    errors = _form_errors(admin, {**ROLE, "role_arn": too_long, "duration_seconds": "soon"})
    assert errors == {
        "role_arn": [f"Ensure this value has at most 2048 characters (it has {len(too_long)})."],
        "duration_seconds": ["Enter a number, such as 4 (and pick its unit)."],
    }


def test_each_mode_needs_its_own_fields_in_the_model_too(db):
    static = {"name": "Keys", "auth_mode": AuthMode.STATIC, "region": "us-east-1"}
    assert _model_errors(static) == {
        "access_key_id": ["This mode needs this field."],
        "secret_access_key": ["This mode needs this field."],
    }
    # The default chain needs nothing; a role on it needs no keys.
    AwsProfile(slug="chain", **{**static, "auth_mode": AuthMode.DEFAULT_CHAIN}).full_clean()
    chain_role = {**ROLE, "source_mode": AuthMode.DEFAULT_CHAIN, "access_key_id": ""}
    AwsProfile(slug="role", **{**chain_role, "secret_access_key": ""}).full_clean()


def test_roles_anywhere_key_checks_are_the_models_too(db, client_cert, test_ca):
    values = roles_anywhere_values(client_cert)
    AwsProfile(slug="workload", **values).full_clean()
    other = issue(test_ca, "someone-else").key_pem()
    assert _model_errors({**values, "private_key_pem": other}) == {
        "private_key_pem": ["This key does not match the certificate."]
    }
    assert _model_errors({**values, "private_key_pem": client_cert.key_pem("pw")}) == {
        "private_key_passphrase": ["This key is encrypted: enter its passphrase."]
    }


def test_plain_values_are_checked_like_a_profile():
    # For callers holding values rather than an AwsProfile; column limits are full_clean's.
    validate_profile(ROLE)
    with pytest.raises(ValidationError) as refused:
        validate_profile({**ROLE, "duration_seconds": 60, "access_key_id": ""})
    assert refused.value.message_dict == {
        "duration_seconds": ["Use at least 15 minutes (900 seconds)."],
        "access_key_id": ["This mode needs this field."],
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://sqs.eu-west-1.amazonaws.com",
        "https://sqs.cn-north-1.amazonaws.com.cn",
        "https://sqs.eu-west-1.api.aws",
        "https://vpce-0abc-xyz.sqs.eu-west-1.vpce.amazonaws.com",
        "http://localhost:4566",
        "http://127.0.0.1:9324",
        "http://[::1]:4566",
        "http://localstack:4566",  # listed in PROFILE_ENDPOINT_HOSTS
    ],
)
def test_aws_this_machine_and_listed_hosts_are_allowed(url):
    validate_endpoint_url(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254", "instance metadata"),
        ("http://[fd00:ec2::254]", "instance metadata"),
        ("http://[::ffff:169.254.169.254]", "instance metadata"),
        ("http://169.254.170.2/v2/credentials", "link-local"),
        ("http://[fe80::1]:80", "link-local"),
        ("http://amazonaws.com.evil.example", "not an AWS endpoint"),
        ("http://sqs.amazonaws.com.evil.example", "not an AWS endpoint"),
        ("http://10.0.0.5:4566", "not an AWS endpoint"),
    ],
)
def test_other_hosts_and_metadata_addresses_are_refused(url, reason):
    with pytest.raises(ValidationError) as refused:
        validate_endpoint_url(url)
    assert reason in refused.value.messages[0]


def test_listed_hosts_take_wildcards_but_never_allow_metadata(settings):
    settings.PROFILE_ENDPOINT_HOSTS = ["*.internal.example", "169.254.169.254"]
    validate_endpoint_url("https://sqs.internal.example")
    with pytest.raises(ValidationError):
        validate_endpoint_url("https://internal.example.evil")
    with pytest.raises(ValidationError, match="metadata"):
        validate_endpoint_url("http://169.254.169.254")
