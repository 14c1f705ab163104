"""`manage.py import_aws_profiles` reads shared AWS config and credentials files."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from queues.models import AuditEvent, AuthMode, AwsProfile
from queues.profiles import credentials

CONFIG = """\
[default]
region = eu-west-1

[profile dev]
region = eu-central-1
endpoint_url = {endpoint}

[profile ops]
role_arn = arn:aws:iam::123456789012:role/ops
source_profile = dev
role_session_name = importer
duration_seconds = 1800
external_id = ext-77
endpoint_url = {endpoint}

[profile ci]
role_arn = arn:aws:iam::123456789012:role/ci
credential_source = Environment
region = us-west-2

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
"""

CREDENTIALS = """\
[default]
aws_access_key_id = AKIADEFAULT000000001
aws_secret_access_key = default-secret-value

[dev]
aws_access_key_id = AKIADEV0000000000001
aws_secret_access_key = dev-secret-value-1234
aws_session_token = dev-session-token
"""


@pytest.fixture
def aws_files(tmp_path: Path, sqs_endpoint: str) -> tuple[Path, Path]:
    config, creds = tmp_path / "config", tmp_path / "credentials"
    config.write_text(CONFIG.format(endpoint=sqs_endpoint))
    creds.write_text(CREDENTIALS)
    return config, creds


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_aws_profiles", *args, stdout=out)
    return out.getvalue()


def _files(aws_files) -> list[str]:
    return ["--config-file", str(aws_files[0]), "--credentials-file", str(aws_files[1])]


def test_a_dry_run_says_what_it_would_create_and_creates_nothing(db, aws_files):
    out = _run(*_files(aws_files), "--dry-run")
    assert "Would create 'dev': static keys AKIA…0001 with a session token, eu-central-1" in out
    assert "Would create 'ops': assume role arn:aws:iam::123456789012:role/ops with static" in out
    assert (
        "Would create 'ci': assume role arn:aws:iam::123456789012:role/ci with the default" in out
    )
    assert "Would create 'default': static keys" in out
    assert "Skipped 'sso': it uses AWS IAM Identity Center (SSO)" in out
    assert "4 profile(s) would be created, 1 skipped." in out
    assert "secret-value" not in out and "session-token" not in out
    assert not AwsProfile.objects.exists()


def test_it_maps_static_keys_roles_endpoints_and_regions(db, aws_files):
    _run(*_files(aws_files))
    dev = AwsProfile.objects.get(name="dev")
    assert (dev.auth_mode, dev.region, dev.endpoint_url) == (
        AuthMode.STATIC,
        "eu-central-1",
        aws_files[0].read_text().split("endpoint_url = ")[1].split("\n")[0],
    )
    assert (dev.access_key_id, dev.secret_access_key, dev.session_token) == (
        "AKIADEV0000000000001",
        "dev-secret-value-1234",
        "dev-session-token",
    )
    ops = AwsProfile.objects.get(name="ops")
    assert ops.auth_mode == AuthMode.ASSUME_ROLE and ops.source_mode == AuthMode.STATIC
    assert ops.access_key_id == "AKIADEV0000000000001"
    assert ops.secret_access_key == "dev-secret-value-1234"
    assert (ops.role_session_name, ops.duration_seconds, ops.external_id) == (
        "importer",
        1800,
        "ext-77",
    )
    assert ops.region == "eu-central-1"  # from the source profile
    ci = AwsProfile.objects.get(name="ci")
    assert (ci.source_mode, ci.region, ci.access_key_id) == (
        AuthMode.DEFAULT_CHAIN,
        "us-west-2",
        "",
    )
    assert AwsProfile.objects.get(name="default").region == "eu-west-1"
    # The imported role works against the server in the files.
    check = credentials.check_profile(ops)
    assert check.ok, check.reason
    assert check.arn.endswith("assumed-role/ops/importer")


def test_each_created_profile_is_audited_as_coming_from_the_command_line(
    db, aws_files, monkeypatch, sqs_endpoint
):
    for variable in ("LOGNAME", "USER"):  # what getpass.getuser() reads first
        monkeypatch.setenv(variable, "alice")
    _run(*_files(aws_files), "--profile", "dev", "--profile", "sso")
    event = AuditEvent.objects.get()  # none for the skipped profile
    assert (event.action, event.outcome, event.user) == ("create_profile", "success", None)
    assert event.username == "alice (manage.py import_aws_profiles)"
    assert event.profile == AwsProfile.objects.get(name="dev") and event.profile_name == "dev"
    # The settings the web page records, and no secret.
    assert event.parameters == {
        "name": "dev",
        "slug": "dev",
        "auth_mode": "static",
        "region": "eu-central-1",
        "endpoint_url": sqs_endpoint,
        "is_production": False,
        # Imported profiles get the access every profile had before per-profile grants.
        "may_view": ["Operators", "Viewers"],
        "may_operate": ["Operators"],
    }


def test_a_dry_run_audits_nothing(db, aws_files):
    _run(*_files(aws_files), "--dry-run")
    assert not AuditEvent.objects.exists()


def test_chosen_profiles_only_and_existing_names_are_skipped(db, aws_files):
    AwsProfile.objects.create(
        name="dev", slug="dev", access_key_id="AKIAKEEP", secret_access_key="k"
    )
    out = _run(*_files(aws_files), "--profile", "dev", "--profile", "ci")
    assert "Skipped 'dev': a profile with this name already exists." in out
    assert "Created 'ci'" in out
    assert sorted(AwsProfile.objects.values_list("name", flat=True)) == ["ci", "dev"]
    assert AwsProfile.objects.get(name="dev").access_key_id == "AKIAKEEP"


def test_an_unknown_profile_name_is_an_error(db, aws_files):
    with pytest.raises(CommandError, match="No profile named 'nope'"):
        _run(*_files(aws_files), "--profile", "nope")


def test_paths_come_from_the_aws_environment_variables(db, aws_files, monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_files[0]))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws_files[1]))
    out = _run("--dry-run", "--profile", "dev")
    assert "Would create 'dev'" in out


def test_missing_files_are_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="Neither"):
        _run("--config-file", str(tmp_path / "a"), "--credentials-file", str(tmp_path / "b"))


def test_a_role_without_a_usable_source_is_skipped_with_the_reason(db, tmp_path):
    config = tmp_path / "config"
    config.write_text(
        "[profile lost]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = gone\n"
        "[profile bad]\nregion = moon\naws_access_key_id = A\naws_secret_access_key = B\n"
    )
    out = _run("--config-file", str(config), "--credentials-file", str(tmp_path / "none"))
    assert "Skipped 'lost': its source_profile 'gone' is not in the files." in out
    # The profile form's words for the same mistake.
    assert "Skipped 'bad': its region: 'moon' is not an AWS region name (like eu-west-1)." in out
