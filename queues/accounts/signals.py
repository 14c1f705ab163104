from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db.models.signals import post_save
from django.dispatch import receiver

from .roles import ADMINS


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
