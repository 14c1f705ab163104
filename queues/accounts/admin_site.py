"""Django's admin for the Admins role: members of the Admins group manage users and their groups
there without being made staff. Credential profiles are not registered: the Profiles pages are
the one place for them, and they never show a secret."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig

from .roles import MANAGE_PROFILES


class SqsAdminSite(AdminSite):
    site_header = site_title = "sqsadmin administration"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_staff or user.has_perm(MANAGE_PROFILES))


class SqsAdminConfig(AdminConfig):
    default_site = "queues.accounts.admin_site.SqsAdminSite"
