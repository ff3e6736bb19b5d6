"""The database refuses UPDATE, DELETE and TRUNCATE on the access log.

PostgreSQL: one plpgsql function behind a BEFORE UPDATE OR DELETE row
trigger and a BEFORE TRUNCATE statement trigger. SQLite: BEFORE UPDATE and
BEFORE DELETE triggers that RAISE(ABORT); SQLite has no TRUNCATE.

Both let the operation through only in test-suite maintenance (see
audit/database.py): PostgreSQL when the session setting
trygg.audit_maintenance is 'on', SQLite when the connection's
trygg_audit_maintenance() function returns 1. Any session can set that
PostgreSQL setting, so these triggers stop mistakes, not an attacker: in
production the application's database role must not hold UPDATE, DELETE or
TRUNCATE on the table at all (README, "Running in production").

SQLite drops a table's triggers when Django rebuilds the table, which it
does for most column changes. A later migration that alters
audit_accessevent must therefore run ``refuse_changes`` again on SQLite.
The errors are integrity errors on both databases (SQLSTATE 23001 on
PostgreSQL, SQLITE_CONSTRAINT on SQLite), so Django raises IntegrityError.
"""

from django.db import migrations

FUNCTION = "audit_accessevent_refuse_change"
ROW_TRIGGER = "audit_accessevent_refuse_update_delete"
TRUNCATE_TRIGGER = "audit_accessevent_refuse_truncate"
SQLITE_UPDATE_TRIGGER = "audit_accessevent_refuse_update"
SQLITE_DELETE_TRIGGER = "audit_accessevent_refuse_delete"
MESSAGE = "The access log is append-only"

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('trygg.audit_maintenance', true) = 'on' THEN
        -- A BEFORE row trigger that returns NULL would skip the row silently.
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$
"""


def refuse_changes(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("audit", "AccessEvent")._meta.db_table)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # No parameters: the % in RAISE are plpgsql's, not placeholders.
        schema_editor.execute(POSTGRESQL_FUNCTION, params=None)
        schema_editor.execute(
            f"CREATE TRIGGER {ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )
    elif vendor == "sqlite":
        for name, operation in ((SQLITE_UPDATE_TRIGGER, "UPDATE"), (SQLITE_DELETE_TRIGGER, "DELETE")):
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON {table} "
                f"FOR EACH ROW WHEN trygg_audit_maintenance() = 0 "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {operation} is refused'); END"
            )
    else:
        # Fail loudly: an access log the database does not protect is not one.
        raise RuntimeError(f"No append-only triggers for the {vendor} database.")


def allow_changes(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("audit", "AccessEvent")._meta.db_table)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {ROW_TRIGGER} ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_UPDATE_TRIGGER}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_DELETE_TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_create_chains"),
    ]

    operations = [migrations.RunPython(refuse_changes, allow_changes)]
