"""The policy checks the roles' named permissions, and every read of personal data is logged."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from casework import policy
from casework.errors import ChangedMeanwhile
from casework.journal.services import contact_record, journal_entry_write
from casework.models import Person
from casework.persons.services import person_register, person_update, person_version
from casework.reports.services import report_register
from casework.reports.timeline import report_timeline
from tests.conftest import sign_in
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


def without_permission(codename):
    """Take a named permission from the social-worker role (rolled back after the test)."""
    permission = Permission.objects.get(content_type__app_label="casework", codename=codename)
    Group.objects.get(name=Role.SOCIAL_WORKER.value).permissions.remove(permission)


def fresh(user):
    # Permissions are cached on the user object; a request loads the user afresh.
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def person(worker):
    return person_register(
        by=worker, identity_number="20120304-2385", given_names="Åsa", family_name="Lindqvist"
    )


@pytest.fixture
def report(worker, person):
    return report_register(
        by=worker,
        person=person,
        police_reference="5000-K1-26",
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=3),
        district=DistrictFactory(name="Hjällbo"),
    )


def test_without_view_person_file_no_file_opens(worker, person):
    assert policy.person_access(user=fresh(worker), person=person).may_read
    without_permission("view_person_file")
    assert policy.person_access(user=fresh(worker), person=person) is policy.PersonAccess.NONE
    assert not policy.persons_for_user(user=fresh(worker)).exists()


def test_without_register_person_nobody_is_registered(worker):
    without_permission("register_person")
    with pytest.raises(PermissionDenied):
        person_register(by=fresh(worker), given_names="Kim", family_name="Berg")


def test_without_view_under15report_no_report_is_reached(worker, report):
    without_permission("view_under15report")
    assert not policy.reports_for_user(user=fresh(worker)).exists()
    assert policy.report_access(user=fresh(worker), report=report) is policy.ReportAccess.NONE


def test_without_the_record_permissions_the_timeline_has_no_contacts_or_notes(worker, report):
    contact_record(case=report, by=worker, occurred_at=timezone.now(), kind="phone")
    journal_entry_write(case=report, by=worker, text="Anteckning")
    assert policy.may_see_case_records(fresh(worker))
    kinds = {entry["kind"] for entry in report_timeline(report)}
    assert {"contact", "journal"} <= kinds
    without_permission("view_journalentry")
    assert not policy.may_see_case_records(fresh(worker))
    kinds = {entry["kind"] for entry in report_timeline(report, with_records=False)}
    assert not {"contact", "journal"} & kinds


def test_a_name_search_logs_each_person_it_shows(client, worker, person):
    sign_in(client, worker)
    response = client.post(reverse("casework:person-search"), {"q": "lindqvist"})
    assert "Åsa Lindqvist" in response.content.decode()
    event = AccessEvent.objects.get(action="search", actor=worker)
    assert event.person_ref == person.pk


def test_a_name_search_with_no_result_logs_nobody(client, worker, person):
    sign_in(client, worker)
    client.post(reverse("casework:person-search"), {"q": "nobody"})
    assert not AccessEvent.objects.filter(action="search").exists()


def test_the_note_edit_page_logs_the_read(client, worker, report):
    note = journal_entry_write(case=report, by=worker, text="Utkast")
    sign_in(client, worker)
    url = reverse("casework:journal-edit", kwargs={"pk": report.pk, "entry_pk": note.pk})
    assert "Utkast" in client.get(url).content.decode()
    event = AccessEvent.objects.get(action="view", object_id=str(note.pk))
    assert event.object_type == "casework.journalentry"
    assert event.person_ref == report.person_id


def test_a_stale_edit_is_refused_under_the_lock_and_names_who(worker, person, unit):
    other = UserFactory(username="olle", first_name="Olle", last_name="Berg", unit=unit)
    seen = person_version(person)
    person_update(person=person, by=other, seen_version=seen, family_name="Berglund")
    with pytest.raises(ChangedMeanwhile) as refused:
        person_update(person=person, by=worker, seen_version=seen, family_name="Ek")
    assert "Olle Berg" in refused.value.message
    assert Person.objects.get(pk=person.pk).family_name == "Berglund"
    # After a look (the newer version), the save goes through.
    person_update(person=person, by=worker, seen_version=person_version(person), family_name="Ek")
    assert Person.objects.get(pk=person.pk).family_name == "Ek"
