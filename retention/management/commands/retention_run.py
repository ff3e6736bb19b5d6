"""Erase the files that are due (gallring). Cron: daily, see the README."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from retention.rules import LEGAL_BASIS
from retention.services import retention_run


class Command(BaseCommand):
    help = "List the files due for erasure and erase them by crypto-shredding."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due; erase nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        result = retention_run(at=timezone.now(), dry_run=dry_run)
        for due in result.due:
            last = timezone.localtime(due.last_entry_at).date().isoformat()
            self.stdout.write(f"{due.reference}\t{due.rule}\tlast entry {last}")
        for rule in sorted({due.rule for due in result.due}):
            self.stdout.write(f"{rule}: {LEGAL_BASIS[rule]}")
        if dry_run:
            self.stdout.write(f"Dry run: {len(result.due)} due, nothing erased.")
        else:
            self.stdout.write(f"Run {result.run}: {len(result.due)} due, {result.erased} erased.")
