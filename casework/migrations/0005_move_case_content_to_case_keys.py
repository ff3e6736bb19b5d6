"""Give every under-15 report a data key of its own and re-seal its content under it.

Until now a report's police reference and summary, and its contacts' and
notes' text, were sealed under the person's data key, so one case could not
be shredded apart from the person's other cases. Each report gets a case
key; its values, its contacts' and notes' values, and their history rows
are opened under the person's key and sealed again under the case key with
the same binding (table, column, row). Values under a destroyed person key
are gone already and become empty.

Raw SQL and vault.crypto instead of the models: historical models have none
of the encrypted fields' machinery, and the fields refuse plain values.
Reversible: the reverse seals everything under the person's key again.
"""

import uuid

from django.db import migrations
from django.utils import timezone

from vault import crypto

REPORT_TABLE = "casework_under15report"
REPORT_COLUMNS = ("police_reference", "summary")
RECORD_TABLES = {"casework_contact": ("participants",), "casework_journalentry": ("text",)}


def _as_uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class _Keys:
    """Raw data keys by id, unwrapped once; None for a destroyed key."""

    def __init__(self, apps, connection):
        self.model = apps.get_model("vault", "DataKey")
        self.connection = connection
        self.raw = {}

    def db(self, key_id):
        return key_id if self.connection.vendor == "postgresql" else key_id.hex

    def get(self, key_id):
        key_id = _as_uuid(key_id)
        if key_id not in self.raw:
            row = self.model.objects.get(pk=key_id)
            self.raw[key_id] = (
                None
                if row.destroyed_at is not None
                else crypto.data_key_unwrap(
                    key_id=key_id, version=row.master_key_version, wrapped=row.wrapped_key
                )
            )
        return self.raw[key_id]

    def create(self):
        key_id = uuid.uuid4()
        raw = crypto.data_key_new()
        version, wrapped = crypto.data_key_wrap(key_id=key_id, raw_key=raw)
        self.model.objects.create(
            id=key_id,
            purpose="case",
            master_key_version=version,
            wrapped_key=wrapped,
            created_at=timezone.now(),
        )
        self.raw[key_id] = raw
        return key_id


def _reseal(keys, table, row_id, column, value, source, target):
    if value is None:
        return None
    source_raw, target_raw = keys.get(source), keys.get(target)
    if source_raw is None or target_raw is None:
        return None  # shredded already
    text = crypto.value_open(
        raw_key=source_raw,
        key_id=source,
        binding=crypto.value_binding(table, column, row_id, source),
        sealed=value,
    )
    return crypto.value_seal(
        raw_key=target_raw,
        key_id=target,
        binding=crypto.value_binding(table, column, row_id, target),
        plaintext=text,
    )


def _move_rows(cursor, keys, table, columns, id_column, where, params, source, target, key_value):
    """Re-seal ``columns`` of the rows of ``table`` matching ``where``; set data_key_id."""
    cursor.execute(f"SELECT {id_column}, {', '.join(columns)} FROM {table} WHERE {where}", params)
    for row_id, *values in cursor.fetchall():
        row_id = _as_uuid(row_id)
        sealed = [
            _reseal(keys, table, row_id, column, value, source, target)
            for column, value in zip(columns, values, strict=True)
        ]
        assignments = ", ".join(f"{column} = %s" for column in columns)
        cursor.execute(
            f"UPDATE {table} SET {assignments}, data_key_id = %s WHERE {id_column} = %s",
            [*sealed, key_value, keys.db(row_id)],
        )


def _move(apps, schema_editor, *, to_case_keys):
    connection = schema_editor.connection
    keys = _Keys(apps, connection)
    content_type = (
        apps.get_model("contenttypes", "ContentType")
        .objects.filter(app_label="casework", model="under15report")
        .first()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id, r.data_key_id, p.data_key_id FROM {REPORT_TABLE} r "
            "JOIN casework_person p ON p.id = r.person_id"
        )
        reports = cursor.fetchall()
        for report_id, case_key_id, person_key_id in reports:
            report_id, person_key_id = _as_uuid(report_id), _as_uuid(person_key_id)
            if to_case_keys:
                source, target = person_key_id, keys.create()
                key_value = keys.db(target)
            else:
                source, target = _as_uuid(case_key_id), person_key_id
                key_value = None
            db_report = keys.db(report_id)
            for table, id_column in ((REPORT_TABLE, "id"), (f"casework_historical{REPORT_TABLE[9:]}", "history_id")):
                _move_rows(
                    cursor, keys, table, REPORT_COLUMNS, id_column, "id = %s", [db_report],
                    source, target, key_value,
                )
            for table, columns in RECORD_TABLES.items():
                where = "case_type_id = %s AND case_id = %s"
                cursor.execute(f"SELECT id FROM {table} WHERE {where}", [content_type.pk, db_report])
                for (record_id,) in cursor.fetchall():
                    db_record = keys.db(_as_uuid(record_id))
                    for name, id_column in ((table, "id"), (table.replace("casework_", "casework_historical"), "history_id")):
                        _move_rows(
                            cursor, keys, name, columns, id_column, "id = %s", [db_record],
                            source, target, key_value,
                        )
            if not to_case_keys:
                cursor.execute(
                    "UPDATE vault_datakey SET wrapped_key = NULL, master_key_version = NULL, "
                    "destroyed_at = %s WHERE id = %s",
                    [timezone.now(), keys.db(source)],
                )
        if to_case_keys:
            for table in RECORD_TABLES:
                cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE data_key_id IS NULL")
                if cursor.fetchone()[0]:
                    raise RuntimeError(f"{table} has rows of a case that is not an under-15 report")


def to_case_keys(apps, schema_editor):
    _move(apps, schema_editor, to_case_keys=True)


def to_person_keys(apps, schema_editor):
    _move(apps, schema_editor, to_case_keys=False)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_add_case_data_keys"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("vault", "0002_add_case_key_purpose"),
    ]

    operations = [migrations.RunPython(to_case_keys, to_person_keys)]
