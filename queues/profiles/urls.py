from __future__ import annotations

from django.urls import path

from . import views

app_name = "profiles"

urlpatterns = [
    path("", views.profile_list, name="list"),
    path("new/", views.profile_create, name="create"),
    path("mode-fields/", views.profile_mode_fields, name="mode-fields"),
    path("test/", views.profile_test_draft, name="test-draft"),
    path("<slug:slug>/edit/", views.profile_edit, name="edit"),
    path("<slug:slug>/delete/", views.profile_delete, name="delete"),
    path("<slug:slug>/duplicate/", views.profile_duplicate, name="duplicate"),
    path("<slug:slug>/test/", views.profile_test, name="test"),
]
