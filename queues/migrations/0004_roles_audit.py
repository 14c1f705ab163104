"""Give the Admins group the permissions of models added after the roles were created."""

from __future__ import annotations

from django.db import migrations

from queues.accounts.roles import create_roles


class Migration(migrations.Migration):
    dependencies = [("queues", "0003_auditevent")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
