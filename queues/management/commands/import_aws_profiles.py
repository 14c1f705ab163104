"""Import credential profiles from a shared AWS config and credentials file.

Static keys, roles assumed on top of a source profile's static keys (role_arn + source_profile) or
of the default chain (role_arn + credential_source), endpoint_url and region are understood.
Existing profile names are skipped, never overwritten. Every profile is checked by the rules the
profile form uses (AwsProfile.full_clean, see queues/profiles/validation.py) before it is created,
and each one created leaves a `create_profile` audit event, as it would from the web page.
"""

from __future__ import annotations

import configparser
import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from queues import audit
from queues.profiles.crypto import mask
from queues.profiles.forms import unique_slug
from queues.profiles.models import AuthMode, AwsProfile

DEFAULT_REGION = "us-east-1"
UNSUPPORTED = {
    "sso_session": "AWS IAM Identity Center (SSO)",
    "sso_start_url": "AWS IAM Identity Center (SSO)",
    "credential_process": "credential_process",
    "web_identity_token_file": "web identity tokens",
}
# A refused field is named as the files spell the setting, so the reason says what to fix there.
SETTING_NAMES = {
    "access_key_id": "aws_access_key_id",
    "secret_access_key": "aws_secret_access_key",
    "session_token": "aws_session_token",
}


class Skip(Exception):
    """This profile cannot be imported; the message says why."""


@dataclass
class Plan:
    name: str
    values: dict = field(default_factory=dict)

    def describe(self) -> str:
        v = self.values
        mode = v["auth_mode"]
        if mode == AuthMode.STATIC:
            how = f"static keys {mask(v['access_key_id'])}"
            if v.get("session_token"):
                how += " with a session token"
        elif v["source_mode"] == AuthMode.STATIC:
            how = f"assume role {v['role_arn']} with static keys {mask(v['access_key_id'])}"
        else:
            how = f"assume role {v['role_arn']} with the default credential chain"
        where = v["region"] + (f", endpoint {v['endpoint_url']}" if v.get("endpoint_url") else "")
        return f"{self.name!r}: {how}, {where}"


