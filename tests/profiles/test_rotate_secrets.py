"""`manage.py rotate_secrets` re-encrypts with the newest key, or says which profile it cannot."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from queues.models import AuthMode, AwsProfile


def _stored_tokens() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, secret_access_key, session_token FROM queues_awsprofile ORDER BY name"
        )
        return cursor.fetchall()


def _create(name: str, settings, key: str) -> AwsProfile:
    settings.FERNET_KEYS = [key]
    return AwsProfile.objects.create(
        name=name,
        slug=name.lower(),
        auth_mode=AuthMode.STATIC,
        access_key_id="AKIAROTATE0000000001",
        secret_access_key=f"{name}-secret-value",
        session_token=f"{name}-session-token",
    )


def test_a_secret_no_key_opens_is_a_one_line_error_naming_the_profile_and_nothing_changes(
    db, settings
):
    lost, kept, new = (Fernet.generate_key().decode() for _ in range(3))
    _create("Alpha", settings, kept)  # readable, and first in line
    _create("Zulu", settings, lost)
    before = _stored_tokens()
    settings.FERNET_KEYS = [new, kept]  # the key Zulu was encrypted with is gone
    with pytest.raises(CommandError) as error:
        call_command("rotate_secrets")
    message = str(error.value)
    assert message.startswith("Profile 'Zulu': its secret access key cannot be decrypted")
    assert "\n" not in message and "secret-value" not in message
    # Alpha, readable, was not re-encrypted either: a second run after the fix starts clean.
    assert _stored_tokens() == before


def test_every_profile_is_re_encrypted_with_the_newest_key(db, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _create("Alpha", settings, old)
    before = _stored_tokens()
    settings.FERNET_KEYS = [new, old]
    version = AwsProfile.objects.get().version
    out = StringIO()
    call_command("rotate_secrets", stdout=out)
    assert "1 profile(s)" in out.getvalue()
    assert _stored_tokens() != before
    settings.FERNET_KEYS = [new]  # the old key can go now
    profile = AwsProfile.objects.get()
    assert (profile.secret_access_key, profile.session_token) == (
        "Alpha-secret-value",
        "Alpha-session-token",
    )
    assert profile.version == version  # cached clients stay valid: the secrets did not change
