"""The rules a credential profile must follow, in one place for the form, the model and the import.

Each `validate_*` checks one value and raises `ValidationError` with the words the user sees next
to the field. `validate_profile` checks a whole profile the way its auth mode uses it and raises
one `ValidationError` whose dict maps field names to errors. `AwsProfile.clean()` calls it, so the
profile form (through the model form's `full_clean`), `manage.py import_aws_profiles` and any
other `full_clean()` caller refuse exactly the same things with exactly the same messages.

Column limits (max_length, choices, blank names) stay with the model fields: `full_clean()`
checks those in `clean_fields()`, so they are not repeated here.

Every error carries a code of its own: a model form replaces a model error's message with its
field's message for the same code, and form fields already use "required" and "invalid".
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.text import slugify

from ..sqs.regions import is_region_name
from .models import AuthMode

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
REGION_PART = r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}"
ROLE_ARN_RE = re.compile(r"^arn:aws[-a-z]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
TRUST_ANCHOR_ARN_RE = re.compile(
    rf"^arn:aws[-a-z]*:rolesanywhere:{REGION_PART}:\d{{12}}:trust-anchor/{UUID}$"
)
RA_PROFILE_ARN_RE = re.compile(
    rf"^arn:aws[-a-z]*:rolesanywhere:{REGION_PART}:\d{{12}}:profile/{UUID}$"
)
# STS limits: RoleSessionName and ExternalId.
SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$")
EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
ACCESS_KEY_RE = re.compile(r"^\S{1,128}$")

# What STS and IAM Roles Anywhere accept for a session (15 minutes to 12 hours).
MIN_DURATION, MAX_DURATION = 900, 43_200
DURATION_HELP = f"15 minutes to 12 hours ({MIN_DURATION:,} to {MAX_DURATION:,} seconds)."
# The form's duration field says the same, in the same words.
DURATION_TOO_SHORT = f"Use at least 15 minutes ({MIN_DURATION:,} seconds)."
DURATION_TOO_LONG = f"Use at most 12 hours ({MAX_DURATION:,} seconds)."
# The endpoint_url column's length (a URLField's default).
MAX_ENDPOINT_URL = 200

REQUIRED = "This mode needs this field."

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _shaped(pattern: re.Pattern, shape: str, code: str) -> RegexValidator:
    return RegexValidator(pattern, f"This is not {shape}.", code=code)


validate_access_key_id = _shaped(ACCESS_KEY_RE, "an access key ID (no spaces)", "access_key_id")
validate_role_arn = _shaped(
    ROLE_ARN_RE, "an IAM role ARN (arn:aws:iam::123456789012:role/name)", "role_arn"
)
validate_session_name = _shaped(
    SESSION_NAME_RE, "a session name (2 to 64 letters, digits or +=,.@_-)", "session_name"
)
validate_external_id = _shaped(
    EXTERNAL_ID_RE, "an external ID (2 to 1,224 letters, digits or +=,.@:/_-)", "external_id"
)
validate_trust_anchor_arn = _shaped(
    TRUST_ANCHOR_ARN_RE,
    "a Roles Anywhere trust anchor ARN "
    "(arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<uuid>)",
    "trust_anchor_arn",
)
validate_rolesanywhere_profile_arn = _shaped(
    RA_PROFILE_ARN_RE,
    "a Roles Anywhere profile ARN (arn:aws:rolesanywhere:<region>:<account>:profile/<uuid>)",
    "rolesanywhere_profile_arn",
)


def validate_name(name: str) -> None:
    # The slug in every URL of the profile is made from the name.
    if not slugify(name):
        raise ValidationError("Use at least one letter or digit in the name.", code="no_slug")


def validate_region(region: str) -> None:
    if not is_region_name(region):
        raise ValidationError(
            f"{region!r} is not an AWS region name (like eu-west-1).", code="region"
        )


# Endpoint hosts every install may use: AWS's own domains, and this machine (LocalStack, moto).
AWS_ENDPOINT_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")
LOCAL_HOSTS = {"localhost"}
# Instance metadata services answer with this server's own credentials: never an endpoint.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
}
LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _configured_host(host: str) -> bool:
    """PROFILE_ENDPOINT_HOSTS: exact host names or addresses, or `*.example.com` for any host
    under example.com."""
    for allowed in settings.PROFILE_ENDPOINT_HOSTS:
        allowed = allowed.strip().lower().rstrip(".")
        if allowed.startswith("*.") and host.endswith(allowed[1:]):
            return True
        if host == allowed:
            return True
    return False


def endpoint_host_problem(host: str) -> str:
    """Why a profile may not call `host`, or "" when it may."""
    host = host.lower().rstrip(".")
    address = _address(host)
    if address is not None and address in METADATA_ADDRESSES:
        return f"{host} is the instance metadata service, never an SQS endpoint."
    if address is not None and any(address in network for network in LINK_LOCAL):
        return (
            f"{host} is a link-local address (like the instance metadata service), "
            "never an SQS endpoint."
        )
    if host in LOCAL_HOSTS or (address is not None and address.is_loopback):
        return ""
    if host.endswith(AWS_ENDPOINT_SUFFIXES) or _configured_host(host):
        return ""
    return (
        f"{host} is not an AWS endpoint (*.amazonaws.com, *.amazonaws.com.cn, *.api.aws) nor "
        "this machine; an administrator can allow it in PROFILE_ENDPOINT_HOSTS."
    )


def validate_endpoint_url(url: str) -> None:
    """http(s) with a host that is AWS's, this machine's or listed in PROFILE_ENDPOINT_HOSTS;
    never a link-local or metadata address. Laxer than Django's URLValidator about host shapes on
    purpose: that one refuses hosts without a dot, like http://localstack:4566 on a compose
    network (allowed once listed)."""
    if len(url) > MAX_ENDPOINT_URL:
        raise ValidationError(f"Use at most {MAX_ENDPOINT_URL} characters.", code="url_length")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Use an http:// or https:// URL with a host name.", code="url")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ValidationError("The port in this URL is not a number.", code="url_port") from None
    if problem := endpoint_host_problem(parts.hostname):
        raise ValidationError(problem, code="url_host")


def validate_duration(seconds: Any) -> None:
    is_number = isinstance(seconds, int) and not isinstance(seconds, bool)
    if not is_number:
        raise ValidationError(f"Use {DURATION_HELP}", code="duration")
    if seconds < MIN_DURATION:
        raise ValidationError(DURATION_TOO_SHORT, code="duration")
    if seconds > MAX_DURATION:
        raise ValidationError(DURATION_TOO_LONG, code="duration")


def load_certificate(pem: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise ValidationError(
            "This is not a PEM certificate (-----BEGIN CERTIFICATE-----).", code="certificate"
        ) from None


def validate_certificate_chain(pem: str) -> None:
    try:
        x509.load_pem_x509_certificates(pem.encode())
    except ValueError:
        raise ValidationError(
            "This is not a PEM certificate chain.", code="certificate_chain"
        ) from None


def load_private_key(pem: str, passphrase: str = "") -> PrivateKey:
    """The key, or a ValidationError whose dict says which field is wrong: the key itself or its
    passphrase (missing, superfluous or wrong)."""

    def refused(field: str, message: str, code: str) -> ValidationError:
        return ValidationError({field: ValidationError(message, code=code)})

    try:
        key = serialization.load_pem_private_key(
            pem.encode(), password=passphrase.encode() if passphrase else None
        )
    except TypeError:
        # cryptography's way of saying a passphrase was given for a plain key, or the reverse.
        if passphrase:
            # The form words this differently when the passphrase is a stored one.
            raise refused(
                "private_key_passphrase",
                "This key is not encrypted: leave it blank.",
                "unencrypted_key",
            ) from None
        raise refused(
            "private_key_passphrase",
            "This key is encrypted: enter its passphrase.",
            "passphrase_needed",
        ) from None
    except ValueError:
        if passphrase and b"ENCRYPTED" in pem.encode():
            raise refused(
                "private_key_passphrase", "Wrong passphrase for this key.", "wrong_passphrase"
            ) from None
        raise refused("private_key_pem", "This is not a PEM private key.", "private_key") from None
    if not isinstance(key, PrivateKey):
        raise refused("private_key_pem", "IAM Roles Anywhere needs an RSA or EC key.", "key_type")
    return key


def _public_bytes(public_key: Any) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


class _Check:
    """Collects field errors for one profile, leaving alone the fields in `skip`."""

    def __init__(self, profile: Mapping[str, Any] | object, skip: Collection[str]) -> None:
        self.profile, self.skip = profile, set(skip)
        self.errors: dict[str, list[ValidationError]] = {}

    def value(self, name: str) -> Any:
        if isinstance(self.profile, Mapping):
            return self.profile.get(name)
        return getattr(self.profile, name, None)

    def add(self, error: ValidationError, name: str | None = None) -> None:
        for field, errors in (error.error_dict if name is None else {name: [error]}).items():
            self.errors.setdefault(field, []).extend(errors)

    def checks(self, name: str) -> bool:
        """Whether `name` is to be checked: not skipped, not failed already, not blank."""
        blank = self.value(name) in (None, "")
        return name not in self.skip and name not in self.errors and not blank

    def require(self, *names: str) -> None:
        for name in names:
            if name not in self.skip and self.value(name) in (None, ""):
                self.add(ValidationError(REQUIRED, code="mode_requires"), name)

    def run(self, name: str, validator: Callable[[Any], Any]) -> Any:
        """The validator's result for a value present, or None (when blank or refused)."""
        if not self.checks(name):
            return None
        try:
            return validator(self.value(name))
        except ValidationError as error:
            self.add(error, name)
            return None


