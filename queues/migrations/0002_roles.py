"""Create the Admins, Operators and Viewers groups with their permissions."""

from __future__ import annotations

from django.db import migrations

from queues.accounts.roles import GROUP_PERMISSIONS, create_roles


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUP_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("queues", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
