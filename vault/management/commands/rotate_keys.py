from django.core.management.base import BaseCommand

from vault.keyring import key_ring
from vault.services import data_keys_rewrap, master_key_versions_in_use


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
        in_use = master_key_versions_in_use()
        self.stdout.write(self.style.SUCCESS(f"Done: {count} data keys re-wrapped."))
        removable = [v for v in key_ring().versions if v not in in_use]
        if removable:
            versions = ", ".join(str(v) for v in removable)
            self.stdout.write(
                f"Master key versions no longer in use: {versions}. They can be removed "
                "from MASTER_KEYS (keep them in your key backup until the next database "
                "backup has rotated out)."
            )
