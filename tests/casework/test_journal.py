"""Contacts and journal notes on a case: drafts, signing, corrections, encryption."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from accounts.roles import Role
from audit.models import AccessEvent
from casework.errors import ApplicationError
from casework.journal.services import (
    contact_record,
    journal_entry_edit,
    journal_entry_sign,
    journal_entry_write,
)
from casework.models import Contact, ContactKind, JournalEntry, JournalState
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Samtal med Alva och hennes mamma om stölden i skolan."


@pytest.fixture
def unit_mate(unit):
    return UserFactory(username="unit_mate", role=Role.SOCIAL_WORKER, unit=unit)


def register(by, serial=500):
    child = person_register(
        by=by,
        identity_number=identity_number(
            datetime.date(timezone.localdate().year - 13, 1, 1), serial
        ),
        given_names="Alva",
        family_name="Ek",
    )
    received_at = timezone.now() - timedelta(days=2)
    return report_register(
        by=by,
        person=child,
        police_reference="5000-K100500-26",
        offence_category="theft",
        offence_date=timezone.localtime(received_at).date(),
        received_at=received_at,
        district=DistrictFactory(name="Hjällbo"),
    )


@pytest.fixture
def report(worker):
    return register(worker)


def reload(entry):
    return JournalEntry.objects.get(pk=entry.pk)


def raw_column(model, column, pk):
    """The column as stored, past the field that decrypts it."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE id = %s",
            [model._meta.pk.get_db_prep_value(pk, connection)],
        )
        return [row[0] for row in cursor.fetchall()]


# --- Drafts ----------------------------------------------------------------------


def test_it_writes_a_draft_note_on_the_case(worker, report):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    entry = reload(entry)
    assert entry.text == NOTE
    assert entry.state == JournalState.DRAFT
    assert (entry.case, entry.person_id, entry.created_by) == (report, report.person_id, worker)
    assert entry.signed_at is None
    assert entry.history.get().history_user == worker
    event = AccessEvent.objects.get(object_type="casework.journalentry", object_id=str(entry.pk))
    assert (event.action, event.actor, event.person_ref) == ("create", worker, report.person_id)


def test_the_author_edits_a_draft(worker, report):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    written_at = reload(entry).updated_at
    journal_entry_edit(entry=entry, by=worker, text=NOTE + " Mamma ringer tillbaka.")
    entry = reload(entry)
    assert entry.text == NOTE + " Mamma ringer tillbaka."
    assert entry.updated_at > written_at
    assert [record.text for record in entry.history.order_by("history_date")] == [
        NOTE,
        NOTE + " Mamma ringer tillbaka.",
    ]
    assert {record.history_user for record in entry.history.all()} == {worker}
    event = AccessEvent.objects.filter(object_id=str(entry.pk)).latest("id")
    assert (event.action, event.actor) == ("change", worker)


@pytest.mark.parametrize("by", ["unit_mate", "colleague", "manager"])
def test_only_the_author_edits_a_draft(request, worker, report, by):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    with pytest.raises(PermissionDenied):
        journal_entry_edit(entry=entry, by=request.getfixturevalue(by), text="Något annat.")
    assert reload(entry).text == NOTE
    assert entry.history.count() == 1


@pytest.mark.parametrize("role", ["manager", "sspf_member", "auditor", "administrator"])
def test_only_social_workers_write_notes(request, report, role):
    with pytest.raises(PermissionDenied):
        journal_entry_write(case=report, by=request.getfixturevalue(role), text=NOTE)
    assert not JournalEntry.objects.exists()


# --- Signing ----------------------------------------------------------------------


def test_the_author_signs_a_draft(worker, report):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    before = timezone.now()
    journal_entry_sign(entry=entry, by=worker)
    entry = reload(entry)
    assert entry.state == JournalState.SIGNED
    assert entry.is_signed
    assert entry.signed_by == worker
    assert before <= entry.signed_at <= timezone.now()
    assert entry.text == NOTE
    assert [record.state for record in entry.history.order_by("history_date")] == [
        JournalState.DRAFT,
        JournalState.SIGNED,
    ]
    event = AccessEvent.objects.filter(object_id=str(entry.pk)).latest("id")
    assert (event.action, event.detail, event.actor) == ("transition", "sign", worker)
    assert event.person_ref == report.person_id


