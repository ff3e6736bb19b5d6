"""Registering a report finds its person through the same access decision as the file."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from accounts.roles import Role
from audit.models import AccessEvent
from casework.models import Person, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register
from tests.conftest import sign_in, swedish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUMBER = "20120304-2385"
REGISTER = "casework:report-create"


@pytest.fixture
def district(db):
    return District.objects.create(name="Hjällbo")


@pytest.fixture
def unit_mate(unit):
    return UserFactory(username="unit_mate", role=Role.SOCIAL_WORKER, unit=unit)


def registration(district, **overrides):
    now = timezone.localtime()
    data = {
        "identity_number": NUMBER,
        "given_names": "Åsa",
        "family_name": "Lindqvist",
        "police_reference": "5000-K654321-26",
        "offence_category": "violence",
        "offence_date": (now.date() - datetime.timedelta(days=1)).isoformat(),
        "received_at": now.strftime("%Y-%m-%dT%H:%M"),
        "district": district.pk,
    }
    data.update(overrides)
    return data


def existing(by, district, **values):
    """A person registered by ``by`` with an open report in ``by``'s unit."""
    person = person_register(
        by=by, identity_number=NUMBER, given_names="Åsa", family_name="Lindqvist", **values
    )
    report = report_register(
        by=by,
        person=person,
        police_reference="5000-K111111-26",
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=3),
        received_at=timezone.now() - datetime.timedelta(days=2),
        district=district,
    )
    return person, report


def page_text(response):
    return response.content.decode()


# --- Another unit's person ------------------------------------------------------------


def test_another_units_person_needs_a_reason_and_shows_nothing_first(
    client, colleague, worker, district
):
    _person, their_report = existing(colleague, district)
    sign_in(client, worker)
    response = client.post(reverse(REGISTER), registration(district))
    assert response.status_code == 200
    content = page_text(response)
    assert not Under15Report.objects.filter(created_by=worker).exists()
    # Neither their open report nor anything of the file is shown.
    assert their_report.reference not in content
    assert "5000-K111111-26" not in content
    assert 'name="open_reason"' in content
    assert swedish(
        "The person's file belongs to another unit. To register the report, state why you "
        "open the file; the opening is shown to the auditors."
    ) in content.replace("&#x27;", "'")
    # What was typed is kept.
    assert 'value="5000-K654321-26"' in content


def test_with_a_reason_the_report_is_registered_and_the_opening_flagged(
    client, colleague, worker, district
):
    person, _their_report = existing(colleague, district)
    sign_in(client, worker)
    response = client.post(
        reverse(REGISTER), registration(district, open_reason="urgent_protection")
    )
    report = Under15Report.objects.get(created_by=worker)
    assert response["Location"] == reverse("casework:report-detail", kwargs={"pk": report.pk})
    assert report.person == person
    assert report.assigned_to == worker and report.unit == worker.unit
    # Another unit's open report is never linked (nor shown).
    assert report.linked_report is None
    opening = AccessEvent.objects.get(actor=worker, action="open_with_reason")
    assert opening.flagged and opening.reason == "urgent_protection"
    assert opening.person_ref == person.pk
    # Now the worker works with the person: the report page names them.
    page = client.get(reverse("casework:report-detail", kwargs={"pk": report.pk}))
    assert "Åsa Lindqvist" in page_text(page)


def test_a_refused_report_opens_no_file(client, colleague, worker, district):
    # Eighteen at the offence: the report itself is refused after the file check.
    number = identity_number(timezone.localdate().replace(year=2008, day=1), 123)
    person_register(
        by=colleague, identity_number=number, given_names="Åsa", family_name="Lindqvist"
    )
    sign_in(client, worker)
    response = client.post(
        reverse(REGISTER),
        registration(district, identity_number=number, open_reason="urgent_protection"),
    )
    assert response.status_code == 200
    assert not AccessEvent.objects.filter(action="open_with_reason").exists()
    assert not Under15Report.objects.filter(created_by=worker).exists()


