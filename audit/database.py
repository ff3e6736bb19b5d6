"""The database side of the append-only log: the test suite's maintenance
switch, and the rights of the application's database role.

The triggers of migration 0003_refuse_changes refuse UPDATE, DELETE and
TRUNCATE on the access log. Django's test suite empties every table between
transactional tests, so with AUDIT_ALLOW_MAINTENANCE (allowed only with
DEBUG) each new connection lets those through:

- PostgreSQL: the connection runs ``SET trygg.audit_maintenance = 'on'``,
  which the trigger function reads; since 0007_maintenance_only_for_the_owner
  it counts only when the session's current role owns the table (the test
  suite connects as the owner).
- SQLite: the triggers fire only ``WHEN trygg_audit_maintenance() = 0``; the
  function is registered here on every connection (without it every UPDATE
  and DELETE fails, also from other programs), and returns 1 only with the
  setting on and ``sqlite_maintenance_enabled`` true.

Tests that check the triggers switch maintenance off for their connection.

The triggers stop mistakes, not the table's owner, who can disable them. In
production the application connects as a role of its own that may read and
append to the log and nothing else: ``application_role_grants`` are the
statements, run by ``python manage.py audit_grant_application_role ROLE`` as
the owner (README, "Running in production"); the tests run the same command.
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


def application_role_grants(role, *, quote_name):
    """The statements, run as the owner, that give ``role`` what the application needs.

    Everything in the public schema to read and write, now and for tables the
    owner creates later; on the access log only SELECT and INSERT, and on its
    chain heads SELECT, INSERT and UPDATE (heads move forward, never go); on
    the review queue no DELETE (a flagged event's item gone would take it
    out of the auditors' sight).
    """
    from audit.models import AccessEvent, AuditChain, ReviewItem

    name = quote_name(role)
    events = quote_name(AccessEvent._meta.db_table)
    chains = quote_name(AuditChain._meta.db_table)
    reviews = quote_name(ReviewItem._meta.db_table)
    return [
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {name}",
        # The access log: read and append, nothing else.
        f"REVOKE ALL ON {events} FROM {name}",
        f"GRANT SELECT, INSERT ON {events} TO {name}",
        # Chain heads move forward; they are never removed.
        f"REVOKE ALL ON {chains} FROM {name}",
        f"GRANT SELECT, INSERT, UPDATE ON {chains} TO {name}",
        # Review items are added and concluded, never removed.
        f"REVOKE ALL ON {reviews} FROM {name}",
        f"GRANT SELECT, INSERT, UPDATE ON {reviews} TO {name}",
    ]
