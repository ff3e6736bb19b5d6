import pytest
from django.db import connection

from audit import database
from audit.models import AccessEvent

TABLE = AccessEvent._meta.db_table


@pytest.fixture
def append_only(db):
    """Test-suite maintenance off for this connection: the triggers refuse again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET trygg.audit_maintenance = 'off'")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET trygg.audit_maintenance = 'on'")
    else:
        database.sqlite_maintenance_enabled = False
        yield
        database.sqlite_maintenance_enabled = True


def tamper(sql, params=()):
    """Change the log past its triggers, as the table's owner could.

    PostgreSQL: the owner disables the triggers for a moment. SQLite: the
    triggers are dropped; the test's transaction brings them back.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_accessevent_refuse_update")
            cursor.execute("DROP TRIGGER audit_accessevent_refuse_delete")
            cursor.execute(sql, params)
