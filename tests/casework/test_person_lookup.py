import pytest
from django.core.exceptions import ValidationError

from casework.errors import ApplicationError
from casework.models import Person, PersonNameToken, name_tokens
from casework.persons.selectors import (
    person_find_by_identity_number,
    person_ref_for_identity_number,
    persons_search_for_user,
)
from casework.persons.services import person_register, person_update

pytestmark = pytest.mark.django_db

NUMBER = "20120304-2385"


def register(worker, **values):
    defaults = {"given_names": "Åsa Maria", "family_name": "Lind-Berg"}
    return person_register(by=worker, **{**defaults, **values})


def test_it_finds_a_person_by_any_spelling_of_the_number(worker):
    person = register(worker, identity_number=NUMBER)
    for spelling in ("201203042385", "120304-2385", "1203042385", " 20120304-2385 "):
        assert person_find_by_identity_number(spelling) == person


def test_the_index_is_a_keyed_hash_not_the_number(worker):
    person = register(worker, identity_number=NUMBER)
    stored = Person.objects.get(pk=person.pk)
    assert "2385" not in stored.identity_number_index
    assert len(stored.identity_number_index) == 64


def test_an_invalid_number_says_why(worker):
    with pytest.raises(ValidationError) as error:
        person_find_by_identity_number("20120304-2386")
    assert error.value.code == "invalid_check_digit"


def test_a_duplicate_number_is_refused(worker):
    register(worker, identity_number=NUMBER)
    with pytest.raises(ApplicationError) as error:
        register(worker, identity_number="120304-2385")
    assert error.value.field == "identity_number"


def test_the_date_of_birth_comes_from_the_number(worker):
    import datetime

    person = register(worker, identity_number=NUMBER)
    assert person.date_of_birth == datetime.date(2012, 3, 4)


def test_name_search_matches_whole_words_folded(worker):
    person = register(worker)
    assert list(persons_search_for_user(user=worker, text="åsa")) == [person]
    assert list(persons_search_for_user(user=worker, text="ASA berg")) == [person]
    assert list(persons_search_for_user(user=worker, text="lind-berg")) == [person]
    assert list(persons_search_for_user(user=worker, text="Ås")) == []
    assert list(persons_search_for_user(user=worker, text="Åsa Ek")) == []


def test_name_search_stays_within_what_the_user_may_see(worker, colleague):
    register(worker)
    assert list(persons_search_for_user(user=colleague, text="Åsa")) == []


def test_name_tokens_follow_a_name_change(worker):
    person = register(worker)
    person_update(person=person, by=worker, family_name="Ek")
    assert list(persons_search_for_user(user=worker, text="Ek")) == [person]
    assert list(persons_search_for_user(user=worker, text="Berg")) == []


def test_tokens_are_keyed_hashes(worker):
    register(worker)
    tokens = set(PersonNameToken.objects.values_list("token", flat=True))
    assert len(tokens) == len(name_tokens("Åsa Maria", "Lind-Berg"))
    assert not tokens & {"asa", "maria", "lind", "berg"}


def test_the_auditor_lookup_gives_only_the_pseudonymous_id(worker):
    person = register(worker, identity_number=NUMBER)
    assert person_ref_for_identity_number(NUMBER) == person.pk
    assert person_ref_for_identity_number("19811218-9876") is None
    with pytest.raises(ValueError):
        person_ref_for_identity_number("123")


def test_history_user_is_recorded(worker):
    person = register(worker)
    person_update(person=person, by=worker, family_name="Ek")
    assert [r.history_user for r in person.history.all()] == [worker, worker]
