"""AwsProfile: a named way to reach SQS, its secrets encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F

from .crypto import EncryptedTextField


class AuthMode(models.TextChoices):
    STATIC = "static", "Static keys"
    ASSUME_ROLE = "assume_role", "Assume role"
    ROLES_ANYWHERE = "roles_anywhere", "IAM Roles Anywhere"
    DEFAULT_CHAIN = "default_chain", "Default credential chain"


class AwsProfile(models.Model):
    """A named way to reach SQS: credentials, default region and an optional endpoint.

    Secrets are EncryptedTextFields. `version` grows on every save so cached boto3 clients built
    from an older version of the profile are never reused.
    """

    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    auth_mode = models.CharField(max_length=20, choices=AuthMode.choices, default=AuthMode.STATIC)
    region = models.CharField("default region", max_length=32, default="us-east-1")
    endpoint_url = models.URLField("endpoint URL", blank=True)
    is_production = models.BooleanField("production", default=False)
    # Who may use the profile, on top of their role (Admins may always). A group that may operate
    # may also view. See queues/console/workspace.py.
    viewer_groups = models.ManyToManyField(
        "auth.Group", blank=True, related_name="viewable_profiles", verbose_name="may view"
    )
    operator_groups = models.ManyToManyField(
        "auth.Group", blank=True, related_name="operable_profiles", verbose_name="may operate"
    )

    # Static keys, also the base credentials of an assumed role.
    access_key_id = models.CharField("access key ID", max_length=128, blank=True)
    secret_access_key = EncryptedTextField("secret access key", blank=True)
    session_token = EncryptedTextField("session token", blank=True)

    # Assume role (and the role that IAM Roles Anywhere hands out).
    source_mode = models.CharField(
        "base credentials",
        max_length=20,
        choices=[
            (AuthMode.STATIC.value, "Static keys"),
            (AuthMode.DEFAULT_CHAIN.value, "Default chain"),
        ],
        blank=True,
    )
    role_arn = models.CharField("role ARN", max_length=2048, blank=True)
    role_session_name = models.CharField("session name", max_length=64, blank=True)
    duration_seconds = models.PositiveIntegerField("duration (seconds)", default=3600)
    external_id = models.CharField("external ID", max_length=1224, blank=True)
    # CloudTrail shows the person: the session name (and AssumeRole's SourceIdentity) is the
    # dashboard username, with credentials cached per user.
    identify_user = models.BooleanField("session name is the dashboard user", default=False)

    # IAM Roles Anywhere.
    trust_anchor_arn = models.CharField("trust anchor ARN", max_length=2048, blank=True)
    rolesanywhere_profile_arn = models.CharField("profile ARN", max_length=2048, blank=True)
    certificate_pem = models.TextField("certificate (PEM)", blank=True)
    certificate_chain_pem = models.TextField("certificate chain (PEM)", blank=True)
    private_key_pem = EncryptedTextField("private key (PEM)", blank=True)
    private_key_passphrase = EncryptedTextField("private key passphrase", blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("browse_queues", "Can list and inspect queues"),
            ("operate_queues", "Can change queues and send, receive and delete messages"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            self.version = F("version") + 1
        super().save(*args, **kwargs)
        if self.pk and isinstance(self.version, F):
            self.refresh_from_db(fields=["version"])

    def described(self) -> dict:
        """What the audit trail keeps about a profile: settings and grants, never secrets."""
        described = {
            "name": self.name,
            "slug": self.slug,
            "auth_mode": self.auth_mode,
            "region": self.region,
            "endpoint_url": self.endpoint_url,
            "is_production": self.is_production,
        }
        if self.pk:
            described["may_view"] = sorted(g.name for g in self.viewer_groups.all())
            described["may_operate"] = sorted(g.name for g in self.operator_groups.all())
        return described

    def grant_default_access(self) -> None:
        """What every profile had before per-profile access: Operators and Viewers may view it,
        Operators may operate it, except a production one (view-only until an Admin grants it).
        Used by the migration's counterpart for new profiles made outside the form (demo, import).
        """
        from ..accounts.roles import OPERATORS, VIEWERS

        groups = {g.name: g for g in Group.objects.filter(name__in=[OPERATORS, VIEWERS])}
        self.viewer_groups.add(*groups.values())
        if not self.is_production and OPERATORS in groups:
            self.operator_groups.add(groups[OPERATORS])

    # Validation: full_clean() (the profile form, the import command, the admin) applies the
    # rules of validation.py on top of the column limits.

    def full_clean(
        self,
        exclude: Iterable[str] | None = None,
        validate_unique: bool = True,
        validate_constraints: bool = True,
    ) -> None:
        # Django calls clean() without `exclude`; a model form excludes the fields that already
        # failed on the form, whose values on this instance are stale, so clean() needs it.
        self._excluded = set(exclude or ())
        try:
            super().full_clean(exclude, validate_unique, validate_constraints)
        finally:
            del self._excluded

    def clean_fields(self, exclude: Iterable[str] | None = None) -> None:
        # validate_endpoint_url (in clean) checks the URL instead of the URLField's URLValidator,
        # which refuses hosts without a dot, like http://localstack:4566 on a compose network.
        try:
            super().clean_fields(exclude={*(exclude or ()), "endpoint_url"})
        except ValidationError as error:
            # A value its column refuses (too long, not a number) is not checked again.
            if hasattr(self, "_excluded"):
                self._excluded.update(error.error_dict)
            raise

    def clean(self) -> None:
        # Imported here: validation.py uses AuthMode from this module.
        from .validation import validate_profile

        validate_profile(self, skip=getattr(self, "_excluded", ()))
