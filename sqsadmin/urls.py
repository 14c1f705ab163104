from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from queues.console.views.home import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("queues.accounts.urls")),
    path("profiles/", include("queues.profiles.urls")),
    path("audit/", include("queues.audit.urls")),
    path("admin/", admin.site.urls),
    path("", include("queues.console.urls")),
]
