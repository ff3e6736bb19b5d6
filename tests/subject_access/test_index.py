"""The manager's subject-access page: finding the person who asks, and the open requests."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from casework.persons.demo import identity_number
from subject_access.services import subject_access_deliver, subject_access_request_register
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.subject_access.conftest import OTHER, SEEDED, seed_person

pytestmark = pytest.mark.django_db
URL = "/subject-access/"


def find(client, number):
    return client.post(URL, {"identity_number": number})


def test_the_managers_unit_person_is_found_by_number_and_the_search_logged(
    client, manager, person
):
    response = find(sign_in(client, manager), SEEDED["identity_number"])
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "subject_access:person-requests", kwargs={"pk": person.pk}
    )
    assert AccessEvent.objects.filter(
        action="search", actor=manager, object_id=str(person.pk)
    ).exists()
    # The number is never in a URL.
    assert SEEDED["identity_number"].replace("-", "") not in response["Location"]


def test_another_units_person_and_a_stranger_get_the_same_words_and_the_number_stays(
    client, manager, colleague
):
    seed_person(colleague, OTHER)  # the other unit's worker's person
    sign_in(client, manager)
    nobody = identity_number(datetime.date(2012, 9, 9), 512)
    answers = {}
    for number in (OTHER["identity_number"], nobody):
        response = find(client, number)
        assert response.status_code == 400
        assert response.context["form"]["identity_number"].value() == number
        answers[number] = [str(m) for m in response.context["form"].errors["identity_number"]]
    assert answers[OTHER["identity_number"]] == answers[nobody]
    # The other unit's person was asked for: that stays on record.
    assert AccessEvent.objects.filter(action="access_denied", actor=manager).count() == 1


def test_an_invalid_number_is_refused_with_the_reason(client, manager):
    response = find(sign_in(client, manager), "20120304-1235")
    assert response.status_code == 400
    assert response.context["form"].errors["identity_number"]
    assert "20120304-1235" in response.text


def test_open_requests_are_listed_soonest_due_first_and_overdue_marked(
    client, manager, worker, person
):
    today = timezone.localdate()
    old = subject_access_request_register(
        person=person, by=manager, received_on=today - datetime.timedelta(days=40)
    )
    fresh = subject_access_request_register(person=person, by=manager, received_on=today)
    delivered = subject_access_request_register(
        person=person, by=manager, received_on=today - datetime.timedelta(days=20)
    )
    subject_access_deliver(subject_access_request=delivered, by=manager, method="post")
    other = seed_person(worker, OTHER)
    other_request = subject_access_request_register(
        person=other, by=manager, received_on=today - datetime.timedelta(days=5)
    )
    response = sign_in(client, manager).get(URL)
    assert response.status_code == 200
    shown = [row["request"].pk for row in response.context["rows"]]
    assert shown == [old.pk, other_request.pk, fresh.pk]
    assert [row["overdue"] for row in response.context["rows"]] == [True, False, False]
    assert response.text.count("badge--overdue") == 1


def test_another_units_manager_sees_none_of_them(client, manager, person, other_unit):
    subject_access_request_register(person=person, by=manager, received_on=timezone.localdate())
    stranger = UserFactory(username="stranger", role=Role.UNIT_MANAGER, unit=other_unit)
    response = sign_in(client, stranger).get(URL)
    assert response.status_code == 200
    assert list(response.context["rows"]) == []
    assert person.reference not in response.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("worker", 403),
        ("colleague", 403),
        ("sspf_member", 404),
        ("auditor", 403),
        ("administrator", 403),
        ("manager", 200),
    ],
)
def test_only_a_manager_reaches_the_page(client, all_role_users, role, status):
    assert sign_in(client, all_role_users[role]).get(URL).status_code == status
