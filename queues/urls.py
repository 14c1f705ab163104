from __future__ import annotations

from django.urls import path

from .views import queues

app_name = "queues"

urlpatterns = [
    path("p/<slug:profile>/<str:region>/queues/", queues.queue_list, name="queue-list"),
]
