"""From here on the role groups get their permissions from accounts/roles.py.

Read when the migration runs, not frozen into it: the sets are stated once,
in ROLE_PERMISSIONS. Django wants migrations frozen where live code could
name what the historical models at that point lack; ``roles_sync`` leaves
such a permission to the later migration that adds its model and ends with
the same operation. The earlier role migrations (accounts 0002, casework
0003, audit 0004) keep their frozen copies: they have run on databases and
are never edited. On a database they made, this changes nothing.
"""

from django.db import migrations

from accounts.roles import roles_sync_operation


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_add_second_factor_failure_count"),
        ("audit", "0010_add_second_factor_removed"),
        ("casework", "0012_report_first_contact_entry"),
        ("sspf", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [roles_sync_operation()]
