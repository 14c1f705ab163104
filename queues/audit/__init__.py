"""The audit trail: who did what, where and how it ended; the Audit page and its CSV."""

from __future__ import annotations

from .recorder import recorded, recorded_for

__all__ = ["recorded", "recorded_for"]
