"""Migration 0005 re-seals existing report content under case keys, and back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from casework.journal.services import contact_record, journal_entry_write
from casework.models import Contact, JournalEntry, Under15Report
from casework.persons.services import person_register
from casework.reports.services import report_register
from tests.factories import DistrictFactory
from vault import crypto
from vault.models import DataKey

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("casework", "0004_add_case_data_keys")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def raw(table, column, row_id):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, data_key_id FROM {table} WHERE id = %s",
            [row_id if connection.vendor == "postgresql" else row_id.hex],
        )
        return cursor.fetchone()


def test_report_content_moves_to_the_case_key_and_back(worker):
    person = person_register(
        by=worker, identity_number="20120304-2385", given_names="Åsa", family_name="Lindqvist"
    )
    report = report_register(
        by=worker,
        person=person,
        police_reference="5000-K1-26",
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=3),
        district=DistrictFactory(name="Hjällbo"),
        summary="Stal en cykel.",
    )
    contact = contact_record(
        case=report, by=worker, occurred_at=timezone.now(), kind="phone", participants="Mamma"
    )
    note = journal_entry_write(case=report, by=worker, text="Samtal med mamma.")
    first_case_key = report.data_key_id
    try:
        # Back: everything under the person's key, the case key shredded.
        migrate(BEFORE)
        sealed, key_id = raw("casework_under15report", "police_reference", report.pk)
        assert key_id is None
        person_key = DataKey.objects.get(pk=person.data_key_id)
        binding = crypto.value_binding(
            "casework_under15report", "police_reference", report.pk, person_key.id
        )
        assert (
            crypto.value_open(
                raw_key=person_key.unwrap(), key_id=person_key.id, binding=binding, sealed=sealed
            )
            == "5000-K1-26"
        )
        assert DataKey.objects.get(pk=first_case_key).is_destroyed
    finally:
        migrate(latest())
    # Forward: a new case key per report, everything readable through the models.
    moved = Under15Report.objects.get(pk=report.pk)
    assert moved.data_key_id not in (None, first_case_key, person.data_key_id)
    assert DataKey.objects.get(pk=moved.data_key_id).purpose == DataKey.Purpose.CASE
    assert moved.police_reference == "5000-K1-26"
    assert moved.summary == "Stal en cykel."
    assert Contact.objects.get(pk=contact.pk).participants == "Mamma"
    assert JournalEntry.objects.get(pk=note.pk).text == "Samtal med mamma."
    assert raw("casework_contact", "participants", contact.pk)[1] is not None
    history = list(moved.history.order_by("history_date"))
    assert history and all(r.police_reference == "5000-K1-26" for r in history)
    assert all(r.data_key_id == moved.data_key_id for r in history)
