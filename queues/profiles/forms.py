"""The credential profile form: one model form whose fields depend on the auth mode.

Secrets are never rendered back. A blank secret field keeps the stored value; optional secrets
have a "clear" checkbox. Fields of other auth modes are emptied on save, so switching a profile
from static keys to the default chain leaves no key behind.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django import forms
from django.urls import reverse_lazy
from django.utils.text import slugify

from ..sqs.regions import is_region_name
from .crypto import mask
from .models import AuthMode, AwsProfile

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ROLE_ARN_RE = re.compile(r"^arn:aws[-a-z]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
REGION_PART = r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}"
TRUST_ANCHOR_ARN_RE = re.compile(
    rf"^arn:aws[-a-z]*:rolesanywhere:{REGION_PART}:\d{{12}}:trust-anchor/{UUID}$"
)
RA_PROFILE_ARN_RE = re.compile(
    rf"^arn:aws[-a-z]*:rolesanywhere:{REGION_PART}:\d{{12}}:profile/{UUID}$"
)
SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$")
EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
ACCESS_KEY_RE = re.compile(r"^\S{1,128}$")

MIN_DURATION, MAX_DURATION = 900, 43_200
MAX_PEM_BYTES = 64 * 1024

COMMON_FIELDS = ["name", "auth_mode", "region", "endpoint_url", "is_production"]
KEY_FIELDS = ["access_key_id", "secret_access_key", "session_token"]
ROLE_FIELDS = ["role_arn", "role_session_name", "duration_seconds"]
MODE_FIELDS: dict[str, list[str]] = {
    AuthMode.STATIC: KEY_FIELDS,
    AuthMode.ASSUME_ROLE: ["source_mode", *KEY_FIELDS, *ROLE_FIELDS, "external_id"],
    AuthMode.ROLES_ANYWHERE: [
        "trust_anchor_arn",
        "rolesanywhere_profile_arn",
        "role_arn",
        "certificate_pem",
        "private_key_pem",
        "private_key_passphrase",
        "certificate_chain_pem",
        "duration_seconds",
        "role_session_name",
    ],
    AuthMode.DEFAULT_CHAIN: [],
}
SECRET_FIELDS = ["secret_access_key", "session_token", "private_key_pem", "private_key_passphrase"]
# Secrets a profile may do without: each gets a "clear" checkbox.
CLEARABLE = ["session_token", "private_key_passphrase"]
# Secrets whose masked hint would give away too much of a short value.
UNHINTED = ["private_key_pem", "private_key_passphrase"]
# Pasted PEM fields and the upload that may replace each.
UPLOADS = {
    "certificate_pem": "certificate_file",
    "private_key_pem": "private_key_file",
    "certificate_chain_pem": "certificate_chain_file",
}


class SecretTextarea(forms.Textarea):
    """A textarea that never writes its value into the page."""

    def format_value(self, value):
        return ""


def _pem_input(rows: int = 6) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "false", "autocomplete": "off"})


class ProfileForm(forms.ModelForm):
    secret_access_key = forms.CharField(
        label="Secret access key",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    session_token = forms.CharField(
        label="Session token",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    private_key_pem = forms.CharField(
        label="Private key (PEM)",
        required=False,
        widget=SecretTextarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )
    private_key_passphrase = forms.CharField(
        label="Private key passphrase",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    clear_session_token = forms.BooleanField(label="Clear the stored session token", required=False)
    clear_private_key_passphrase = forms.BooleanField(
        label="Clear the stored passphrase", required=False
    )
    certificate_file = forms.FileField(label="or upload the certificate", required=False)
    private_key_file = forms.FileField(label="or upload the private key", required=False)
    certificate_chain_file = forms.FileField(label="or upload the chain", required=False)
    duration_seconds = forms.IntegerField(
        label="Duration (seconds)",
        required=False,
        help_text=f"{MIN_DURATION:,} to {MAX_DURATION:,} seconds (15 minutes to 12 hours).",
    )
    endpoint_url = forms.CharField(
        label="Endpoint URL",
        required=False,
        max_length=200,
        help_text="Leave blank for AWS. For moto, LocalStack or a VPC endpoint: http(s)://host:port",
    )

    class Meta:
        model = AwsProfile
        fields = [
            *COMMON_FIELDS,
            "source_mode",
            *KEY_FIELDS,
            "role_arn",
            "role_session_name",
            "duration_seconds",
            "external_id",
            "trust_anchor_arn",
            "rolesanywhere_profile_arn",
            "certificate_pem",
            "private_key_pem",
            "private_key_passphrase",
            "certificate_chain_pem",
        ]
        labels = {"is_production": "Production (every page using this profile shows it loudly)"}
        error_messages = {"name": {"unique": "A profile with this name already exists."}}
        widgets = {
            "region": forms.TextInput(attrs={"list": "profile-regions", "autocomplete": "off"}),
            "certificate_pem": _pem_input(),
            "certificate_chain_pem": _pem_input(),
            "access_key_id": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "role_arn": forms.TextInput(
                attrs={"placeholder": "arn:aws:iam::123456789012:role/name", "spellcheck": "false"}
            ),
            "trust_anchor_arn": forms.TextInput(
                attrs={
                    "placeholder": "arn:aws:rolesanywhere:region:123456789012:trust-anchor/uuid",
                    "spellcheck": "false",
                }
            ),
            "rolesanywhere_profile_arn": forms.TextInput(
                attrs={
                    "placeholder": "arn:aws:rolesanywhere:region:123456789012:profile/uuid",
                    "spellcheck": "false",
                }
            ),
            "role_session_name": forms.TextInput(attrs={"placeholder": "sqsadmin"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Captured before validation copies the submitted values onto the instance.
        self.original = {name: getattr(self.instance, name) for name in self.Meta.fields}
        self.stored = {name: self.original[name] or "" for name in SECRET_FIELDS}
        self.fields["source_mode"].choices = [
            (AuthMode.STATIC.value, "Static keys (below)"),
            (AuthMode.DEFAULT_CHAIN.value, "Default credential chain of this server"),
        ]
        self.fields["source_mode"].required = False
        # The key fields come and go with the base credentials, as with the auth mode.
        self.fields["source_mode"].widget.attrs.update(
            {
                "hx-post": reverse_lazy("profiles:mode-fields"),
                "hx-trigger": "change",
                "hx-target": "#mode-fields",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["region"].help_text = "Pick from the list or type any region name."
        for name in SECRET_FIELDS:
            stored = self.stored[name]
            if stored:
                hint = "Stored" if name in UNHINTED else f"Stored: {mask(stored, start=False)}"
                self.fields[name].help_text = f"{hint}. Leave blank to keep it."

    # Which fields show: the chosen mode's, server-side, with or without JavaScript.

    @property
    def mode(self) -> str:
        raw = self["auth_mode"].value()
        return raw if raw in MODE_FIELDS else AuthMode.STATIC

    def mode_fields(self) -> list[forms.BoundField]:
        names = MODE_FIELDS[self.mode]
        if self.mode == AuthMode.ASSUME_ROLE and (
            self["source_mode"].value() == AuthMode.DEFAULT_CHAIN
        ):
            names = [name for name in names if name not in KEY_FIELDS]
        shown = []
        for name in names:
            shown.append(self[name])
            if name in CLEARABLE and self.stored.get(name):
                shown.append(self[f"clear_{name}"])
            if name in UPLOADS:
                shown.append(self[UPLOADS[name]])
        return shown

    def has_stored_secrets(self) -> bool:
        return any(self.stored.values())

    # Field checks.

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not slugify(name):
            raise forms.ValidationError("Use at least one letter or digit in the name.")
        return name

    def clean_region(self) -> str:
        region = self.cleaned_data["region"].strip()
        if not is_region_name(region):
            raise forms.ValidationError(f"{region!r} is not an AWS region name (like eu-west-1).")
        return region

    def clean_endpoint_url(self) -> str:
        url = self.cleaned_data["endpoint_url"].strip()
        if not url:
            return ""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise forms.ValidationError("Use an http:// or https:// URL with a host name.")
        try:
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            raise forms.ValidationError("The port in this URL is not a number.") from None
        return url

    def _text(self, name: str) -> str:
        """A pasted PEM field, replaced by its upload when one was given."""
        upload = self.cleaned_data.get(UPLOADS.get(name, ""))
        if upload:
            if upload.size > MAX_PEM_BYTES:
                self.add_error(UPLOADS[name], "This file is too large for a PEM file.")
                return ""
            try:
                return upload.read().decode("ascii").strip()
            except UnicodeDecodeError:
                self.add_error(UPLOADS[name], "This file is not a PEM text file.")
                return ""
        return (self.cleaned_data.get(name) or "").strip()

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("auth_mode")
        if mode not in MODE_FIELDS:
            return cleaned
        used = set(MODE_FIELDS[mode])
        for name in SECRET_FIELDS:
            if name in used:
                self._keep_or_replace(name)
        for name in UPLOADS:
            if name in used and name not in SECRET_FIELDS:
                cleaned[name] = self._text(name)
        check = {
            AuthMode.STATIC: self._check_static,
            AuthMode.ASSUME_ROLE: self._check_assume_role,
            AuthMode.ROLES_ANYWHERE: self._check_roles_anywhere,
        }.get(mode)
        if check:
            check()
        # Nothing of another mode stays stored.
        for name in set(self.Meta.fields) - used - set(COMMON_FIELDS):
            cleaned[name] = 3600 if name == "duration_seconds" else ""
        return cleaned

    def _keep_or_replace(self, name: str) -> None:
        cleaned = self.cleaned_data
        value = self._text(name) if name in UPLOADS else cleaned.get(name) or ""
        if name != "private_key_passphrase":
            value = value.strip()
        if value:
            cleaned[name] = value
        elif cleaned.get(f"clear_{name}"):
            cleaned[name] = ""
        else:
            cleaned[name] = self.stored[name]

    def _require(self, *names: str) -> None:
        for name in names:
            if not self.cleaned_data.get(name) and name not in self.errors:
                self.add_error(name, "This mode needs this field.")

    def _check_pattern(self, name: str, pattern: re.Pattern, shape: str) -> None:
        value = (self.cleaned_data.get(name) or "").strip()
        self.cleaned_data[name] = value
        if value and not pattern.match(value):
            self.add_error(name, f"This is not {shape}.")

    def _check_keys(self) -> None:
        self._require("access_key_id", "secret_access_key")
        self._check_pattern("access_key_id", ACCESS_KEY_RE, "an access key ID (no spaces)")

    def _check_static(self) -> None:
        self._check_keys()

    def _check_role(self) -> None:
        self._require("role_arn")
        self._check_pattern(
            "role_arn", ROLE_ARN_RE, "an IAM role ARN (arn:aws:iam::123456789012:role/name)"
        )
        self._check_pattern(
            "role_session_name",
            SESSION_NAME_RE,
            "a session name (2 to 64 letters, digits or +=,.@_-)",
        )
        duration = self.cleaned_data.get("duration_seconds")
        if duration is None and "duration_seconds" not in self.errors:
            self.cleaned_data["duration_seconds"] = duration = 3600
        if duration is not None and not MIN_DURATION <= duration <= MAX_DURATION:
            self.add_error(
                "duration_seconds",
                f"Use {MIN_DURATION:,} to {MAX_DURATION:,} seconds (15 minutes to 12 hours).",
            )

    def _check_assume_role(self) -> None:
        self._check_role()
        self._check_pattern(
            "external_id",
            EXTERNAL_ID_RE,
            "an external ID (2 to 1,224 letters, digits or +=,.@:/_-)",
        )
        if not self.cleaned_data.get("source_mode"):
            self.cleaned_data["source_mode"] = AuthMode.STATIC
        if self.cleaned_data["source_mode"] == AuthMode.STATIC:
            self._check_keys()
        else:
            for name in KEY_FIELDS:
                self.cleaned_data[name] = ""

    def _check_roles_anywhere(self) -> None:
        self._check_role()
        self._require(
            "trust_anchor_arn", "rolesanywhere_profile_arn", "certificate_pem", "private_key_pem"
        )
        self._check_pattern(
            "trust_anchor_arn",
            TRUST_ANCHOR_ARN_RE,
            "a Roles Anywhere trust anchor ARN "
            "(arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<uuid>)",
        )
        self._check_pattern(
            "rolesanywhere_profile_arn",
            RA_PROFILE_ARN_RE,
            "a Roles Anywhere profile ARN "
            "(arn:aws:rolesanywhere:<region>:<account>:profile/<uuid>)",
        )
        certificate = self._certificate("certificate_pem")
        key = self._private_key()
        if (
            certificate is not None
            and key is not None
            and _public_bytes(certificate.public_key()) != _public_bytes(key.public_key())
        ):
            self.add_error("private_key_pem", "This key does not match the certificate.")
        chain = self.cleaned_data.get("certificate_chain_pem")
        if chain:
            try:
                x509.load_pem_x509_certificates(chain.encode())
            except ValueError:
                self.add_error("certificate_chain_pem", "This is not a PEM certificate chain.")

    def _certificate(self, name: str) -> x509.Certificate | None:
        pem = self.cleaned_data.get(name)
        if not pem:
            return None
        try:
            return x509.load_pem_x509_certificate(pem.encode())
        except ValueError:
            self.add_error(name, "This is not a PEM certificate (-----BEGIN CERTIFICATE-----).")
            return None

    def _private_key(self):
        pem = self.cleaned_data.get("private_key_pem")
        if not pem:
            return None
        passphrase = self.cleaned_data.get("private_key_passphrase") or None
        try:
            key = serialization.load_pem_private_key(
                pem.encode(), password=passphrase.encode() if passphrase else None
            )
        except TypeError:
            if passphrase and passphrase == self.stored["private_key_passphrase"]:
                self.add_error(
                    "private_key_passphrase",
                    "This key is not encrypted: tick “Clear the stored passphrase”.",
                )
            elif passphrase:
                self.add_error(
                    "private_key_passphrase", "This key is not encrypted: leave it blank."
                )
            else:
                self.add_error(
                    "private_key_passphrase", "This key is encrypted: enter its passphrase."
                )
            return None
        except ValueError:
            if passphrase and b"ENCRYPTED" in pem.encode():
                self.add_error("private_key_passphrase", "Wrong passphrase for this key.")
            else:
                self.add_error("private_key_pem", "This is not a PEM private key.")
            return None
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            self.add_error("private_key_pem", "IAM Roles Anywhere needs an RSA or EC key.")
            return None
        return key

    def changed_settings(self) -> list[str]:
        """Names (never values) of what this save changes, for the audit trail."""
        return sorted(
            name
            for name, before in self.original.items()
            if self.cleaned_data.get(name, before) != before
        )

    def _get_validation_exclusions(self):
        # clean_endpoint_url checks the scheme; the model's URLValidator would also refuse hosts
        # without a dot, like http://localstack:4566 on a compose network.
        return {*super()._get_validation_exclusions(), "endpoint_url"}


def _public_bytes(public_key) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def certificate_subject(pem: str) -> str:
    """The certificate's subject for display, or "" when it does not parse."""
    try:
        return x509.load_pem_x509_certificate(pem.encode()).subject.rfc4514_string()
    except ValueError:
        return ""


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:56] or "profile"
    taken = set(
        AwsProfile.objects.exclude(pk=exclude_pk)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def copy_name(name: str) -> str:
    """ "Name (copy)", "Name (copy 2)"… whichever is free."""
    base = f"{name} (copy)"[:64]
    candidate, n = base, 2
    while AwsProfile.objects.filter(name=candidate).exists():
        candidate, n = f"{name} (copy {n})"[:64], n + 1
    return candidate
