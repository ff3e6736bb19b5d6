from django.core.management.base import BaseCommand

from vault.keyring import generate_key_text


class Command(BaseCommand):
    help = (
        "Print new key material for MASTER_KEYS (or a new version of it), BLIND_INDEX_KEY "
        "and AUDIT_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--master-version", type=int, default=1, help="version number of the new master key"
        )
        parser.add_argument(
            "--audit-version", type=int, default=1, help="version number of the new audit key"
        )

    def handle(self, *args, master_version, audit_version, **options):
        self.stdout.write(f"MASTER_KEYS={master_version}:{generate_key_text()}")
        self.stdout.write(f"BLIND_INDEX_KEY={generate_key_text()}")
        self.stdout.write(f"AUDIT_KEYS={audit_version}:{generate_key_text()}")
        self.stdout.write(
            "Keep these out of the database backup and out of version control. To rotate, "
            "append the new version to MASTER_KEYS (comma-separated), restart, then run "
            "`manage.py rotate_keys`. BLIND_INDEX_KEY is set once: after changing it, "
            "run `manage.py rebuild_blind_indexes`. To rotate AUDIT_KEYS, append the new "
            "version and restart: new events and checkpoints use it, old ones keep verifying "
            "under the versions kept."
        )
