"""Access-log fixtures, and the run as the application's database role.

With ``TRYGG_AUDIT_APPLICATION_ROLE=<role>`` (PostgreSQL; CI sets it) every
test here talks to the database as that role, which
``audit_grant_application_role`` has given the rights README prescribes:
the test's connection does ``SET ROLE`` (and so does every connection a
thread opens during the test) and ``RESET ROLE`` afterwards. What only the
table's owner can do, the tests do inside ``as_table_owner()`` (``tamper``
does), or for the whole test with the ``table_owner`` fixture. Without the
variable the tests run as the owner the suite connects as.
"""

import contextlib
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created

from audit import database
from audit.models import AccessEvent, AuditChain

TABLE = AccessEvent._meta.db_table
CHAINS = AuditChain._meta.db_table
APPLICATION_ROLE = os.environ.get("TRYGG_AUDIT_APPLICATION_ROLE", "")

# The role this test's connections are set to, while a test runs as it.
_active_role = None


def _quoted_role():
    return connection.ops.quote_name(APPLICATION_ROLE)


@pytest.fixture(scope="session")
def _application_role_granted(request):
    """The README's grants, by the same command, once per test database."""
    if not APPLICATION_ROLE:
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        if connection.vendor != "postgresql":
            pytest.fail(
                "TRYGG_AUDIT_APPLICATION_ROLE needs PostgreSQL (DATABASE_URL)", pytrace=False
            )
        call_command("audit_grant_application_role", APPLICATION_ROLE, stdout=StringIO())


def _database_fixture(request):
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in names:
        return "transactional_db"
    if marker or "db" in names:
        return "db"
    return None


@pytest.fixture(autouse=True)
def _as_application_role(request, _application_role_granted):
    global _active_role
    fixture = _database_fixture(request) if APPLICATION_ROLE else None
    if fixture is None:
        yield
        return
    request.getfixturevalue(fixture)
    set_role = f"SET ROLE {_quoted_role()}"

    def new_connection(sender, connection, **kwargs):
        # Threads' connections: the same role as the test's own.
        with connection.connection.cursor() as cursor:
            cursor.execute(set_role)

    with connection.cursor() as cursor:
        cursor.execute(set_role)
    connection_created.connect(new_connection, weak=False, dispatch_uid=__name__)
    _active_role = APPLICATION_ROLE
    try:
        yield
    finally:
        _active_role = None
        connection_created.disconnect(dispatch_uid=__name__)
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
        except DatabaseError:
            # An aborted transaction: its rollback undoes the SET ROLE made in it.
            if not connection.in_atomic_block:
                raise


@contextlib.contextmanager
def as_table_owner():
    """Act as the table's owner (the role the suite connects as) for a moment."""
    if _active_role is None:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {_quoted_role()}")


@pytest.fixture
def table_owner(_as_application_role):
    """The whole test as the table's owner: for what only the owner may do."""
    with as_table_owner():
        yield


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
    """Change the log or its chain heads past their triggers, as the tables' owner could.

    PostgreSQL: the owner disables the triggers for a moment. SQLite: the
    triggers are dropped; the test's transaction brings them back.
    """
    with as_table_owner(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (TABLE, CHAINS):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            for table in (TABLE, CHAINS):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            for trigger in (
                "audit_accessevent_refuse_update",
                "audit_accessevent_refuse_delete",
                "audit_auditchain_refuse_backwards",
                "audit_auditchain_refuse_delete",
            ):
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(sql, params)
