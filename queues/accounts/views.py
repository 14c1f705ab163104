"""The login page: "Sign in with <provider>" when single sign-on is set up, and the password form
unless LOCAL_LOGIN=false."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

SSO_FAILED = "Single sign-on did not complete. Try again, or ask an admin if it keeps failing."


def login_context(request: HttpRequest) -> dict:
    return {
        "sso_enabled": settings.SSO_ENABLED,
        "sso_name": settings.OIDC_PROVIDER_NAME,
        "local_login": settings.LOCAL_LOGIN,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "sso_failed": SSO_FAILED if request.GET.get("sso") == "failed" else "",
    }


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **login_context(self.request)}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.LOCAL_LOGIN:
            context = {**login_context(request), "refused": "Password sign-in is turned off."}
            return TemplateResponse(request, "registration/login.html", context, status=403)
        return super().post(request, *args, **kwargs)
