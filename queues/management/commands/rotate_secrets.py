"""`manage.py rotate_secrets`: re-encrypt stored AWS secrets with the newest FERNET_KEYS key."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from queues.profiles.crypto import EncryptedTextField, SecretUnreadable
from queues.profiles.models import AwsProfile


class Command(BaseCommand):
    help = "Re-encrypt stored secrets with the first key of FERNET_KEYS (after adding a new key)."

    def handle(self, *args, **options):
        fields = [f.name for f in AwsProfile._meta.fields if isinstance(f, EncryptedTextField)]
        count = 0
        with transaction.atomic():
            for profile in AwsProfile.objects.select_for_update():
                try:
                    values = {name: getattr(profile, name) for name in fields}
                except SecretUnreadable as error:
                    raise CommandError(f"Profile {profile.name!r}: {error}") from None
                # update() encrypts afresh with the newest key and leaves `version` alone.
                AwsProfile.objects.filter(pk=profile.pk).update(**values)
                count += 1
        self.stdout.write(f"Re-encrypted the secrets of {count} profile(s) with the newest key.")
