from __future__ import annotations

from django.apps import AppConfig


class QueuesConfig(AppConfig):
    name = "queues"
    verbose_name = "SQS queues"

    def ready(self) -> None:
        from . import checks  # noqa: F401
        from .accounts import signals  # noqa: F401
