from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .oidc import AuthenticationCallbackView, AuthenticationRequestView
from .views import LoginView

app_name = "accounts"

base_urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
# Single sign-on's routes exist only when it is set up (OIDC_CLIENT_ID).
sso_urlpatterns = [
    path("oidc/start/", login_not_required(AuthenticationRequestView.as_view()), name="oidc_start"),
    path(
        "oidc/callback/",
        login_not_required(AuthenticationCallbackView.as_view()),
        name="oidc_callback",
    ),
]
urlpatterns = base_urlpatterns + (sso_urlpatterns if settings.SSO_ENABLED else [])
