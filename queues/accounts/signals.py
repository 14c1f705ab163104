from __future__ import annotations

import logging

from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .roles import ADMINS

logger = logging.getLogger("sqsadmin.auth")


@receiver(post_save, sender=User)
def superusers_are_admins(
    sender, instance: User, created: bool, raw: bool = False, **kwargs
) -> None:
    """`createsuperuser` and the demo admin land in the Admins group, so the UI's role is right."""
    if raw or not instance.is_superuser:
        return
    group = Group.objects.filter(name=ADMINS).first()
    if group is not None:
        instance.groups.add(group)


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials: dict, request=None, **kwargs) -> None:
    """Failed password sign-ins in the log: who was tried and from where, never the password."""
    if credentials.get("password") is None:  # not a password attempt (single sign-on)
        return
    from .lockout import client_ip

    logger.warning(
        "failed sign-in user=%r address=%s",
        str(credentials.get("username") or "")[:150],
        client_ip(request) if request is not None else "-",
    )
