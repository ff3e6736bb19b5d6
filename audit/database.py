"""The database side of the append-only log: the test suite's maintenance switch.

The triggers of migration 0003_refuse_changes refuse UPDATE, DELETE and
TRUNCATE on the access log. Django's test suite empties every table between
transactional tests, so with AUDIT_ALLOW_MAINTENANCE (allowed only with
DEBUG) each new connection lets those through:

- PostgreSQL: the connection runs ``SET trygg.audit_maintenance = 'on'``,
  which the trigger function reads.
- SQLite: the triggers fire only ``WHEN trygg_audit_maintenance() = 0``; the
  function is registered here on every connection (without it every UPDATE
  and DELETE fails, also from other programs), and returns 1 only with the
  setting on and ``sqlite_maintenance_enabled`` true.

Tests that check the triggers switch maintenance off for their connection.
"""

from django.conf import settings

SQLITE_FUNCTION = "trygg_audit_maintenance"
POSTGRESQL_SETTING = "trygg.audit_maintenance"

# Tests set this to False to see the SQLite triggers refuse.
sqlite_maintenance_enabled = True


def _sqlite_maintenance():
    return int(bool(settings.AUDIT_ALLOW_MAINTENANCE and sqlite_maintenance_enabled))


def connection_prepare(sender, connection, **kwargs):
    """connection_created handler: register the function, or allow maintenance."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, _sqlite_maintenance)
    elif connection.vendor == "postgresql" and settings.AUDIT_ALLOW_MAINTENANCE:
        # A session setting, made outside any transaction, so no rollback undoes it.
        with connection.connection.cursor() as cursor:
            cursor.execute(f"SET {POSTGRESQL_SETTING} = 'on'")