def _read(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    if path.is_file():
        try:
            parser.read(path, encoding="utf-8")
        except configparser.Error as error:
            raise CommandError(f"{path} is not a valid AWS config file: {error}") from None
    return parser


def load_profiles(config_path: Path, credentials_path: Path) -> dict[str, dict[str, str]]:
    """Profile name -> settings, the credentials file's values overriding the config file's."""
    profiles: dict[str, dict[str, str]] = {}
    config = _read(config_path)
    for section in config.sections():
        if section == "default":
            name = "default"
        elif section.startswith("profile "):
            name = section.removeprefix("profile ").strip()
        else:
            continue  # sso-session, services, plugins...
        profiles.setdefault(name, {}).update(config.items(section))
    stored = _read(credentials_path)
    for section in stored.sections():
        profiles.setdefault(section.strip(), {}).update(stored.items(section))
    return profiles


def _common(name: str, settings: dict[str, str], fallback: dict[str, str]) -> dict:
    region = settings.get("region") or fallback.get("region") or DEFAULT_REGION
    endpoint = settings.get("endpoint_url") or fallback.get("endpoint_url") or ""
    return {"name": name, "region": region.strip(), "endpoint_url": endpoint.strip()}


def _keys(settings: dict[str, str], owner: str) -> dict:
    key_id = settings.get("aws_access_key_id", "").strip()
    secret = settings.get("aws_secret_access_key", "").strip()
    if not (key_id and secret):
        raise Skip(f"{owner} has no aws_access_key_id and aws_secret_access_key")
    return {
        "access_key_id": key_id,
        "secret_access_key": secret,
        "session_token": settings.get("aws_session_token", "").strip(),
    }


def plan_for(name: str, profiles: dict[str, dict[str, str]]) -> Plan:
    settings = profiles[name]
    for key, what in UNSUPPORTED.items():
        if key in settings and "role_arn" not in settings:
            raise Skip(f"it uses {what}, which sqsadmin cannot store")
    role_arn = settings.get("role_arn", "").strip()
    if not role_arn:
        values = {**_common(name, settings, {}), "auth_mode": AuthMode.STATIC}
        return Plan(name, {**values, **_keys(settings, "it")})
    try:
        duration = int(settings.get("duration_seconds") or 3600)
    except ValueError:
        raise Skip("its duration_seconds is not a number") from None
    values = {
        "auth_mode": AuthMode.ASSUME_ROLE,
        "role_arn": role_arn,
        "role_session_name": settings.get("role_session_name", "").strip(),
        "duration_seconds": duration,
        "external_id": settings.get("external_id", "").strip(),
    }
    source_name = settings.get("source_profile", "").strip()
    if source_name:
        source = profiles.get(source_name)
        if source is None:
            raise Skip(f"its source_profile {source_name!r} is not in the files")
        if source.get("role_arn"):
            raise Skip(f"its source_profile {source_name!r} assumes a role itself (chained roles)")
        values.update(_keys(source, f"its source_profile {source_name!r}"))
        values["source_mode"] = AuthMode.STATIC
        return Plan(name, {**_common(name, settings, source), **values})
    if settings.get("credential_source"):
        values["source_mode"] = AuthMode.DEFAULT_CHAIN
        return Plan(name, {**_common(name, settings, {}), **values})
    raise Skip("its role_arn has neither source_profile nor credential_source")


def validated(plan: Plan) -> AwsProfile:
    """The unsaved profile, refused (Skip) for what the profile form would refuse, in its words."""
    profile = AwsProfile(slug=unique_slug(plan.name), **plan.values)
    try:
        profile.full_clean()
    except ValidationError as error:
        raise Skip(
            "; ".join(
                f"its {SETTING_NAMES.get(field, field)}: {message.rstrip('.')}"
                for field, messages in error.message_dict.items()
                for message in messages
            )
        ) from None
    return profile


def command_line_user() -> str:
    """Who the audit trail names: the account that ran the command, and that it was this one."""
    try:
        who = getpass.getuser()
    except OSError:  # neither $USER nor a passwd entry, as in some containers
        who = "unknown user"
    return f"{who} (manage.py import_aws_profiles)"


class Command(BaseCommand):
    help = (
        "Import credential profiles from the shared AWS config and credentials files "
        "(static keys, role_arn with source_profile or credential_source, region, endpoint_url)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--config-file",
            help="AWS config file (default: $AWS_CONFIG_FILE or ~/.aws/config)",
        )
        parser.add_argument(
            "--credentials-file",
            help="AWS credentials file (default: $AWS_SHARED_CREDENTIALS_FILE or "
            "~/.aws/credentials)",
        )
        parser.add_argument(
            "--profile",
            action="append",
            dest="profiles",
            metavar="NAME",
            help="import only this profile (repeatable); default: every profile",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be created, change nothing"
        )

    def handle(self, *args, **options) -> None:
        config_path = Path(
            options["config_file"] or os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
        ).expanduser()
        credentials_path = Path(
            options["credentials_file"]
            or os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
            or "~/.aws/credentials"
        ).expanduser()
        if not config_path.is_file() and not credentials_path.is_file():
            raise CommandError(f"Neither {config_path} nor {credentials_path} exists.")
        profiles = load_profiles(config_path, credentials_path)
        wanted = options["profiles"] or sorted(profiles)
        missing = [name for name in wanted if name not in profiles]
        if missing:
            raise CommandError(
                f"No profile named {', '.join(map(repr, missing))} in {config_path} or "
                f"{credentials_path}. Found: {', '.join(sorted(profiles)) or 'none'}."
            )
        dry_run = options["dry_run"]
        username = command_line_user()
        created = skipped = 0
        for name in wanted:
            if AwsProfile.objects.filter(name=name).exists():
                self.stdout.write(f"Skipped {name!r}: a profile with this name already exists.")
                skipped += 1
                continue
            try:
                plan = plan_for(name, profiles)
                profile = validated(plan)
            except Skip as reason:
                self.stdout.write(f"Skipped {name!r}: {reason}.")
                skipped += 1
                continue
            if dry_run:
                self.stdout.write(f"Would create {plan.describe()}")
            else:
                # The same event, with the same settings (never secrets), as the web page's.
                with audit.recorded("create_profile", username=username) as event:
                    profile.save()
                    # As every profile had before per-profile access; Admins narrow it later.
                    profile.grant_default_access()
                    event.profile, event.profile_name = profile, profile.name
                    event.parameters.update(profile.described())
                self.stdout.write(self.style.SUCCESS(f"Created {plan.describe()}"))
            created += 1
        verb = "would be created" if dry_run else "created"
        self.stdout.write(f"{created} profile(s) {verb}, {skipped} skipped.")
