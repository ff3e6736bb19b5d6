"""Each access event names the format its hash was computed in.

Existing rows are format 1, the payload they were hashed over, so they keep
verifying; audit.services writes new events in audit.models.HASH_FORMAT.
The column has no default afterwards: every writer states its format.

SQLite rebuilds the table to add a NOT NULL column and drops its triggers on
the way (see 0003_refuse_changes), so they are made again after the column is
added, and after it is removed when migrating back.
"""

from importlib import import_module

from django.db import migrations, models

refuse_changes = import_module("audit.migrations.0003_refuse_changes").refuse_changes


def refuse_changes_again_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        refuse_changes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_add_administration_actions"),
    ]

    operations = [
        # Backwards this runs after the column is removed.
        migrations.RunPython(migrations.RunPython.noop, refuse_changes_again_on_sqlite),
        migrations.AddField(
            model_name="accessevent",
            name="hash_format",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.RunPython(refuse_changes_again_on_sqlite, migrations.RunPython.noop),
    ]
