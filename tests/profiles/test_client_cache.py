"""Profiles become cached boto3 clients; stored secrets are encrypted at rest."""

from __future__ import annotations

import pytest
from django.db import connection

from queues.models import AuthMode, AwsProfile
from queues.profiles import credentials


def test_secrets_are_not_stored_in_plain_text(profile):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret_access_key, access_key_id FROM queues_awsprofile WHERE id = %s",
            [profile.pk],
        )
        raw_secret, raw_key_id = cursor.fetchone()
    assert "test-secret-access-key-value" not in raw_secret
    assert raw_secret.startswith("gAAAA")  # a Fernet token
    assert raw_key_id == "AKIATESTSQSADMIN1234"
    assert AwsProfile.objects.get(pk=profile.pk).secret_access_key == "test-secret-access-key-value"


def test_a_client_is_reused_until_the_profile_changes(profile):
    first = credentials.client_for(profile, "us-east-1")
    assert credentials.client_for(profile, "us-east-1") is first
    assert credentials.client_for(profile, "eu-west-1") is not first
    profile.endpoint_url = profile.endpoint_url + "/"
    profile.save()
    assert profile.version == 2
    assert credentials.client_for(profile, "us-east-1") is not first


def test_two_profiles_never_share_a_client(profile):
    other = AwsProfile.objects.create(
        name="Other", slug="other", access_key_id="AKIAOTHER", secret_access_key="other-secret"
    )
    mine = credentials.client_for(profile, "us-east-1")
    theirs = credentials.client_for(other, "us-east-1")
    assert mine is not theirs
    assert theirs._request_signer._credentials.access_key == "AKIAOTHER"


def test_a_static_profile_without_keys_is_reported(db):
    empty = AwsProfile.objects.create(name="Empty", slug="empty", auth_mode=AuthMode.STATIC)
    with pytest.raises(credentials.ProfileNotUsable, match="no access key"):
        credentials.client_for(empty, "us-east-1")


def test_rotating_keys_re_encrypts_with_the_newest_key(profile, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old_key = settings.FERNET_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FERNET_KEYS = [new_key, old_key]
    call_command("rotate_secrets")
    settings.FERNET_KEYS = [new_key]
    assert AwsProfile.objects.get(pk=profile.pk).secret_access_key == "test-secret-access-key-value"


def test_long_polls_get_a_client_whose_read_timeout_covers_the_wait(profile, settings):
    normal = credentials.client_for(profile, "us-east-1")
    long_poll = credentials.client_for(profile, "us-east-1", long_poll=True)
    assert long_poll is not normal
    assert normal.meta.config.read_timeout == settings.AWS_READ_TIMEOUT
    assert long_poll.meta.config.read_timeout == (
        settings.AWS_READ_TIMEOUT + credentials.LONGEST_POLL_SECONDS
    )


def test_a_profile_whose_secrets_the_keys_cannot_read_is_a_page_that_says_so(
    client, viewer_user, profile, settings
):
    from cryptography.fernet import Fernet

    settings.FERNET_KEYS = [Fernet.generate_key().decode()]  # the old key is gone
    client.force_login(viewer_user)
    response = client.get(f"/p/{profile.slug}/us-east-1/queues/")
    assert response.status_code == 503
    assert b"FERNET_KEYS" in response.content and b"rotate_secrets" in response.content
