"""The app's models, defined in the packages they belong to (Django looks for them here)."""

from __future__ import annotations

from .audit.models import AuditEvent
from .profiles.models import AuthMode, AwsProfile

__all__ = ["AuditEvent", "AuthMode", "AwsProfile"]
