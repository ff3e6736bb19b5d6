import uuid

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessEvent
from casework.models import Person
from casework.persons.services import person_register
from tests.conftest import sign_in, swedish

pytestmark = pytest.mark.django_db

NUMBER = "20120304-2385"


@pytest.fixture
def person(worker):
    return person_register(
        by=worker,
        identity_number=NUMBER,
        given_names="Åsa",
        family_name="Lindqvist",
        address="Hjällbo torget 3",
    )


@pytest.fixture
def protected_person(worker):
    return person_register(
        by=worker, given_names="Skyddad", family_name="Persson", protected_identity=True
    )


def detail(person):
    return reverse("casework:person-detail", kwargs={"pk": person.pk})


# One row per role x object: what the detail page answers.
MATRIX = [
    ("worker", "person", 200),
    ("colleague", "person", 302),  # to the open-with-reason page
    ("sspf_member", "person", 404),
    ("manager", "person", 404),
    ("auditor", "person", 404),
    ("administrator", "person", 404),
    ("worker", "protected_person", 200),
    ("colleague", "protected_person", 404),
    ("sspf_member", "protected_person", 404),
    ("manager", "protected_person", 404),
    ("auditor", "protected_person", 404),
    ("administrator", "protected_person", 404),
]


@pytest.mark.parametrize(("user_name", "object_name", "status"), MATRIX)
def test_role_matrix_for_a_persons_file(
    client, all_role_users, request, user_name, object_name, status
):
    target = request.getfixturevalue(object_name)
    sign_in(client, all_role_users[user_name])
    response = client.get(detail(target))
    assert response.status_code == status
    content = response.content.decode()
    if status != 200:
        assert target.family_name not in content
    if status == 302:
        assert response["Location"] == reverse("casework:person-open", kwargs={"pk": target.pk})


@pytest.mark.parametrize(
    "user_name", ["worker", "colleague", "sspf_member", "manager", "auditor", "administrator"]
)
def test_a_guessed_id_gives_404(client, all_role_users, user_name):
    sign_in(client, all_role_users[user_name])
    for name in ("person-detail", "person-open", "person-edit"):
        response = client.get(reverse(f"casework:{name}", kwargs={"pk": uuid.uuid4()}))
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("user_name", "status"),
    [
        ("worker", 200),
        ("colleague", 200),
        ("sspf_member", 404),  # SSPF members must not learn the page exists
        ("manager", 403),
        ("auditor", 403),
        ("administrator", 403),
    ],
)
def test_only_social_workers_search_and_register(client, all_role_users, user_name, status):
    sign_in(client, all_role_users[user_name])
    assert client.get(reverse("casework:person-search")).status_code == status
    assert client.get(reverse("casework:person-create")).status_code == status


def test_opening_a_file_writes_the_access_log(client, worker, person):
    sign_in(client, worker)
    response = client.get(detail(person))
    assert "Lindqvist" in response.content.decode()
    event = AccessEvent.objects.filter(action="view").latest("id")
    assert event.person_ref == person.pk
    assert event.actor == worker
    assert not event.flagged


def test_opening_outside_the_assignment_needs_a_reason_and_is_flagged(client, colleague, person):
    sign_in(client, colleague)
    open_url = reverse("casework:person-open", kwargs={"pk": person.pk})
    page = client.get(open_url)
    assert "Lindqvist" not in page.content.decode()

    refused = client.post(open_url, {"reason": ""})
    assert refused.status_code == 200
    assert not AccessEvent.objects.filter(flagged=True).exists()

    response = client.post(open_url, {"reason": "urgent_protection"})
    assert response["Location"] == detail(person)
    response = client.get(detail(person))
    assert response.status_code == 200
    assert "Lindqvist" in response.content.decode()
    views = AccessEvent.objects.filter(action="view", person_ref=person.pk)
    assert views.get().flagged
    assert views.get().reason == "urgent_protection"
    # Read, not write.
    edit = client.get(reverse("casework:person-edit", kwargs={"pk": person.pk}))
    assert edit["Location"] == detail(person)


def test_the_reason_does_not_open_a_protected_file(client, colleague, protected_person):
    sign_in(client, colleague)
    open_url = reverse("casework:person-open", kwargs={"pk": protected_person.pk})
    assert client.post(open_url, {"reason": "urgent_protection"}).status_code == 404


