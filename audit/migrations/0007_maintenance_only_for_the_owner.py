"""PostgreSQL: the maintenance switch only works for the access log's owner.

Until now any session could ``SET trygg.audit_maintenance = 'on'`` and then
change or empty the log, so the triggers of 0003_refuse_changes stopped only
mistakes. The trigger function now lets an UPDATE, DELETE or TRUNCATE
through only if the switch is on *and* the current role owns the table (or
is a member of the owning role, i.e. could disable the triggers anyway; a
superuser counts as a member of every role). The test suite connects as the
owner, so its own maintenance keeps working; the application's role does not
get through even if it is granted DELETE by mistake.

Only the function is replaced; the triggers that call it stay. SQLite has no
roles and no session settings: its triggers are unchanged.
"""

from importlib import import_module

from django.db import migrations

refuse = import_module("audit.migrations.0003_refuse_changes")

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {refuse.FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('trygg.audit_maintenance', true) = 'on'
        AND pg_has_role(
            current_user,
            (SELECT relowner FROM pg_catalog.pg_class WHERE oid = TG_RELID),
            'MEMBER'
        )
    THEN
        -- A BEFORE row trigger that returns NULL would skip the row silently.
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{refuse.MESSAGE}: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$
"""


def maintenance_only_for_the_owner(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No parameters: the % in RAISE are plpgsql's, not placeholders.
        schema_editor.execute(POSTGRESQL_FUNCTION, params=None)


def maintenance_for_any_session(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(refuse.POSTGRESQL_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_add_hash_format"),
    ]

    operations = [
        migrations.RunPython(maintenance_only_for_the_owner, maintenance_for_any_session),
    ]
