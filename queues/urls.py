from __future__ import annotations

from django.urls import path

from .views import profiles, queues

app_name = "queues"

urlpatterns = [
    path("p/<slug:profile>/<str:region>/queues/", queues.queue_list, name="queue-list"),
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
