"""Open every encrypted value of every row and list those that do not verify.

Run after a restore from backup, or when the access log shows an
``integrity_failed`` event: a value copied from another row or column, a
changed byte or plain text written into an encrypted column is named by
table, column and row (never its content). Streams each table in batches
with a progress line per batch; exits non-zero when something does not verify.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from vault.fields import SYSTEM_KEY, EncryptedTextField, Sealed
from vault.keycache import data_key_cache
from vault.models import DecryptionFailed, KeyDestroyed

BATCH_SIZE = 1000


def encrypted_models():
    """(model, its encrypted fields) for every model that has any."""
    for model in apps.get_models():
        fields = [
            field for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)
        ]
        if fields:
            yield model, fields


def _key_relations(fields):
    return sorted(
        {field.key_path.replace(".", "__") for field in fields if field.key_path != SYSTEM_KEY}
    )


def model_failures(model, fields, *, progress=None):
    """Yield (table, column, row, problem) for each value of ``model`` that does not verify."""
    rows = model._default_manager.select_related(*_key_relations(fields)).order_by("pk")
    done = 0
    for instance in rows.iterator(chunk_size=BATCH_SIZE):
        for field in fields:
            sealed = instance.__dict__.get(field.attname)
            if not isinstance(sealed, Sealed):
                continue
            try:
                field.open(instance, sealed)
            except DecryptionFailed as error:
                yield model._meta.db_table, field.column, str(field._row_id(instance)), str(error)
            except KeyDestroyed:
                # Erased: its values are gone by design, not tampered with.
                continue
        done += 1
        if progress is not None and done % BATCH_SIZE == 0:
            progress(done)


class Command(BaseCommand):
    help = "Check that every stored encrypted value verifies; list those that do not."

    def handle(self, *args, **options):
        failures = 0
        with data_key_cache():
            for model, fields in encrypted_models():
                table = model._meta.db_table
                total = model._default_manager.count()

                def progress(done, table=table, total=total):
                    self.stderr.write(f"{table}: {done:,} / {total:,} rows")

                found = 0
                for table_name, column, row, problem in model_failures(
                    model, fields, progress=progress
                ):
                    found += 1
                    self.stdout.write(f"NOT VERIFIED {table_name}.{column} row {row}: {problem}")
                failures += found
                self.stdout.write(f"{table}: {total:,} rows, {found} values not verified")
        if failures:
            raise CommandError(f"{failures} stored values do not verify (listed above).")
        self.stdout.write(self.style.SUCCESS("OK: every stored value verifies."))
