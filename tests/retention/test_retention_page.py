"""The unit manager's retention page: what falls due, legal holds, and who may see it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from retention.models import LegalHold
from tests.conftest import sign_in
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

DUE_LIST = reverse("retention:due-list")


@pytest.fixture
def old_person(worker):
    """A person registered in the worker's unit whose file is about to fall due."""
    person = person_register(
        by=worker,
        identity_number=identity_number(datetime.date(2010, 4, 6), 238),
        given_names="Åsa",
        family_name="Lindqvist",
    )
    almost_five_years_ago = timezone.now() - datetime.timedelta(days=5 * 365 - 20)
    person.history.update(history_date=almost_five_years_ago)
    return person


@pytest.fixture
def other_units_person(db):
    other_worker = UserFactory(role="social_worker", unit=UnitFactory(name="Hisingen"))
    person = person_register(
        by=other_worker,
        identity_number=identity_number(datetime.date(2010, 4, 7), 238),
        given_names="Kim",
        family_name="Berg",
    )
    person.history.update(history_date=timezone.now() - datetime.timedelta(days=6 * 365))
    return person


def test_it_lists_the_units_files_due_next_month_without_names(
    client, manager, old_person, other_units_person
):
    response = sign_in(client, manager).get(DUE_LIST)
    assert response.status_code == 200
    assert old_person.reference in response.text
    assert "Lindqvist" not in response.text
    assert other_units_person.reference not in response.text


def test_it_places_a_legal_hold_that_takes_the_file_off_the_list(client, manager, old_person):
    sign_in(client, manager)
    url = reverse("retention:legal-hold-place", kwargs={"pk": old_person.pk})
    response = client.post(url, {"reason": "proceedings", "note": "Mål T 123-26"})
    assert response.status_code == 302
    hold = LegalHold.objects.get(person=old_person)
    assert hold.placed_by == manager and hold.note == "Mål T 123-26"
    assert AccessEvent.objects.filter(
        action="create", object_id=str(hold.pk), person_ref=old_person.pk
    ).exists()
    page = client.get(DUE_LIST).text
    assert "Mål T 123-26" not in page
    assert page.count(old_person.reference) == 1  # in the holds, no longer in the due list

    client.post(reverse("retention:legal-hold-lift", kwargs={"pk": hold.pk}))
    hold.refresh_from_db()
    assert hold.lifted_by == manager
    assert AccessEvent.objects.filter(detail="legal_hold_lifted", object_id=str(hold.pk)).exists()


def test_a_hold_with_other_reason_needs_a_note_and_keeps_what_was_typed(
    client, manager, old_person
):
    sign_in(client, manager)
    url = reverse("retention:legal-hold-place", kwargs={"pk": old_person.pk})
    response = client.post(url, {"reason": "other", "note": "   "})
    assert response.status_code == 200
    assert not LegalHold.objects.exists()
    response = client.post(url, {"reason": "nonsense", "note": "x" * 5000})
    assert response.status_code == 200
    assert "x" * 100 in response.text


def test_a_second_hold_is_refused_with_a_message(client, manager, old_person):
    sign_in(client, manager)
    url = reverse("retention:legal-hold-place", kwargs={"pk": old_person.pk})
    client.post(url, {"reason": "proceedings"})
    response = client.post(url, {"reason": "complaint"})
    assert response.status_code == 200
    assert LegalHold.objects.filter(person=old_person).count() == 1


def test_another_units_person_is_404(client, manager, other_units_person):
    sign_in(client, manager)
    url = reverse("retention:legal-hold-place", kwargs={"pk": other_units_person.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "proceedings"}).status_code == 404
    assert not LegalHold.objects.exists()


@pytest.mark.parametrize("role_user", ["worker", "colleague", "auditor", "administrator"])
def test_only_unit_managers_reach_it(client, all_role_users, role_user, old_person):
    sign_in(client, all_role_users[role_user])
    assert client.get(DUE_LIST).status_code == 403
    url = reverse("retention:legal-hold-place", kwargs={"pk": old_person.pk})
    assert client.post(url, {"reason": "proceedings"}).status_code == 403
    assert not LegalHold.objects.exists()


def test_an_sspf_member_is_told_it_does_not_exist(client, sspf_member):
    assert sign_in(client, sspf_member).get(DUE_LIST).status_code == 404