def test_another_units_person_without_names_asks_for_the_names(
    client, colleague, worker, district
):
    existing(colleague, district)
    sign_in(client, worker)
    response = client.post(
        reverse(REGISTER), registration(district, given_names="", family_name="")
    )
    content = page_text(response)
    assert swedish(
        "Enter the child's given names and family name as they stand in the police report."
    ) in content.replace("&#x27;", "'")
    # The same words as for a number nobody has: nothing says the number exists.
    assert 'name="open_reason"' not in content
    assert not Under15Report.objects.filter(created_by=worker).exists()


# --- Protected identity ---------------------------------------------------------------


def test_a_protected_person_is_refused_with_a_message_that_names_nothing(
    client, unit_mate, worker, district
):
    person, their_report = existing(unit_mate, district, protected_identity=True)
    sign_in(client, worker)
    for extra in ({}, {"open_reason": "urgent_protection"}):
        response = client.post(reverse(REGISTER), registration(district, **extra))
        content = page_text(response)
        assert response.status_code == 200
        assert (
            swedish(
                "A report for this identity number cannot be registered by you. Contact your "
                "unit manager."
            )
            in content
        )
        assert their_report.reference not in content
        assert 'name="open_reason"' not in content
    assert Under15Report.objects.count() == 1
    refused = AccessEvent.objects.filter(actor=worker, action="access_denied")
    assert refused.count() == 2
    assert all(event.flagged and event.person_ref == person.pk for event in refused)


def test_the_worker_assigned_to_a_protected_person_registers_as_usual(client, worker, district):
    person, report = existing(worker, district, protected_identity=True)
    sign_in(client, worker)
    response = client.post(reverse(REGISTER), registration(district, link_to_open_report="on"))
    new = Under15Report.objects.exclude(pk=report.pk).get()
    assert response.status_code == 302
    assert new.person == person and new.linked_report == report


# --- A mistyped number ------------------------------------------------------------------


def test_a_number_registered_with_other_names_asks_to_check_the_number(
    client, colleague, worker, district
):
    existing(colleague, district)
    sign_in(client, worker)
    response = client.post(
        reverse(REGISTER),
        registration(district, given_names="Kim", family_name="Berg", open_reason="other"),
    )
    content = page_text(response)
    assert (
        swedish(
            "The identity number belongs to a person registered with other names. Check the "
            "number and the names against the police report."
        )
        in content
    )
    assert "Lindqvist" not in content
    assert not Under15Report.objects.filter(created_by=worker).exists()
    # Nothing was opened with the reason either.
    assert not AccessEvent.objects.filter(action="open_with_reason").exists()


def test_other_names_are_refused_for_ones_own_person_too(client, worker, district):
    existing(worker, district)
    sign_in(client, worker)
    response = client.post(
        reverse(REGISTER), registration(district, given_names="Kim", family_name="Berg")
    )
    assert response.status_code == 200
    assert Under15Report.objects.count() == 1


def test_names_match_by_words_whatever_the_case_and_accents(client, worker, district):
    person, report = existing(worker, district)
    sign_in(client, worker)
    client.post(
        reverse(REGISTER),
        registration(
            district, given_names="asa", family_name="LINDQVIST", link_to_open_report="on"
        ),
    )
    assert Under15Report.objects.exclude(pk=report.pk).get().person == person


def test_a_new_number_registers_the_person_in_the_workers_unit(client, worker, district):
    sign_in(client, worker)
    client.post(reverse(REGISTER), registration(district))
    person = Person.objects.get()
    assert person.responsible_unit == worker.unit
    assert person.created_by == worker


# --- Open reports ----------------------------------------------------------------------


def test_a_unit_mates_open_report_is_offered_for_linking(client, unit_mate, worker, district):
    _person, report = existing(unit_mate, district)
    sign_in(client, worker)
    response = client.post(reverse(REGISTER), registration(district))
    assert report.reference in page_text(response)
    assert Under15Report.objects.count() == 1
