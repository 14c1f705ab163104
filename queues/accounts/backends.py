"""Sign-in backends' permission checks, cheaper per request than Django's own."""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from .reads import read_by_key, read_query


class OneQueryPermissions:
    """ModelBackend's permission checks with the user's own and their groups' permissions read
    in one query, not two: every page checks a permission, so every page saved a query. Both
    that query and the signed-in user, read on every page too, go through a plain cursor with
    their SQL built once per connection (see reads.py)."""

    def get_user(self, user_id):
        model = get_user_model()
        user = read_by_key(model, model._meta.pk.column, user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            superuser = user_obj.is_superuser

            def build():
                perms = Permission.objects.all()
                if not superuser:
                    perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj)).distinct()
                return perms.values_list("content_type__app_label", "codename").order_by()

            key = (Permission, "every" if superuser else "granted")
            user_obj._perm_cache = {
                f"{app}.{codename}"
                for app, codename in read_query(Permission, key, build, user_obj.pk)
            }
        return user_obj._perm_cache


class ModelBackend(OneQueryPermissions, backends.ModelBackend):
    """Django's username and password sign-in, with permissions read in one query."""
