import subprocess

from django.db import connection


def database_dump():
    """Every row of every table, as text: pg_dump on PostgreSQL, iterdump on SQLite.

    On PostgreSQL pg_dump reads through its own connection, so the test must
    use committed data (``django_db(transaction=True)``).
    """
    if connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        connection.ensure_connection()
        return subprocess.run(
            [
                "pg_dump",
                "--data-only",
                "--host",
                settings_dict["HOST"] or "127.0.0.1",
                "--port",
                str(settings_dict["PORT"] or 5432),
                "--username",
                settings_dict["USER"],
                settings_dict["NAME"],
            ],
            check=True,
            capture_output=True,
            text=True,
            env={"PGPASSWORD": settings_dict["PASSWORD"] or "", "PATH": "/usr/bin:/bin"},
        ).stdout
    return "\n".join(connection.connection.iterdump())
