"""/healthz, answered by the first middleware: before whitenoise, sessions, CSRF, sign-in,
the content security policy and django-axes, so a load balancer's check costs one database
round trip and nothing else (no session read, no cookie set, no nonce made), and stays cheap
while other requests keep the workers busy. The URL pattern stays for `reverse("healthz")`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .views.home import healthz

PATH = "/healthz"


class HealthzMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
