"""A database made by an earlier sqsadmin migrates forward with its data intact: profiles with
readable secrets, audit events, users keeping their roles."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from queues.models import AuditEvent, AwsProfile

# The last migration of the layout before the app was split into packages.
BEFORE_THE_SPLIT = [("queues", "0004_roles_audit")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_an_old_database_migrates_forward_with_its_data():
    # Back to the first migration and forward to the old layout's last: the roles migration
    # makes the groups again, whatever earlier tests flushed.
    _migrate([("queues", "0001_initial")])
    old = _migrate(BEFORE_THE_SPLIT).loader.project_state(BEFORE_THE_SPLIT).apps
    # Rows written the way the old code wrote them: secrets as Fernet tokens under the
    # configured key, straight into the tables.
    token = Fernet(settings.FERNET_KEYS[0].encode()).encrypt(b"old-secret-value").decode()
    user_model, group_model = old.get_model("auth", "User"), old.get_model("auth", "Group")
    operator = user_model.objects.create(username="olga", password="!")
    operator.groups.add(group_model.objects.get(name="Operators"))
    with connection.cursor() as cursor:
        # name, slug, auth_mode, region, is_production, access_key_id, secret_access_key, version
        for row in (
            ["Old prod", "old-prod", "static", "eu-west-1", True, "AKIAOLD0000000000000", token, 3],
            ["Old dev", "old-dev", "default_chain", "eu-west-1", False, "", "", 1],
        ):
            cursor.execute(
                "INSERT INTO queues_awsprofile (name, slug, auth_mode, region, endpoint_url, "
                "is_production, access_key_id, secret_access_key, session_token, source_mode, "
                "role_arn, role_session_name, duration_seconds, external_id, trust_anchor_arn, "
                "rolesanywhere_profile_arn, certificate_pem, certificate_chain_pem, "
                "private_key_pem, private_key_passphrase, version, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, '', %s, %s, %s, '', '', '', '', 3600, '', '', '', '', "
                "'', '', '', %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                row,
            )
        cursor.execute("SELECT id FROM queues_awsprofile WHERE slug = 'old-prod'")
        (profile_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO queues_auditevent (created_at, user_id, username, profile_id, "
            "profile_name, region, queue, action, parameters, outcome, error) VALUES "
            "(CURRENT_TIMESTAMP, %s, 'olga', %s, 'Old prod', 'eu-west-1', 'orders', "
            "'purge_queue', %s, 'success', '')",
            [operator.pk, profile_id, '{"messages_before": 40}'],
        )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    profile = AwsProfile.objects.get(slug="old-prod")
    assert profile.secret_access_key == "old-secret-value"
    assert (profile.name, profile.region, profile.is_production, profile.version) == (
        "Old prod",
        "eu-west-1",
        True,
        3,
    )
    event = AuditEvent.objects.get()
    assert (event.username, event.profile, event.action) == ("olga", profile, "purge_queue")
    assert event.parameters == {"messages_before": 40}
    # Events from before the client address was recorded say nothing about it.
    assert (event.client_address, event.user_agent) == (None, "")
    olga = User.objects.get(username="olga")
    assert olga.has_perm("queues.operate_queues") and not olga.has_perm("queues.change_awsprofile")
    # Per-profile access keeps what everybody could do, except operating on production.
    dev = AwsProfile.objects.get(slug="old-dev")
    assert _names(dev.viewer_groups) == _names(profile.viewer_groups) == {"Operators", "Viewers"}
    assert _names(dev.operator_groups) == {"Operators"}
    assert _names(profile.operator_groups) == set()


def _names(groups) -> set[str]:
    return {group.name for group in groups.all()}
