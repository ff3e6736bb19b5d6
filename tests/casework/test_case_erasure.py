"""Each case has its own data key: a case is shredded apart from the person and the
person's other cases; erasing the person shreds everything, and rows stay savable."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from casework.journal.services import contact_record, journal_entry_write
from casework.models import Contact, JournalEntry, Person, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_erase, person_register
from casework.reports.selectors import reports_for_user, reports_open_for_worker
from casework.reports.services import report_assign, report_erase, report_register
from tests.conftest import sign_in
from vault.models import DataKey, KeyDestroyed

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    from accounts.models import District

    return District.objects.create(name="Hjällbo")


def child(by, number="20120304-2385"):
    return person_register(
        by=by, identity_number=number, given_names="Åsa", family_name="Lindqvist"
    )


def report(by, person, district, reference="5000-K1-26"):
    case = report_register(
        by=by,
        person=person,
        police_reference=reference,
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=5),
        district=district,
        summary="Stal en cykel.",
    )
    contact_record(
        case=case,
        by=by,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        kind="phone",
        participants="Mamma",
    )
    journal_entry_write(case=case, by=by, text="Samtal med mamma.")
    return case


def test_each_report_has_a_key_of_its_own_that_seals_its_records(worker, district):
    person = child(worker)
    first, second = report(worker, person, district), report(worker, person, district)
    keys = {first.data_key_id, second.data_key_id, person.data_key_id}
    assert len(keys) == 3
    assert DataKey.objects.get(pk=first.data_key_id).purpose == DataKey.Purpose.CASE
    for model in (Contact, JournalEntry):
        assert {r.data_key_id for r in model.objects.filter(case_id=first.pk)} == {
            first.data_key_id
        }


def test_erasing_a_case_shreds_only_that_case(worker, district):
    person = child(worker)
    gone, kept = report(worker, person, district, "GONE"), report(worker, person, district)
    old_history = list(gone.history.values_list("history_id", flat=True))

    report_erase(report=gone, by=worker)

    erased = Under15Report.objects.get(pk=gone.pk)
    assert erased.erased_at is not None
    assert erased.police_reference is None and erased.summary is None
    assert DataKey.objects.get(pk=gone.data_key_id).is_destroyed
    for history_id in old_history:
        with pytest.raises(KeyDestroyed):
            Under15Report.history.get(history_id=history_id).police_reference
    assert [c.participants for c in Contact.objects.filter(case_id=gone.pk)] == [None]
    assert [n.text for n in JournalEntry.objects.filter(case_id=gone.pk)] == [None]
    # The person and the other case read as before.
    person = Person.objects.get(pk=person.pk)
    assert person.family_name == "Lindqvist"
    other = Under15Report.objects.get(pk=kept.pk)
    assert other.police_reference == "5000-K1-26"
    assert [n.text for n in JournalEntry.objects.filter(case_id=kept.pk)] == ["Samtal med mamma."]
    # Categorical columns stay for statistics.
    assert erased.offence_category == "theft" and erased.age_at_offence == gone.age_at_offence


def test_erasing_the_person_shreds_every_case_about_them(worker, district):
    person = child(worker)
    cases = [report(worker, person, district), report(worker, person, district)]
    person_erase(person=person, by=worker)
    for case in cases:
        assert DataKey.objects.get(pk=case.data_key_id).is_destroyed
        assert Under15Report.objects.get(pk=case.pk).erased_at is not None
    assert DataKey.objects.get(pk=person.data_key_id).is_destroyed


def test_case_rows_of_an_erased_person_can_still_be_saved(worker, manager, district, unit):
    from tests.factories import UserFactory

    person = child(worker)
    case = report(worker, person, district)
    person_erase(person=person, by=worker)
    mate = UserFactory(username="mate", role="social_worker", unit=unit)
    # An assignment after erasure saves the row (and a history row) without a crash.
    report_assign(report=Under15Report.objects.get(pk=case.pk), to_user=mate, by=manager)
    assert Under15Report.objects.get(pk=case.pk).assigned_to == mate
    for model in (Contact, JournalEntry):
        for record in model.objects.filter(case_id=case.pk):
            record.save()


def test_erased_reports_leave_every_list(worker, manager, district):
    person = child(worker)
    gone = report(worker, person, district)
    other = report(
        worker, child(worker, identity_number(datetime.date(2013, 1, 1), 238)), district
    )
    report_erase(report=gone, by=worker)
    for user in (worker, manager):
        assert set(reports_for_user(user=user).values_list("pk", flat=True)) == {other.pk}
    assert [r.pk for r in reports_open_for_worker(user=worker)] == [other.pk]
    person_erase(person=Person.objects.get(pk=other.person_id), by=worker)
    assert not reports_for_user(user=worker).exists()


def test_lists_and_pages_of_an_erased_person_do_not_crash(client, worker, manager, district):
    person = child(worker)
    case = report(worker, person, district)
    person_erase(person=person, by=worker)
    sign_in(client, worker)
    assert client.get(reverse("accounts:start")).status_code == 200
    assert client.get(reverse("casework:report-list")).status_code == 200
    page = client.get(reverse("casework:report-detail", kwargs={"pk": case.pk}))
    assert page.status_code == 410
    assert "raderat" in page.content.decode()
    person_page = client.get(reverse("casework:person-detail", kwargs={"pk": person.pk}))
    assert person_page.status_code == 410
    sign_in(client, manager)
    assert client.get(reverse("casework:unit-reports")).status_code == 200


def test_erasure_leaves_no_ciphertext_under_a_live_key(worker, district):
    person = child(worker)
    case = report(worker, person, district)
    person_erase(person=person, by=worker)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT police_reference, summary FROM casework_under15report WHERE id = %s",
            [case.pk.hex if connection.vendor == "sqlite" else case.pk],
        )
        assert cursor.fetchone() == (None, None)
