"""AuditEvent: who did what, where, and how it ended."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """Who did what, where, and how it ended. Written for every change and every receive,
    including failed ones. Never holds message bodies or secrets; never edited from the UI."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        PARTIAL = "partial", "Partly failed"
        FAILURE = "failure", "Failed"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Names are copied so the trail survives renamed or deleted users and profiles.
    username = models.CharField(max_length=150, db_index=True)
    profile = models.ForeignKey(
        "queues.AwsProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    profile_name = models.CharField(max_length=64, blank=True)
    region = models.CharField(max_length=32, blank=True)
    queue = models.CharField(max_length=80, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    parameters = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)
    # Where a request came from (see recorder.client_address); blank outside a request.
    client_address = models.GenericIPAddressField("client address", null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Events are only ever added by the application and read on the Audit page.
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.queue}"
