from django.core.management.base import BaseCommand

from vault.keyring import generate_key_text


class Command(BaseCommand):
    help = "Print new key material for MASTER_KEYS (or a new version of it) and BLIND_INDEX_KEY."

    def add_arguments(self, parser):
        parser.add_argument(
            "--master-version", type=int, default=1, help="version number of the new master key"
        )

    def handle(self, *args, master_version, **options):
        self.stdout.write(f"MASTER_KEYS={master_version}:{generate_key_text()}")
        self.stdout.write(f"BLIND_INDEX_KEY={generate_key_text()}")
        self.stdout.write(
            "Keep these out of the database backup and out of version control. To rotate, "
            "append the new version to MASTER_KEYS (comma-separated), restart, then run "
            "`manage.py rotate_keys`. BLIND_INDEX_KEY is set once: after changing it, "
            "run `manage.py rebuild_blind_indexes`."
        )
