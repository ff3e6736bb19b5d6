"""After a retention run nothing of the erased person can be read back: not
from a dump of the database (their wrapped data key and blind indexes are
gone, no value of theirs is there in clear), and not through the
application's own decryption of every encrypted column of every row,
history tables included. A person kept by the run is the control: their
indexes stay and their values still open."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import District
from casework.models import Person, PersonNameToken
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from retention.services import retention_run
from tests.dump import database_dump
from tests.retention.test_retention_run import AFTER_FIVE_YEARS, YEAR, closed_report
from vault.fields import EncryptedTextField
from vault.models import DataKey, KeyDestroyed

ERASED = {
    "identity_number": identity_number(datetime.date(2012, 3, 4), 238),
    "given_names": "Tindra",
    "family_name": "Gallringsdotter",
}
KEPT = {
    "identity_number": identity_number(datetime.date(2013, 5, 6), 111),
    "given_names": "Melker",
    "family_name": "Kvarstadsson",
}
ERASED_TEXTS = ("Stal en cykel vid Hjällbo torg.", "Samtal med mamma om cykeln.", "Mamma Lena")


def readable_values():
    """Every encrypted value the application can still open, in every table."""
    values = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not fields:
            continue
        for row in model._base_manager.all().iterator():
            for name in fields:
                try:
                    value = getattr(row, name)
                except KeyDestroyed:
                    continue
                if value not in (None, ""):
                    values.add(str(value))
    return values


def index_values(person):
    person = Person.objects.get(pk=person.pk)
    tokens = set(PersonNameToken.objects.filter(person=person).values_list("token", flat=True))
    return tokens | {person.identity_number_index} - {None}


def wrapped_key_hex(person):
    return bytes(DataKey.objects.get(pk=person.data_key_id).wrapped_key).hex()


@pytest.mark.django_db(transaction=True)
def test_nothing_of_an_erased_person_can_be_read_back_after_a_run(worker):
    district = District.objects.create(name="Hjällbo")
    erased = person_register(by=worker, **ERASED)
    kept = person_register(by=worker, **KEPT)
    kept.history.update(history_date=timezone.now() + YEAR)
    closed_report(worker, erased, district)
    erased_indexes, kept_indexes = index_values(erased), index_values(kept)
    erased_key = wrapped_key_hex(erased)
    before = database_dump()
    assert erased_key in before and all(index in before for index in erased_indexes)
    assert {ERASED["family_name"], *ERASED_TEXTS} <= readable_values()

    assert retention_run(at=timezone.now() + AFTER_FIVE_YEARS).erased == 1

    after = database_dump()
    for value in (erased_key, *erased_indexes, *ERASED.values(), *ERASED_TEXTS):
        assert value not in after, value
    assert all(index in after for index in kept_indexes)
    readable = readable_values()
    for value in (ERASED["given_names"], ERASED["family_name"], *ERASED_TEXTS):
        assert value not in readable, value
    digits = "".join(c for c in ERASED["identity_number"] if c.isdigit())[-10:]
    assert not any(digits in "".join(c for c in value if c.isdigit()) for value in readable)
    assert {KEPT["given_names"], KEPT["family_name"]} <= readable
