"""The database itself refuses to change or remove access events."""

import subprocess
import sys

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AccessEvent
from audit.services import access_event_record
from tests.accounts.test_production_settings import PRODUCTION_ENV, ROOT
from tests.audit.conftest import TABLE

pytestmark = pytest.mark.django_db


def refused(sql, params=()):
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_refuses_to_update_an_event(append_only, worker):
    event = access_event_record(action="view", actor=worker)
    refused(f"UPDATE {TABLE} SET action = 'erase' WHERE id = %s", [event.pk])
    assert AccessEvent.objects.get(pk=event.pk).action == "view"


def test_the_database_refuses_to_delete_an_event(append_only, worker):
    event = access_event_record(action="view", actor=worker)
    refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    refused(f"DELETE FROM {TABLE}")
    assert AccessEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
def test_the_database_refuses_to_truncate_the_log(append_only, worker):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite has none")
    access_event_record(action="view", actor=worker)
    refused(f"TRUNCATE {TABLE}")
    refused(f"TRUNCATE {TABLE} CASCADE")
    assert AccessEvent.objects.count() == 1


def test_the_maintenance_switch_is_what_lets_the_test_suite_empty_the_log(worker):
    # Without append_only: the test suite's own setting is on.
    event = access_event_record(action="view", actor=worker)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert not AccessEvent.objects.filter(pk=event.pk).exists()


def test_the_model_refuses_to_change_or_delete_an_event(worker):
    event = access_event_record(action="view", actor=worker)
    event.action = "erase"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AccessEvent.objects.filter(pk=event.pk).update(action="erase")
    with pytest.raises(TypeError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.get(pk=event.pk).action == "view"


def test_maintenance_cannot_be_allowed_in_production():
    env = {**PRODUCTION_ENV, "AUDIT_ALLOW_MAINTENANCE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "AUDIT_ALLOW_MAINTENANCE is for the test suite only" in result.stderr
