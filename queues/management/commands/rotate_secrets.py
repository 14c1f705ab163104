"""`manage.py rotate_secrets`: re-encrypt stored AWS secrets with the newest FERNET_KEYS key."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ExpressionWrapper, F, TextField

from queues.profiles.crypto import EncryptedTextField, SecretUnreadable, decrypt
from queues.profiles.models import AwsProfile


class Command(BaseCommand):
    help = "Re-encrypt stored secrets with the first key of FERNET_KEYS (after adding a new key)."

    def handle(self, *args, **options) -> None:
        fields = [f for f in AwsProfile._meta.fields if isinstance(f, EncryptedTextField)]
        # The stored tokens as they are: read through the fields, they would be decrypted while
        # the rows load, and a token no key opens would end the command in a traceback.
        # (values() refuses an alias equal to a field name, hence the prefix.)
        tokens = {
            f"token_{f.name}": ExpressionWrapper(F(f.name), output_field=TextField())
            for f in fields
        }
        with transaction.atomic():
            rows = AwsProfile.objects.select_for_update().values("pk", "name", **tokens)
            # Every secret is read before any is written: one that cannot be read changes nothing.
            updates = {row["pk"]: _plaintexts(row, fields) for row in rows}
            for pk, values in updates.items():
                # update() encrypts afresh with the newest key and leaves `version` alone.
                AwsProfile.objects.filter(pk=pk).update(**values)
        self.stdout.write(
            f"Re-encrypted the secrets of {len(updates)} profile(s) with the newest key."
        )


def _plaintexts(row: dict, fields: list[EncryptedTextField]) -> dict[str, str]:
    plaintexts = {}
    for field in fields:
        token = row[f"token_{field.name}"]
        try:
            plaintexts[field.name] = decrypt(token) if token else ""
        except SecretUnreadable:
            raise CommandError(
                f"Profile {row['name']!r}: its {field.verbose_name} cannot be decrypted with "
                "any key in FERNET_KEYS. Nothing was re-encrypted: put the key it was encrypted "
                "with back in FERNET_KEYS (after the new one) and run rotate_secrets again."
            ) from None
    return plaintexts
