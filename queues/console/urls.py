"""The dashboard's pages: a workspace (profile and region) in every URL, then queues and their
messages."""

from __future__ import annotations

from django.urls import path

from .views import (
    bulk,
    estate,
    home,
    messages,
    monitoring,
    queue_list,
    queue_pages,
    workbench,
)

app_name = "console"

_ws = "p/<slug:profile>/<str:region>/"
_queue = f"{_ws}queues/<str:queue>/"
urlpatterns = [
    path("", home.home, name="home"),
    path("switch/", home.switch, name="switch"),
    path("estate/", estate.estate, name="estate"),
    path(f"{_ws}queues/", queue_list.queue_list, name="queue-list"),
    path(f"{_ws}queue-rows/", queue_list.queue_rows, name="queue-rows"),
    path(f"{_ws}queue-name-check/", queue_pages.queue_name_check, name="queue-name-check"),
    path(f"{_ws}queues/new/", queue_pages.queue_create, name="queue-create"),
    path(f"{_ws}dead-letter-options/", queue_pages.dead_letter_options, name="dead-letter-options"),
    path(_queue, queue_pages.queue_detail, name="queue-detail"),
    path(f"{_queue}counts/", queue_pages.queue_counts, name="queue-counts"),
    path(f"{_queue}monitoring/", monitoring.queue_monitoring, name="queue-monitoring"),
    path(
        f"{_queue}monitoring/live/", monitoring.queue_monitoring_live, name="queue-monitoring-live"
    ),
    path(f"{_queue}edit/", queue_pages.queue_edit, name="queue-edit"),
    path(f"{_queue}purge/", queue_pages.queue_purge, name="queue-purge"),
    path(f"{_queue}delete/", queue_pages.queue_delete, name="queue-delete"),
    path(f"{_queue}messages/", messages.messages_page, name="messages"),
    path(f"{_queue}messages/send/", messages.send, name="messages-send"),
    path(f"{_queue}messages/poll/", messages.poll, name="messages-poll"),
    path(f"{_queue}messages/delete/", messages.delete, name="messages-delete"),
    path(f"{_queue}messages/consume/", messages.consume, name="messages-consume"),
    path(f"{_queue}messages/consume/decide/", messages.consume_decide, name="messages-decide"),
    path(f"{_queue}messages/export/", messages.export, name="messages-export"),
    path(f"{_queue}messages/counts/", messages.counts, name="messages-counts"),
    path(f"{_queue}messages/browse/", bulk.browse, name="messages-browse"),
    path(f"{_queue}messages/import/", bulk.import_messages, name="messages-import"),
    path(f"{_queue}messages/stream/<str:token>/", bulk.stream, name="messages-stream"),
    path(f"{_queue}messages/stream/<str:token>/stop/", bulk.stop, name="messages-stream-stop"),
    # The dead-letter workbench: DLQ redrive, move/copy selected, edit and resend.
    path(f"{_ws}queue-options/", workbench.queue_options, name="queue-options"),
    path(f"{_queue}redrive/", workbench.redrive_panel, name="redrive"),
    path(f"{_queue}redrive/start/", workbench.redrive_start, name="redrive-start"),
    path(f"{_queue}redrive/cancel/", workbench.redrive_cancel, name="redrive-cancel"),
    path(f"{_queue}messages/transfer/", workbench.transfer, name="messages-transfer"),
    path(
        f"{_queue}messages/held/<str:token>/transfer/",
        workbench.held_transfer,
        name="messages-held-transfer",
    ),
    path(
        f"{_queue}messages/held/<str:token>/release/",
        workbench.held_release,
        name="messages-held-release",
    ),
    path(f"{_queue}messages/resend/", workbench.resend, name="messages-resend"),
]