def test_registering_a_person(client, worker):
    sign_in(client, worker)
    response = client.post(
        reverse("casework:person-create"),
        {
            "identity_number": "120304-2385",
            "given_names": "Kim",
            "family_name": "Ekström",
            "guardian-TOTAL_FORMS": "2",
            "guardian-INITIAL_FORMS": "0",
            "guardian-0-name": "Eva Ekström",
            "guardian-0-phone": "070-1234567",
        },
    )
    person = Person.objects.get()
    assert response["Location"] == detail(person)
    assert person.identity_number == "201203042385"
    assert person.guardians == [{"name": "Eva Ekström", "phone": "070-1234567"}]
    assert person.responsible_unit == worker.unit
    assert AccessEvent.objects.filter(action="create", person_ref=person.pk).exists()


def test_bad_input_keeps_what_was_typed_and_says_why(client, worker):
    sign_in(client, worker)
    response = client.post(
        reverse("casework:person-create"),
        {
            "identity_number": "20120304-2386",
            "given_names": "Kim",
            "family_name": "Ekström",
            "date_of_birth": "2099-01-01",
            "guardian-TOTAL_FORMS": "2",
            "guardian-INITIAL_FORMS": "0",
            "guardian-0-name": "Eva Ekström",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="Ekström"' in content
    assert 'value="Eva Ekström"' in content
    assert swedish("The date of birth cannot be in the future.") in content
    assert not Person.objects.exists()


def test_a_duplicate_number_is_refused_in_the_form(client, worker, person):
    sign_in(client, worker)
    response = client.post(
        reverse("casework:person-create"),
        {
            "identity_number": NUMBER,
            "given_names": "Kim",
            "family_name": "Ek",
            "guardian-TOTAL_FORMS": "0",
            "guardian-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert Person.objects.count() == 1


def test_search_is_posted_so_names_never_reach_a_url(client, worker, person):
    sign_in(client, worker)
    response = client.post(reverse("casework:person-search"), {"q": "åsa"})
    assert detail(person) in response.content.decode()
    assert "Lindqvist" in response.content.decode()


def test_search_by_number_shows_another_units_person_only_as_a_way_in(client, colleague, person):
    sign_in(client, colleague)
    response = client.post(reverse("casework:person-search"), {"q": NUMBER})
    content = response.content.decode()
    assert "Lindqvist" not in content
    assert reverse("casework:person-open", kwargs={"pk": person.pk}) in content


def test_a_protected_person_is_not_revealed_by_search(client, colleague, worker):
    protected = person_register(
        by=worker,
        identity_number=NUMBER,
        given_names="Skyddad",
        family_name="Persson",
        protected_identity=True,
    )
    sign_in(client, colleague)
    content = client.post(reverse("casework:person-search"), {"q": NUMBER}).content.decode()
    assert str(protected.pk) not in content


def test_an_edit_conflict_names_who_changed_and_keeps_the_input(client, worker, person, unit):
    from tests.factories import UserFactory

    other = UserFactory(username="other", first_name="Olle", last_name="Berg", unit=unit)
    sign_in(client, worker)
    edit_url = reverse("casework:person-edit", kwargs={"pk": person.pk})
    form_page = client.get(edit_url).content.decode()
    seen = form_page.split('name="seen_version" value="')[1].split('"')[0]

    from casework.persons.services import person_update

    person_update(person=person, by=other, family_name="Berglund")

    response = client.post(
        edit_url,
        {
            "seen_version": seen,
            "given_names": "Åsa",
            "family_name": "Lindqvist-Ek",
            "identity_number": NUMBER,
            "guardian-TOTAL_FORMS": "0",
            "guardian-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Olle Berg" in content
    assert 'value="Lindqvist-Ek"' in content
    assert Person.objects.get(pk=person.pk).family_name == "Berglund"


def test_the_file_shows_its_history(client, worker, person):
    from casework.persons.services import person_update

    person_update(person=person, by=worker, address="Ny adress 1")
    sign_in(client, worker)
    content = client.get(detail(person)).content.decode()
    assert swedish("Registered") in content
    assert "Sara" in content  # who


def test_pages_are_not_cached(client, worker, person):
    sign_in(Client(), worker)
    sign_in(client, worker)
    assert "no-store" in client.get(detail(person))["Cache-Control"]


def test_a_refused_opening_is_logged(client, sspf_member, person):
    sign_in(client, sspf_member)
    assert client.get(detail(person)).status_code == 404
    event = AccessEvent.objects.filter(action="access_denied").latest("id")
    assert event.outcome == "denied"
    assert event.object_id == str(person.pk)
    assert event.actor == sspf_member
