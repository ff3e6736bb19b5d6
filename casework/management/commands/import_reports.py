"""Import persons and open under-15 reports from a CSV file (see casework/imports.py)."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.reports.imports import COLUMNS, ImportFileError, reports_import
from vault.keycache import data_key_cache


class Command(BaseCommand):
    help = (
        "Import persons and open under-15 reports from a UTF-8 CSV file with the columns "
        + ", ".join(COLUMNS)
        + ". Bad rows are reported by line and skipped; rerunning imports nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file")
        parser.add_argument(
            "--by", required=True, help="username of the social worker the import is made as"
        )
        parser.add_argument(
            "--assign-to", help="username of the worker the reports go to (default: unassigned)"
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, path, by, assign_to, batch_size, **options):
        users = get_user_model().objects
        try:
            importer = users.get(username=by, is_active=True)
            worker = users.get(username=assign_to, is_active=True) if assign_to else None
        except get_user_model().DoesNotExist:
            raise CommandError("No such active user.") from None
        started = time.monotonic()

        def progress(result):
            rate = result.rows / max(time.monotonic() - started, 1e-6)
            self.stdout.write(
                f"\r  {result.rows} rows read, {result.imported} imported, "
                f"{len(result.errors)} refused ({rate:,.0f} rows/s)",
                ending="",
            )
            self.stdout.flush()

        try:
            with open(path, "rb") as stream, data_key_cache():
                result = reports_import(
                    stream=stream,
                    by=importer,
                    assign_to=worker,
                    batch_size=batch_size,
                    progress=progress,
                )
        except (ImportFileError, OSError) as error:
            raise CommandError(str(error)) from None
        elapsed = time.monotonic() - started
        self.stdout.write("")
        for line, message in result.errors:
            self.stderr.write(f"line {line}: {message}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.imported} reports imported ({result.persons_created} new persons), "
                f"{result.already_imported} already there, {len(result.errors)} rows refused, "
                f"in {elapsed:.1f} s ({result.rows / max(elapsed, 1e-6):,.0f} rows/s)."
            )
        )
        if result.errors:
            raise CommandError(f"{len(result.errors)} rows were not imported (listed above).")
