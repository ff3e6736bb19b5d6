"""Keyed hashes, and chain heads that only move forward.

- ``key_version``: the AUDIT_KEYS version a format-3 event's HMAC is under
  (audit/keys.py); NULL for the unkeyed formats 1 and 2. A nullable column
  without a default: PostgreSQL adds it without rewriting the table, SQLite
  with ALTER TABLE (its triggers stay; 0003's are made again anyway, as
  0006 does, in case a future Django rebuilds the table here).
- The chain heads (``audit_auditchain``): the database refuses DELETE and
  TRUNCATE, and an UPDATE that does not move a head forward (a lower or equal
  sequence, or another chain number). Cutting a chain's tail then takes
  disabling the triggers, which only the owner can, and the signed
  checkpoints outside the database catch that (audit/checkpoints.py).
  Test-suite maintenance lets changes through as in 0007: the switch on and
  the session's role owning the table.
"""

from importlib import import_module

from django.db import migrations, models

refuse = import_module("audit.migrations.0003_refuse_changes")

FUNCTION = "audit_auditchain_forward_only"
ROW_TRIGGER = "audit_auditchain_refuse_update_delete"
TRUNCATE_TRIGGER = "audit_auditchain_refuse_truncate"
SQLITE_UPDATE_TRIGGER = "audit_auditchain_refuse_backwards"
SQLITE_DELETE_TRIGGER = "audit_auditchain_refuse_delete"
MESSAGE = "Access-log chain heads only move forward"

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('trygg.audit_maintenance', true) = 'on'
        AND pg_has_role(
            current_user,
            (SELECT relowner FROM pg_catalog.pg_class WHERE oid = TG_RELID),
            'MEMBER'
        )
    THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.number = OLD.number AND NEW.last_sequence > OLD.last_sequence THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}: chain % from sequence % to % is refused',
            OLD.number, OLD.last_sequence, NEW.last_sequence
            USING ERRCODE = 'restrict_violation';
    END IF;
    RAISE EXCEPTION '{MESSAGE}: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$
"""


def heads_forward_only(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("audit", "AuditChain")._meta.db_table)
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
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {SQLITE_UPDATE_TRIGGER} BEFORE UPDATE ON {table} "
            "FOR EACH ROW WHEN trygg_audit_maintenance() = 0 AND ("
            "NEW.number <> OLD.number OR NEW.last_sequence <= OLD.last_sequence) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: moving a head back is refused'); END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {SQLITE_DELETE_TRIGGER} BEFORE DELETE ON {table} "
            "FOR EACH ROW WHEN trygg_audit_maintenance() = 0 "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE is refused'); END"
        )
    else:
        raise RuntimeError(f"No forward-only chain heads for the {vendor} database.")


def heads_any_way(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("audit", "AuditChain")._meta.db_table)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {ROW_TRIGGER} ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_UPDATE_TRIGGER}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_DELETE_TRIGGER}")


def refuse_changes_again_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        refuse.refuse_changes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_maintenance_only_for_the_owner"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, refuse_changes_again_on_sqlite),
        migrations.AddField(
            model_name="accessevent",
            name="key_version",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(refuse_changes_again_on_sqlite, migrations.RunPython.noop),
        migrations.RunPython(heads_forward_only, heads_any_way),
    ]
