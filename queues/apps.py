from __future__ import annotations

from django.apps import AppConfig


class QueuesConfig(AppConfig):
    name = "queues"
    verbose_name = "SQS queues"

    def ready(self) -> None:
        from . import checks  # noqa: F401
        from .accounts import signals  # noqa: F401
        from .sqs import batching

        batching.after_each_task(_close_thread_connections)


def _close_thread_connections() -> None:
    """SQS work on a kept thread may read the database (a profile's secrets for a new client, a
    database cache): close what it opened, as the end of a thread of its own would have."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
