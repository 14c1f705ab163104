from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from queues.forms.auth import ThrottledAuthenticationForm
from queues.views import audit, core

urlpatterns = [
    path("", core.home, name="home"),
    path("switch/", core.switch, name="switch"),
    path("healthz", core.healthz, name="healthz"),
    path("audit/", audit.audit_log, name="audit"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("queues.urls")),
]
