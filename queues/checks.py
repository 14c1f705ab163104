"""System checks of sqsadmin's own: `manage.py check --deploy` and `make serve` run them."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError
from django.db.models import Q

from .accounts.roles import ADMINS


@register("sqsadmin")
def demo_password_is_gone(app_configs=None, **kwargs) -> list[Error]:
    """With DEBUG off, refuse to start while an account that can manage everything (the demo
    admin, superusers, Admins, staff) still signs in with the demo password everybody knows."""
    if settings.DEBUG:
        return []
    from django.contrib.auth.models import User

    suspects = Q(username=settings.DEMO_ADMIN_USERNAME) | Q(is_superuser=True) | Q(is_staff=True)
    try:
        users = list(
            User.objects.filter(is_active=True).filter(suspects | Q(groups__name=ADMINS)).distinct()
        )
    except DatabaseError:
        return []  # not migrated yet: no account to worry about
    weak = [
        user.get_username() for user in users if user.check_password(settings.DEMO_ADMIN_PASSWORD)
    ]
    return [
        Error(
            f"The account {name!r} still has the demo password (DEMO_ADMIN_PASSWORD): change it "
            f"with `./manage.py changepassword {name}` before serving with DEBUG off.",
            id="sqsadmin.E001",
        )
        for name in weak
    ]
