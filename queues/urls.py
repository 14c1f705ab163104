from __future__ import annotations

from django.urls import path

from .views import messages, queues

app_name = "queues"

urlpatterns = [
    path("p/<slug:profile>/<str:region>/queues/", queues.queue_list, name="queue-list"),
    # Messages
    path(
        "p/<slug:profile>/<str:region>/queues/<str:queue>/messages/",
        messages.messages_page,
        name="messages",
    ),
    path(
        "p/<slug:profile>/<str:region>/queues/<str:queue>/messages/send/",
        messages.send,
        name="messages-send",
    ),
    path(
        "p/<slug:profile>/<str:region>/queues/<str:queue>/messages/poll/",
        messages.poll,
        name="messages-poll",
    ),
    path(
        "p/<slug:profile>/<str:region>/queues/<str:queue>/messages/delete/",
        messages.delete,
        name="messages-delete",
    ),
    path(
        "p/<slug:profile>/<str:region>/queues/<str:queue>/messages/consume/",
        messages.consume,
        name="messages-consume",
    ),
    path(
        "p/<slug:profile>/<str:region>/queues/<str:queue>/messages/export/",
        messages.export,
        name="messages-export",
    ),
    path(
        "p/<slug:profile>/<str:region>/queues/<str:queue>/messages/counts/",
        messages.counts,
        name="messages-counts",
    ),
]