@pytest.mark.parametrize("by", ["unit_mate", "colleague", "manager", "auditor"])
def test_only_the_author_signs(request, worker, report, by):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    with pytest.raises(PermissionDenied):
        journal_entry_sign(entry=entry, by=request.getfixturevalue(by))
    assert reload(entry).state == JournalState.DRAFT
    assert entry.history.count() == 1


def test_a_signed_note_cannot_be_edited(worker, report):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    journal_entry_sign(entry=entry, by=worker)
    with pytest.raises(ApplicationError) as error:
        journal_entry_edit(entry=entry, by=worker, text="Ändrad i efterhand.")
    assert error.value.message
    assert reload(entry).text == NOTE
    assert entry.history.count() == 2


def test_a_signed_note_cannot_be_edited_through_a_copy_loaded_before_signing(worker, report):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    draft_copy = reload(entry)
    journal_entry_sign(entry=entry, by=worker)
    with pytest.raises(ApplicationError):
        journal_entry_edit(entry=draft_copy, by=worker, text="Ändrad i efterhand.")
    assert reload(entry).text == NOTE


def test_a_signed_note_is_not_signed_again(worker, report):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    journal_entry_sign(entry=entry, by=worker)
    signed_at = reload(entry).signed_at
    with pytest.raises(TransitionNotAllowed):
        journal_entry_sign(entry=reload(entry), by=worker)
    assert reload(entry).signed_at == signed_at
    assert entry.history.count() == 2


def test_signing_keeps_the_last_edit(worker, report):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    journal_entry_edit(entry=entry, by=worker, text=NOTE + " Andra versionen.")
    journal_entry_sign(entry=entry, by=worker)
    assert reload(entry).text == NOTE + " Andra versionen."


# --- Corrections --------------------------------------------------------------------


def test_a_correction_is_a_new_note_pointing_to_the_signed_one(worker, report):
    signed = journal_entry_write(case=report, by=worker, text=NOTE)
    signed = journal_entry_sign(entry=signed, by=worker)
    correction = journal_entry_write(
        case=report, by=worker, text="Rättelse: samtalet var med pappan.", corrects=signed
    )
    correction = reload(correction)
    assert correction.pk != signed.pk
    assert correction.corrects == signed
    assert correction.state == JournalState.DRAFT
    assert list(reload(signed).corrections.all()) == [correction]
    # The signed note stays as it was.
    assert reload(signed).text == NOTE
    assert reload(signed).is_signed
    event = AccessEvent.objects.filter(object_id=str(correction.pk)).get()
    assert (event.action, event.detail) == ("create", "correction")


def test_a_colleague_of_the_unit_may_correct_a_signed_note(worker, unit_mate, report):
    signed = journal_entry_write(case=report, by=worker, text=NOTE)
    signed = journal_entry_sign(entry=signed, by=worker)
    correction = journal_entry_write(case=report, by=unit_mate, text="Rättelse.", corrects=signed)
    journal_entry_sign(entry=correction, by=unit_mate)
    assert reload(correction).signed_by == unit_mate


def test_a_draft_is_edited_not_corrected(worker, report):
    draft = journal_entry_write(case=report, by=worker, text=NOTE)
    with pytest.raises(ApplicationError) as error:
        journal_entry_write(case=report, by=worker, text="Rättelse.", corrects=draft)
    assert error.value.message
    assert JournalEntry.objects.count() == 1


