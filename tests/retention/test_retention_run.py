"""Retention (gallring) on a frozen clock: each run is given the moment it runs at.

Entries are made now; the run is told it is five years and a day later (or
less), which is the same as a file whose last entry is that old."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import District
from casework.journal.services import contact_record, journal_entry_write
from casework.models import Person, PersonNameToken, Under15Report
from casework.persons.demo import identity_number
from casework.persons.selectors import person_find_by_identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register, report_take_step
from casework.reports.summary import report_counts
from retention.models import Erasure, HoldReason
from retention.services import legal_hold_lift, legal_hold_place, retention_run
from vault.models import DataKey, KeyDestroyed

pytestmark = pytest.mark.django_db

YEAR = datetime.timedelta(days=365)
AFTER_FIVE_YEARS = 5 * YEAR + datetime.timedelta(days=3)


@pytest.fixture
def district(db):
    return District.objects.create(name="Hjällbo")


def child(by, *, born=datetime.date(2012, 3, 4), serial=238, family_name="Lindqvist"):
    return person_register(
        by=by,
        identity_number=identity_number(born, serial),
        given_names="Åsa",
        family_name=family_name,
    )


def closed_report(by, person, district, reference="5000-K1-26"):
    report = report_register(
        by=by,
        person=person,
        police_reference=reference,
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=5),
        district=district,
        summary="Stal en cykel vid Hjällbo torg.",
    )
    contact_record(
        case=report,
        by=by,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        kind="phone",
        participants="Mamma Lena",
    )
    journal_entry_write(case=report, by=by, text="Samtal med mamma om cykeln.")
    report_take_step(report=report, step="close_on_receipt", by=by, close_reason="duplicate")
    return report


def due_ids(at, **kwargs):
    return {due.person_id for due in retention_run(at=at, dry_run=True, **kwargs).due}


def test_a_closed_file_is_due_five_years_after_its_last_entry(worker, district):
    person = child(worker)
    closed_report(worker, person, district)
    now = timezone.now()
    assert person.pk not in due_ids(now + 5 * YEAR - datetime.timedelta(days=2))
    assert person.pk in due_ids(now + AFTER_FIVE_YEARS)


def test_an_open_case_keeps_the_file(worker, district):
    person = child(worker)
    report_register(
        by=worker,
        person=person,
        police_reference="5000-K2-26",
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=5),
        district=district,
    )
    assert person.pk not in due_ids(timezone.now() + 10 * YEAR)


def test_a_newer_entry_keeps_the_file(worker, district):
    person = child(worker)
    report = closed_report(worker, person, district)
    # A note two years later: the five years run from it.
    later = timezone.now() + 2 * YEAR
    entry = journal_entry_write(case=report, by=worker, text="Ny uppgift.")
    entry.history.filter(id=entry.pk).update(history_date=later)
    assert person.pk not in due_ids(timezone.now() + AFTER_FIVE_YEARS)
    assert person.pk in due_ids(later + AFTER_FIVE_YEARS)


def test_persons_born_on_the_5th_15th_or_25th_are_kept(worker, district, settings):
    kept = [
        child(worker, born=datetime.date(2012, 3, day), serial=240 + day, family_name=f"B{day}")
        for day in (5, 15, 25)
    ]
    other = child(worker, born=datetime.date(2012, 3, 6), serial=239, family_name="Ek")
    for person in [*kept, other]:
        closed_report(worker, person, district, reference=f"R-{person.pk}"[:20])
    due = due_ids(timezone.now() + AFTER_FIVE_YEARS)
    assert other.pk in due
    assert not {person.pk for person in kept} & due

    settings.RETENTION_RESEARCH_BIRTHDAYS = False
    assert {person.pk for person in kept} <= due_ids(timezone.now() + AFTER_FIVE_YEARS)


def test_the_research_bit_of_older_persons_is_worked_out_by_the_run(worker, district):
    person = child(worker, born=datetime.date(2012, 3, 15), serial=250)
    closed_report(worker, person, district)
    # The bit as for a registration made before it existed:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_person SET born_on_research_day = NULL WHERE id = %s",
            [person.pk.hex if connection.vendor == "sqlite" else person.pk],
        )
    assert person.pk not in due_ids(timezone.now() + AFTER_FIVE_YEARS)
    assert Person.objects.get(pk=person.pk).born_on_research_day is True


def test_a_legal_hold_keeps_the_file_until_lifted(worker, manager, district):
    person = child(worker)
    closed_report(worker, person, district)
    later = timezone.now() + AFTER_FIVE_YEARS
    hold = legal_hold_place(
        person=person, by=manager, reason=HoldReason.PROCEEDINGS, note="Mål T 123-26"
    )
    assert person.pk not in due_ids(later)
    assert retention_run(at=later).erased == 0
    assert not Person.objects.get(pk=person.pk).is_erased

    legal_hold_lift(hold=hold, by=manager)
    assert person.pk in due_ids(later)


def test_a_dry_run_erases_nothing(worker, district):
    person = child(worker)
    report = closed_report(worker, person, district)
    result = retention_run(at=timezone.now() + AFTER_FIVE_YEARS, dry_run=True)
    assert [due.person_id for due in result.due] == [person.pk]
    assert result.erased == 0
    person.refresh_from_db()
    assert not person.is_erased and person.family_name == "Lindqvist"
    assert not DataKey.objects.get(pk=report.data_key_id).is_destroyed
    assert not Erasure.objects.exists()


def test_the_command_lists_what_is_due_and_a_dry_run_says_so(worker, district, capsys):
    person = child(worker)
    closed_report(worker, person, district)
    call_command("retention_run", "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run: 0 due, nothing erased." in out  # nothing is five years old yet
    assert not Person.objects.get(pk=person.pk).is_erased


def test_a_run_shreds_the_file_and_leaves_a_tombstone_the_statistics_count(worker, district):
    person = child(worker)
    kept = child(worker, born=datetime.date(2013, 5, 6), serial=111, family_name="Kvar")
    # Another person whose file had an entry a year later: not due yet.
    kept.history.update(history_date=timezone.now() + YEAR)
    report = closed_report(worker, person, district)
    counted_before = report_counts()
    assert counted_before["population"], "the report is counted before the run"
    person_history = list(person.history.values_list("history_id", flat=True))
    report_history = list(report.history.values_list("history_id", flat=True))

    result = retention_run(at=timezone.now() + AFTER_FIVE_YEARS)

    assert result.erased == 1
    erased = Person.objects.get(pk=person.pk)
    assert erased.is_erased and erased.family_name is None and erased.identity_number is None
    assert DataKey.objects.get(pk=person.data_key_id).is_destroyed
    assert DataKey.objects.get(pk=report.data_key_id).is_destroyed
    for history_id in person_history:
        with pytest.raises(KeyDestroyed):
            Person.history.get(history_id=history_id).family_name
    for history_id in report_history:
        with pytest.raises(KeyDestroyed):
            Under15Report.history.get(history_id=history_id).summary
    assert not PersonNameToken.objects.filter(person=person).exists()
    assert person_find_by_identity_number(identity_number(datetime.date(2012, 3, 4), 238)) is None
    tombstone = Erasure.objects.get(person=person)
    assert tombstone.rule == "social_services" and tombstone.run == result.run
    # The categorical columns stay, and the statistics still count the report.
    assert Under15Report.objects.get(pk=report.pk).offence_category == "theft"
    assert report_counts() == counted_before
    assert Person.objects.get(pk=kept.pk).family_name == "Kvar"


def test_each_erasure_is_in_the_access_log(worker, district):
    from audit.models import AccessEvent

    person = child(worker)
    closed_report(worker, person, district)
    retention_run(at=timezone.now() + AFTER_FIVE_YEARS)
    event = AccessEvent.objects.get(action="erase", object_id=str(person.pk))
    assert event.detail == "retention:social_services" and event.person_ref == person.pk


def test_a_second_run_erases_nothing_twice(worker, district):
    person = child(worker)
    closed_report(worker, person, district)
    at = timezone.now() + AFTER_FIVE_YEARS
    assert retention_run(at=at).erased == 1
    assert retention_run(at=at).erased == 0
    assert Erasure.objects.filter(person=person).count() == 1