def validate_profile(profile: Mapping[str, Any] | object, *, skip: Collection[str] = ()) -> None:
    """Check a profile (an AwsProfile, or a dict of its field values) as its auth mode uses it.

    Fields named in `skip` are neither checked nor required: a model form skips those that
    already failed, whose values on the instance are stale. Raises a ValidationError with a dict
    of field errors.
    """
    check = _Check(profile, skip)
    check.run("name", validate_name)
    check.run("region", validate_region)
    check.run("endpoint_url", validate_endpoint_url)
    mode = None if "auth_mode" in skip else check.value("auth_mode")
    if mode in (AuthMode.ASSUME_ROLE, AuthMode.ROLES_ANYWHERE):
        check.require("role_arn", "duration_seconds")
        check.run("role_arn", validate_role_arn)
        check.run("role_session_name", validate_session_name)
        check.run("duration_seconds", validate_duration)
    if mode == AuthMode.STATIC or (
        mode == AuthMode.ASSUME_ROLE
        and "source_mode" not in skip
        and check.value("source_mode") == AuthMode.STATIC
    ):
        check.require("access_key_id", "secret_access_key")
        check.run("access_key_id", validate_access_key_id)
    if mode == AuthMode.ASSUME_ROLE:
        check.run("external_id", validate_external_id)
    if mode == AuthMode.ROLES_ANYWHERE:
        _check_roles_anywhere(check)
    if check.errors:
        raise ValidationError(check.errors)


def _check_roles_anywhere(check: _Check) -> None:
    check.require(
        "trust_anchor_arn", "rolesanywhere_profile_arn", "certificate_pem", "private_key_pem"
    )
    check.run("trust_anchor_arn", validate_trust_anchor_arn)
    check.run("rolesanywhere_profile_arn", validate_rolesanywhere_profile_arn)
    check.run("certificate_chain_pem", validate_certificate_chain)
    certificate = check.run("certificate_pem", load_certificate)
    key = None
    if check.checks("private_key_pem") and "private_key_passphrase" not in check.skip:
        try:
            key = load_private_key(
                check.value("private_key_pem"), check.value("private_key_passphrase") or ""
            )
        except ValidationError as error:
            check.add(error)
    if (
        certificate is not None
        and key is not None
        and _public_bytes(certificate.public_key()) != _public_bytes(key.public_key())
    ):
        check.add(
            ValidationError("This key does not match the certificate.", code="key_mismatch"),
            "private_key_pem",
        )
