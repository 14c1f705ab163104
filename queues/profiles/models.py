"""AwsProfile: a named way to reach SQS, its secrets encrypted at rest."""

from __future__ import annotations

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
