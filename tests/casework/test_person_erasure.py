import pytest
from django.db import connection

from casework.models import Person, PersonNameToken
from casework.persons.selectors import person_find_by_identity_number
from casework.persons.services import person_erase
from tests.factories import PersonFactory
from vault.models import DataKey, KeyDestroyed

pytestmark = pytest.mark.django_db


def test_erasure_makes_the_person_and_their_history_unreadable(worker):
    person = PersonFactory(family_name="Berg", identity_number="201203042385")
    person.family_name = "Ek"
    person.save()
    old_history = list(person.history.values_list("history_id", flat=True))

    person_erase(person=person, by=worker)

    key = DataKey.objects.get(pk=person.data_key_id)
    assert key.wrapped_key is None and key.destroyed_at is not None
    for history_id in old_history:
        record = Person.history.get(history_id=history_id)
        with pytest.raises(KeyDestroyed):
            record.family_name
    erased = Person.objects.get(pk=person.pk)
    assert erased.is_erased
    assert erased.family_name is None


def test_erasure_drops_the_blind_indexes(worker):
    person = PersonFactory(given_names="Kim", family_name="Berg")
    person.refresh_name_tokens()
    person.identity_number_index = "x" * 64
    person.save()
    person_erase(person=person, by=worker)
    assert not PersonNameToken.objects.filter(person=person).exists()
    assert Person.objects.get(pk=person.pk).identity_number_index is None


def test_other_persons_are_untouched(worker):
    kept = PersonFactory(family_name="Kvar")
    gone = PersonFactory(family_name="Borta")
    person_erase(person=gone, by=worker)
    assert Person.objects.get(pk=kept.pk).family_name == "Kvar"
    assert kept.history.first().family_name == "Kvar"


def test_no_trace_of_the_key_remains_in_the_database(worker):
    person = PersonFactory()
    wrapped = bytes(person.data_key.wrapped_key)
    person_erase(person=person, by=worker)
    with connection.cursor() as cursor:
        cursor.execute("SELECT wrapped_key FROM vault_datakey WHERE wrapped_key IS NOT NULL")
        remaining = [bytes(row[0]) for row in cursor.fetchall()]
    assert wrapped not in remaining


def test_the_erased_person_is_no_longer_found_by_identity_number(worker, rf):
    from casework.persons.services import person_register

    person = person_register(
        by=worker,
        identity_number="20120304-2385",
        given_names="Kim",
        family_name="Berg",
    )
    assert person_find_by_identity_number("201203042385") == person
    person_erase(person=person, by=worker)
    assert person_find_by_identity_number("201203042385") is None
