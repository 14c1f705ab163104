"""Per-profile access: which groups may view and which may operate each profile.

Existing profiles keep working as before: Operators and Viewers may view every one, and Operators
may operate every one except those flagged production, which stay view-only until an Admin
grants a group operate rights on the profile page.
"""

from __future__ import annotations

from django.db import migrations, models

OPERATORS, VIEWERS = "Operators", "Viewers"


def grant_as_before(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    operators, _ = group_model.objects.get_or_create(name=OPERATORS)
    viewers, _ = group_model.objects.get_or_create(name=VIEWERS)
    for profile in apps.get_model("queues", "AwsProfile").objects.all():
        profile.viewer_groups.add(operators, viewers)
        if not profile.is_production:
            profile.operator_groups.add(operators)


class Migration(migrations.Migration):
    dependencies = [
        ("queues", "0004_roles_audit"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="awsprofile",
            name="operator_groups",
            field=models.ManyToManyField(
                blank=True,
                related_name="operable_profiles",
                to="auth.group",
                verbose_name="may operate",
            ),
        ),
        migrations.AddField(
            model_name="awsprofile",
            name="viewer_groups",
            field=models.ManyToManyField(
                blank=True,
                related_name="viewable_profiles",
                to="auth.group",
                verbose_name="may view",
            ),
        ),
        migrations.RunPython(grant_as_before, migrations.RunPython.noop),
    ]