def test_a_correction_belongs_to_the_case_of_the_note_it_corrects(worker, report):
    other_case = register(worker, serial=501)
    signed = journal_entry_write(case=other_case, by=worker, text=NOTE)
    signed = journal_entry_sign(entry=signed, by=worker)
    with pytest.raises((PermissionDenied, ApplicationError)):
        journal_entry_write(case=report, by=worker, text="Rättelse.", corrects=signed)
    assert JournalEntry.objects.count() == 1


def test_a_note_belongs_to_the_case_of_its_contact(worker, report):
    other_case = register(worker, serial=501)
    contact = contact_record(
        case=other_case, by=worker, occurred_at=timezone.now(), kind=ContactKind.PHONE
    )
    with pytest.raises((PermissionDenied, ApplicationError)):
        journal_entry_write(case=report, by=worker, text=NOTE, contact=contact)
    assert not JournalEntry.objects.exists()


# --- Contacts ------------------------------------------------------------------------


def test_it_records_a_contact(worker, report):
    occurred_at = timezone.now() - timedelta(hours=3)
    contact = contact_record(
        case=report,
        by=worker,
        occurred_at=occurred_at,
        kind=ContactKind.HOME_VISIT,
        participants="Alva, mamma Lena",
    )
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.occurred_at == occurred_at
    assert contact.kind == ContactKind.HOME_VISIT
    assert contact.participants == "Alva, mamma Lena"
    assert (contact.case, contact.created_by) == (report, worker)
    assert contact.history.get().history_user == worker
    event = AccessEvent.objects.get(object_type="casework.contact", object_id=str(contact.pk))
    assert (event.action, event.actor, event.person_ref) == ("create", worker, report.person_id)


def test_a_note_can_belong_to_a_contact(worker, report):
    contact = contact_record(
        case=report, by=worker, occurred_at=timezone.now(), kind=ContactKind.PHONE
    )
    entry = journal_entry_write(case=report, by=worker, text=NOTE, contact=contact)
    assert list(contact.journal_entries.all()) == [reload(entry)]


def test_a_contact_in_the_future_is_refused(worker, report):
    with pytest.raises(ApplicationError) as error:
        contact_record(
            case=report,
            by=worker,
            occurred_at=timezone.now() + timedelta(minutes=5),
            kind=ContactKind.MEETING,
        )
    assert error.value.field == "occurred_at"
    assert error.value.message
    assert not Contact.objects.exists()
    assert not AccessEvent.objects.filter(object_type="casework.contact").exists()


@pytest.mark.parametrize("role", ["manager", "sspf_member", "auditor", "administrator"])
def test_only_social_workers_record_contacts(request, report, role):
    with pytest.raises(PermissionDenied):
        contact_record(
            case=report,
            by=request.getfixturevalue(role),
            occurred_at=timezone.now(),
            kind=ContactKind.MEETING,
        )
    assert not Contact.objects.exists()


# --- Encrypted at rest ---------------------------------------------------------------


def test_the_note_is_encrypted_in_the_database(worker, report):
    entry = journal_entry_write(case=report, by=worker, text=NOTE)
    entry = journal_entry_edit(entry=entry, by=worker, text=NOTE + " Andra versionen.")
    journal_entry_sign(entry=entry, by=worker)

    (stored,) = raw_column(JournalEntry, "text", entry.pk)
    assert stored.startswith("tg1:")
    assert "Alva" not in stored
    assert "Samtal" not in stored
    history = raw_column(JournalEntry.history.model, "text", entry.pk)
    assert len(history) == 3
    for value in history:
        assert value.startswith("tg1:")
        assert "Samtal" not in value
    assert reload(entry).text == NOTE + " Andra versionen."


def test_the_participants_of_a_contact_are_encrypted_in_the_database(worker, report):
    contact = contact_record(
        case=report,
        by=worker,
        occurred_at=timezone.now(),
        kind=ContactKind.NETWORK_MEETING,
        participants="Mamma Lena Ek, mentor Per",
    )
    for value in raw_column(Contact, "participants", contact.pk) + raw_column(
        Contact.history.model, "participants", contact.pk
    ):
        assert value.startswith("tg1:")
        assert "Lena" not in value
