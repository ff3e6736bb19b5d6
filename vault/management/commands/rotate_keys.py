"""Re-wrap every data key under the newest master key; say which older keys can go.

Loops until no live data key is left under an older version, waiting for
keys that other transactions hold and for transactions still wrapping under
an older version (vault/services.py, ``data_keys_rewrap``). Only then, and
after looking once more, does it name the versions that can be removed from
MASTER_KEYS. Refuses to run in a process whose MASTER_KEYS lacks a newer
version the database already knows.
"""

from django.core.management.base import BaseCommand, CommandError

from vault.keyring import key_ring
from vault.services import (
    data_keys_rewrap,
    master_key_versions_in_use,
    master_key_versions_removable,
)


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under the newest master key in MASTER_KEYS. "
        "Safe to stop and run again; afterwards older master keys can be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        newest = key_ring().newest_version
        self.stdout.write(f"Re-wrapping data keys under master key version {newest}.")

        def progress(done, total):
            self.stdout.write(f"  {done}/{total} data keys re-wrapped")

        count = data_keys_rewrap(batch_size=batch_size, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Done: {count} data keys re-wrapped."))
        # Looked at again after the last batch: data_keys_rewrap returned with
        # none left and no older wrap in flight; anything here is a surprise.
        left = [version for version in master_key_versions_in_use() if version != newest]
        if left:
            raise CommandError(
                "Data keys are still wrapped under master key versions "
                f"{', '.join(map(str, left))}: keep them in MASTER_KEYS and run rotate_keys again."
            )
        removable = master_key_versions_removable()
        if removable:
            versions = ", ".join(str(v) for v in removable)
            self.stdout.write(
                f"Master key versions no longer in use: {versions}. They can be removed "
                "from MASTER_KEYS (keep them in your key backup until the next database "
                "backup has rotated out)."
            )
