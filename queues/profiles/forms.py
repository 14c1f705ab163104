"""The credential profile form: one model form whose fields depend on the auth mode.

Secrets are never rendered back. A blank secret field keeps the stored value; optional secrets
have a "clear" checkbox. Fields of other auth modes are emptied on save, so switching a profile
from static keys to the default chain leaves no key behind.

The form keeps only form things: which fields show, kept/replaced/cleared secrets, uploads. What
a valid profile is lives in validation.py and is enforced by AwsProfile.clean(), which the model
form runs after clean(): the errors land next to their fields all the same.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import slugify

from ..accounts.roles import ADMINS, OPERATORS, VIEWERS
from ..console.forms.fields import DurationField
from ..console.units import human_duration
from .crypto import mask
from .models import AuthMode, AwsProfile
from .validation import (
    DURATION_HELP,
    DURATION_TOO_LONG,
    DURATION_TOO_SHORT,
    MAX_DURATION,
    MIN_DURATION,
    load_certificate,
)

DEFAULT_DURATION = 3600
MAX_PEM_BYTES = 64 * 1024

COMMON_FIELDS = ["name", "auth_mode", "region", "endpoint_url", "is_production"]
KEY_FIELDS = ["access_key_id", "secret_access_key", "session_token"]
ROLE_FIELDS = ["role_arn", "role_session_name", "duration_seconds"]
MODE_FIELDS: dict[str, list[str]] = {
    AuthMode.STATIC: KEY_FIELDS,
    AuthMode.ASSUME_ROLE: [
        "source_mode",
        *KEY_FIELDS,
        *ROLE_FIELDS,
        "external_id",
        "identify_user",
    ],
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
        "identify_user",
    ],
    AuthMode.DEFAULT_CHAIN: [],
}
# Which groups may view and operate on the profile (Admins always may, so they are not offered).
GRANT_FIELDS = ["viewer_groups", "operator_groups"]
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


class GroupChoiceField(forms.ModelMultipleChoiceField):
    """Groups by primary key; a value that cannot be one (a word, a number past the database's
    integer range, which PostgreSQL refuses and SQLite overflows on) is an invalid choice, not a
    database error."""

    def _check_values(self, value):
        for pk in value:
            # auth.Group's key is a 32-bit integer on every database Django supports.
            if not str(pk).isdigit() or len(str(pk)) > 10 or int(pk) > 2_147_483_647:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def _grant_field(label: str, help_text: str) -> GroupChoiceField:
    """Ticks for the groups (other than the admins, who are always granted) given a right."""
    return GroupChoiceField(
        label=label,
        queryset=Group.objects.exclude(name=ADMINS).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class ProfileForm(forms.ModelForm):
    # Secrets typed in but not carried over when the form was redrawn (views._redisplayed).
    cleared_secrets: frozenset[str] | set[str] = frozenset()

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
    duration_seconds = DurationField(
        label="Session duration",
        required=False,
        min_value=MIN_DURATION,
        max_value=MAX_DURATION,
        help_text=f"{DURATION_HELP} Blank: {human_duration(DEFAULT_DURATION)}.",
        error_messages={"min_value": DURATION_TOO_SHORT, "max_value": DURATION_TOO_LONG},
    )
    endpoint_url = forms.CharField(
        label="Endpoint URL",
        required=False,
        max_length=200,
        help_text="Leave blank for AWS. For moto, LocalStack or a VPC endpoint: http(s)://host:port",
    )

    viewer_groups = _grant_field(
        "May view",
        "Members (with the Viewer or Operator role) see this profile and its queues. "
        "Admins always do.",
    )
    operator_groups = _grant_field(
        "May operate",
        "Members with the Operator role change queues and send, receive and delete "
        "messages here (and may view it). For a production profile, tick only who must.",
    )

    class Meta:
        model = AwsProfile
        fields = [
            *COMMON_FIELDS,
            *GRANT_FIELDS,
            "source_mode",
            *KEY_FIELDS,
            "role_arn",
            "role_session_name",
            "duration_seconds",
            "external_id",
            "identify_user",
            "trust_anchor_arn",
            "rolesanywhere_profile_arn",
            "certificate_pem",
            "private_key_pem",
            "private_key_passphrase",
            "certificate_chain_pem",
        ]
        labels = {
            "is_production": "Production (every page using this profile shows it loudly)",
            "identify_user": "Name the dashboard user in CloudTrail (session name and source "
            "identity; the role's trust policy must allow sts:SetSourceIdentity)",
        }
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
        if self.instance.pk is None:
            # A new profile starts as every profile was before per-profile access.
            groups = Group.objects.filter(name__in=[OPERATORS, VIEWERS])
            self.initial.setdefault("viewer_groups", list(groups))
            self.initial.setdefault("operator_groups", [g for g in groups if g.name == OPERATORS])
        # Captured before validation copies the submitted values onto the instance.
        self.original = {
            name: getattr(self.instance, name)
            for name in self.Meta.fields
            if name not in GRANT_FIELDS
        }
        for name in GRANT_FIELDS:
            granted = getattr(self.instance, name).all() if self.instance.pk else []
            self.original[name] = {group.pk for group in granted}
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

    # Form things only; the rules of a valid profile are AwsProfile.clean()'s (validation.py).

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("auth_mode")
        if mode not in MODE_FIELDS:
            return cleaned
        used = set(MODE_FIELDS[mode])
        if mode == AuthMode.ASSUME_ROLE:
            cleaned["source_mode"] = cleaned.get("source_mode") or AuthMode.STATIC
            if cleaned["source_mode"] == AuthMode.DEFAULT_CHAIN:
                used -= set(KEY_FIELDS)
        for name in SECRET_FIELDS:
            if name in used:
                self._keep_or_replace(name)
        for name in UPLOADS:
            if name in used and name not in SECRET_FIELDS:
                cleaned[name] = self._text(name)
        if cleaned.get("duration_seconds") is None and "duration_seconds" not in self.errors:
            cleaned["duration_seconds"] = DEFAULT_DURATION  # a blank field means the default
        # Nothing of another mode stays stored.
        for name in set(self.Meta.fields) - used - set(COMMON_FIELDS) - set(GRANT_FIELDS):
            cleaned[name] = {"duration_seconds": DEFAULT_DURATION, "identify_user": False}.get(
                name, ""
            )
        passphrase = cleaned.get("private_key_passphrase")
        if passphrase and passphrase == self.stored["private_key_passphrase"]:
            # A blank passphrase field keeps the stored one, so "leave it blank" cannot help.
            self.fields["private_key_passphrase"].error_messages["unencrypted_key"] = (
                "This key is not encrypted: tick “Clear the stored passphrase”."
            )
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

    def changed_settings(self) -> list[str]:
        """Names (never values) of what this save changes, for the audit trail."""

        def now(name: str, before):
            value = self.cleaned_data.get(name, before)
            return {group.pk for group in value} if name in GRANT_FIELDS else value

        return sorted(name for name, before in self.original.items() if now(name, before) != before)


def certificate_subject(pem: str) -> str:
    """The certificate's subject for display, or "" when it does not parse."""
    try:
        return load_certificate(pem).subject.rfc4514_string()
    except ValidationError:
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
