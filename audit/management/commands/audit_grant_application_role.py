"""Give the application's database role its rights: read and append to the access log, no more.

Run as the role that owns the tables (the one ``migrate`` runs as), after
the first ``migrate`` and again after any migration that adds tables (the
default privileges cover tables the owner creates later, but not
sequences or tables made by another role). PostgreSQL only. The statements
are ``audit.database.application_role_grants``; ``--print`` shows them
without running anything.

Refuses a role that could change the log anyway: the owner itself, a member
of the owning role, or a superuser.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from audit.database import application_role_grants
from audit.models import AccessEvent


class Command(BaseCommand):
    help = (
        "Grant the application's database role what it needs and only read and append on the "
        "access log. Run as the owner of the tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--print", action="store_true", help="print the statements, run nothing"
        )

    def handle(self, *args, role, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles and grants are PostgreSQL's; this is not one.")
        statements = application_role_grants(role, quote_name=connection.ops.quote_name)
        if options["print"]:
            for statement in statements:
                self.stdout.write(f"{statement};")
            return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            self._refuse_a_role_that_owns_the_log(cursor, role)
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(f"{role} may now read and append to the access log, no more.")
        )

    def _refuse_a_role_that_owns_the_log(self, cursor, role):
        cursor.execute(
            "SELECT current_user, owner.rolname, "
            "pg_has_role(current_user, owner.oid, 'USAGE'), "
            "application.rolsuper, pg_has_role(application.oid, owner.oid, 'MEMBER') "
            "FROM pg_catalog.pg_class AS log "
            "JOIN pg_catalog.pg_roles AS owner ON owner.oid = log.relowner "
            "LEFT JOIN pg_catalog.pg_roles AS application ON application.rolname = %s "
            "WHERE log.oid = %s::regclass",
            [role, AccessEvent._meta.db_table],
        )
        current, owner, acts_as_owner, superuser, member_of_owner = cursor.fetchone()
        if not acts_as_owner:
            raise CommandError(
                f"Run this as the owner of the tables ({owner}), not as {current}: "
                "only the owner can grant on them."
            )
        if superuser is None:
            raise CommandError(f"There is no database role {role!r}.")
        if superuser or member_of_owner:
            raise CommandError(
                f"{role} is a superuser or a member of the owning role {owner}: it could "
                "change the access log whatever is granted. Give the application a role "
                "of its own."
            )
