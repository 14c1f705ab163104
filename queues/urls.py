from __future__ import annotations

from django.urls import path

from .views import messages, profiles, queues

app_name = "queues"

_ws = "p/<slug:profile>/<str:region>/"
urlpatterns = [
    # Queues (issue 4)
    path(f"{_ws}queues/", queues.queue_list, name="queue-list"),
    path(f"{_ws}queue-rows/", queues.queue_rows, name="queue-rows"),
    path(f"{_ws}queue-name-check/", queues.queue_name_check, name="queue-name-check"),
    path(f"{_ws}queues/new/", queues.queue_create, name="queue-create"),
    path(f"{_ws}queues/<str:queue>/", queues.queue_detail, name="queue-detail"),
    path(f"{_ws}queues/<str:queue>/counts/", queues.queue_counts, name="queue-counts"),
    path(f"{_ws}queues/<str:queue>/edit/", queues.queue_edit, name="queue-edit"),
    path(f"{_ws}queues/<str:queue>/purge/", queues.queue_purge, name="queue-purge"),
    path(f"{_ws}queues/<str:queue>/delete/", queues.queue_delete, name="queue-delete"),
    # Messages (issue 5)
    path(f"{_ws}queues/<str:queue>/messages/", messages.messages_page, name="messages"),
    path(f"{_ws}queues/<str:queue>/messages/send/", messages.send, name="messages-send"),
    path(f"{_ws}queues/<str:queue>/messages/poll/", messages.poll, name="messages-poll"),
    path(f"{_ws}queues/<str:queue>/messages/delete/", messages.delete, name="messages-delete"),
    path(f"{_ws}queues/<str:queue>/messages/consume/", messages.consume, name="messages-consume"),
    path(f"{_ws}queues/<str:queue>/messages/export/", messages.export, name="messages-export"),
    path(f"{_ws}queues/<str:queue>/messages/counts/", messages.counts, name="messages-counts"),
    # Credential profiles (admins)
    path("profiles/", profiles.profile_list, name="profile-list"),
    path("profiles/new/", profiles.profile_create, name="profile-create"),
    path("profiles/mode-fields/", profiles.profile_mode_fields, name="profile-mode-fields"),
    path("profiles/test/", profiles.profile_test_draft, name="profile-test-draft"),
    path("profiles/<slug:slug>/edit/", profiles.profile_edit, name="profile-edit"),
    path("profiles/<slug:slug>/delete/", profiles.profile_delete, name="profile-delete"),
    path("profiles/<slug:slug>/duplicate/", profiles.profile_duplicate, name="profile-duplicate"),
    path("profiles/<slug:slug>/test/", profiles.profile_test, name="profile-test"),
]
