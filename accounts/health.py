from django.db import connection


def database_responds():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
