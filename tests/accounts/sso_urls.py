"""The site's URLs as they are with single sign-on set up (the suite runs without it, and the
accounts routes are chosen when the URLconf is imported)."""

from __future__ import annotations

from django.urls import include, path

from queues.accounts import urls as accounts
from sqsadmin.urls import urlpatterns as site

urlpatterns = [
    path(
        "accounts/",
        include((accounts.base_urlpatterns + accounts.sso_urlpatterns, accounts.app_name)),
    ),
    *[pattern for pattern in site if getattr(pattern, "namespace", None) != "accounts"],
]
