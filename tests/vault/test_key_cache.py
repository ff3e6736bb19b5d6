"""Unwrapped data keys are cached for one request or batch, never longer, never across users."""

import threading

import pytest
from django.urls import reverse

from casework.models import Person
from casework.persons.services import person_erase, person_register
from tests.conftest import sign_in
from vault import keycache
from vault.models import DataKey, KeyDestroyed

pytestmark = pytest.mark.django_db


def count_unwraps(monkeypatch):
    calls = []
    original = DataKey.unwrap

    def counting(self):
        calls.append(self.id)
        return original(self)

    monkeypatch.setattr(DataKey, "unwrap", counting)
    return calls


@pytest.fixture
def person(worker):
    return person_register(
        by=worker, identity_number="20120304-2385", given_names="Åsa", family_name="Lindqvist"
    )


def test_inside_a_cache_each_key_is_unwrapped_once(person, monkeypatch):
    calls = count_unwraps(monkeypatch)
    with keycache.data_key_cache():
        loaded = Person.objects.select_related("data_key").get(pk=person.pk)
        assert (loaded.given_names, loaded.family_name) == ("Åsa", "Lindqvist")
        assert loaded.identity_number == "201203042385"
    assert calls == [person.data_key_id]


def test_outside_a_cache_every_value_unwraps(person, monkeypatch):
    calls = count_unwraps(monkeypatch)
    loaded = Person.objects.select_related("data_key").get(pk=person.pk)
    loaded.given_names, loaded.family_name
    assert len(calls) == 2


def test_the_cache_ends_with_its_block(person, monkeypatch):
    calls = count_unwraps(monkeypatch)
    for _ in range(2):
        with keycache.data_key_cache():
            Person.objects.select_related("data_key").get(pk=person.pk).family_name
    assert len(calls) == 2


def test_another_thread_never_sees_this_threads_keys(person, monkeypatch):
    calls = count_unwraps(monkeypatch)
    seen = {}
    with keycache.data_key_cache():
        Person.objects.select_related("data_key").get(pk=person.pk).family_name

        def other_request():
            # A request in another thread starts with no cache of its own.
            seen["cache"] = keycache._cache.get()
            with keycache.data_key_cache():
                seen["inner"] = dict(keycache._cache.get())

        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join()
    assert seen == {"cache": None, "inner": {}}
    assert len(calls) == 1


def test_a_destroyed_key_is_never_served_from_the_cache(person, worker):
    with keycache.data_key_cache():
        assert Person.objects.select_related("data_key").get(pk=person.pk).family_name
        person_erase(person=Person.objects.get(pk=person.pk), by=worker)
        reloaded = Person.history.filter(id=person.pk).order_by("history_date").first()
        with pytest.raises(KeyDestroyed):
            reloaded.family_name


def test_two_users_in_one_process_get_their_own_requests(client, worker, colleague, person):
    sign_in(client, worker)
    assert (
        "Lindqvist"
        in client.get(reverse("casework:person-detail", kwargs={"pk": person.pk})).content.decode()
    )
    # The colleague of another unit is asked for a reason, not shown the file.
    sign_in(client, colleague)
    response = client.get(reverse("casework:person-detail", kwargs={"pk": person.pk}))
    assert response.status_code == 302
    assert keycache._cache.get() is None


def test_erasing_in_one_request_makes_values_unreadable_in_the_next(client, worker, person):
    sign_in(client, worker)
    url = reverse("casework:person-detail", kwargs={"pk": person.pk})
    assert client.get(url).status_code == 200
    person_erase(person=person, by=worker)
    response = client.get(url)
    assert response.status_code == 410
    assert "Lindqvist" not in response.content.decode()


def test_a_key_row_seen_in_the_cache_is_not_fetched_again(person, django_assert_num_queries):
    with keycache.data_key_cache():
        loaded = Person.objects.select_related("data_key").get(pk=person.pk)
        loaded.family_name
        record = Person.history.filter(id=person.pk).first()  # carries only data_key_id
        with django_assert_num_queries(0):
            assert record.family_name == "Lindqvist"


def test_destroying_a_key_drops_it_from_the_cache(person, worker):
    with keycache.data_key_cache():
        Person.objects.select_related("data_key").get(pk=person.pk).family_name
        assert keycache.known_key(person.data_key_id) is not None
        person_erase(person=Person.objects.get(pk=person.pk), by=worker)
        assert keycache.known_key(person.data_key_id) is None
