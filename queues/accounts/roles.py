"""The three roles (Django groups) and the permission check every view declares.

Admins can do everything, Operators every queue and message action, Viewers list and inspect.
A peek increments receive counts, so receiving messages is an Operator action.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

ADMINS, OPERATORS, VIEWERS = "Admins", "Operators", "Viewers"

BROWSE = "queues.browse_queues"
OPERATE = "queues.operate_queues"
MANAGE_PROFILES = "queues.change_awsprofile"

# Codenames each group holds, by app label.
GROUP_PERMISSIONS: dict[str, dict[str, list[str] | None]] = {
    # None: every permission of that app.
    ADMINS: {"queues": None, "auth": None},
    OPERATORS: {"queues": ["browse_queues", "operate_queues"]},
    VIEWERS: {"queues": ["browse_queues"]},
}

# The least role that holds a permission: what a 403 page tells the user to ask for.
ROLE_NEEDED = {BROWSE: "Viewer", OPERATE: "Operator"}


def sync_role_groups(group_model, permission_model) -> None:
    """Create the three groups and give them their permissions (idempotent).

    Takes the models as arguments so a migration can pass its historical ones.
    """
    for name, by_app in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for app_label, codenames in by_app.items():
            perms = permission_model.objects.filter(content_type__app_label=app_label)
            if codenames is not None:
                perms = perms.filter(codename__in=codenames)
            group.permissions.add(*perms)


def create_roles(apps, schema_editor) -> None:
    """Migration step: make sure every permission exists, then sync the groups.

    Permissions are normally created after all migrations ran; the groups need them now. Later
    migrations call this again so Admins also get the permissions of models added since.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def role_needed(perm: str) -> str:
    return ROLE_NEEDED.get(perm, "Admin")


def permission_denied(request: HttpRequest, perm: str) -> HttpResponse:
    template = "403.html#denied" if getattr(request, "htmx", False) else "403.html"
    return TemplateResponse(
        request, template, {"role_needed": role_needed(perm), "perm": perm}, status=403
    )


def require_permission(perm: str) -> Callable:
    """View decorator: a signed-in user without `perm` gets a 403 page naming the role needed.

    Anonymous users never reach it: LoginRequiredMiddleware sends them to the login page first.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.has_perm(perm):
                return permission_denied(request, perm)
            return view(request, *args, **kwargs)

        wrapper.required_permission = perm  # type: ignore[attr-defined]
        return wrapper

    return decorator
