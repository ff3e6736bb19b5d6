import base64
import datetime

import pytest
from django.db import connection

from casework.models import Person
from tests.factories import PersonFactory
from vault.fields import EncryptedFieldMisuse, Sealed
from vault.integrity import Unverifiable, value_unverifiable
from vault.models import DataKey, DataKeyUnwrapFailed, DecryptionFailed
from vault.querysets import TrackedWriteRefused

pytestmark = pytest.mark.django_db


def assert_unverifiable(instance, name, problem):
    """Opening the stored value fails with ``problem``; reading the attribute gives the
    placeholder instead of any value, and tells (vault/integrity.py)."""
    field = instance._meta.get_field(name)
    with pytest.raises(DecryptionFailed, match=problem):
        field.open(instance, instance.__dict__[field.attname])
    told = []

    def listen(sender, **kwargs):
        told.append(kwargs)

    value_unverifiable.connect(listen, weak=False, dispatch_uid="test-listen")
    try:
        value = getattr(instance, name)
    finally:
        value_unverifiable.disconnect(dispatch_uid="test-listen")
    assert isinstance(value, Unverifiable)
    assert [(kwargs["field"].name, kwargs["row"]) for kwargs in told] == [(name, instance.pk)]
    assert problem in told[0]["problem"]


def raw_column(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [_key(pk)])
        return cursor.fetchone()[0]


def write_raw_column(table, column, pk, value):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, _key(pk)])


def _key(uuid_value):
    # SQLite stores UUIDs as 32 hex digits, PostgreSQL as uuid.
    return uuid_value.hex if connection.vendor == "sqlite" else uuid_value


def test_text_date_and_json_round_trip():
    person = PersonFactory(
        given_names="Åsa Maria",
        family_name="Lind",
        date_of_birth=datetime.date(2012, 3, 4),
        guardians=[{"name": "Eva Lind", "phone": "070-123 45 67"}],
    )
    loaded = Person.objects.get(pk=person.pk)
    assert isinstance(loaded.__dict__["given_names"], Sealed)
    assert loaded.given_names == "Åsa Maria"
    assert loaded.date_of_birth == datetime.date(2012, 3, 4)
    assert loaded.guardians == [{"name": "Eva Lind", "phone": "070-123 45 67"}]


def test_the_database_holds_ciphertext_only():
    person = PersonFactory(given_names="Ingrid", family_name="Svanström")
    stored = raw_column("casework_person", "family_name", person.pk)
    assert stored.startswith("tg1:")
    assert "Svanström" not in stored
    # The same value for another person gives other ciphertext (own key, fresh nonce).
    other = PersonFactory(family_name="Svanström")
    assert raw_column("casework_person", "family_name", other.pk) != stored


def test_tampered_ciphertext_fails_loudly():
    person = PersonFactory(family_name="Berg")
    stored = raw_column("casework_person", "family_name", person.pk)
    blob = bytearray(base64.b64decode(stored[4:]))
    blob[-1] ^= 1
    write_raw_column(
        "casework_person", "family_name", person.pk, "tg1:" + base64.b64encode(blob).decode()
    )
    assert_unverifiable(Person.objects.get(pk=person.pk), "family_name", "does not decrypt")


def test_ciphertext_moved_to_another_column_fails():
    person = PersonFactory(given_names="Kim", family_name="Berg")
    stored = raw_column("casework_person", "family_name", person.pk)
    write_raw_column("casework_person", "given_names", person.pk, stored)
    assert_unverifiable(Person.objects.get(pk=person.pk), "given_names", "does not decrypt")


def test_ciphertext_moved_to_another_row_under_the_same_key_fails():
    # A history row shares the person's data key: only the row binding
    # tells the two apart.
    person = PersonFactory(family_name="Berg")
    person.family_name = "Ek"
    person.save()
    first, second = person.history.order_by("history_date")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_historicalperson SET family_name = "
            "(SELECT family_name FROM casework_historicalperson WHERE history_id = %s) "
            "WHERE history_id = %s",
            [_key(second.history_id), _key(first.history_id)],
        )
    moved = person.history.get(history_id=first.history_id)
    assert_unverifiable(moved, "family_name", "does not decrypt")


def test_ciphertext_of_another_person_fails():
    first = PersonFactory(family_name="Berg")
    second = PersonFactory(family_name="Ek")
    write_raw_column(
        "casework_person",
        "family_name",
        second.pk,
        raw_column("casework_person", "family_name", first.pk),
    )
    assert_unverifiable(Person.objects.get(pk=second.pk), "family_name", "another data key")


def test_a_wrong_master_key_fails_loudly(settings):
    person = PersonFactory(family_name="Berg")
    settings.MASTER_KEYS = "1:" + base64.urlsafe_b64encode(b"w" * 32).decode()
    # Every value under every key, not one value: an error, never a placeholder.
    with pytest.raises(DataKeyUnwrapFailed, match="MASTER_KEYS is wrong"):
        Person.objects.get(pk=person.pk).family_name


def test_queryset_update_is_refused():
    person = PersonFactory(family_name="Berg")
    with pytest.raises(TrackedWriteRefused):
        Person.objects.filter(pk=person.pk).update(family_name="Plain")
    with pytest.raises(TrackedWriteRefused):
        Person.objects.filter(pk=person.pk).update(gender="female")
    assert "Plain" not in raw_column("casework_person", "family_name", person.pk)


def test_bulk_update_is_refused():
    person = PersonFactory(family_name="Berg")
    person.family_name = "Plain"
    with pytest.raises(TrackedWriteRefused):
        Person.objects.bulk_update([person], ["family_name"])


def test_a_plain_value_never_reaches_the_column_even_past_the_manager():
    person = PersonFactory(family_name="Berg")
    # A plain QuerySet, as a careless import would give.
    from django.db.models import QuerySet

    with pytest.raises(EncryptedFieldMisuse):
        QuerySet(model=Person).filter(pk=person.pk).update(family_name="Plain")
    with pytest.raises(EncryptedFieldMisuse):
        QuerySet(model=Person).bulk_update([person], ["family_name"])
    with pytest.raises(EncryptedFieldMisuse):
        list(Person.objects.filter(family_name="Berg"))


def test_bulk_create_encrypts():
    people = Person.objects.bulk_create(
        [
            Person(data_key=DataKey.create(), given_names="A", family_name=f"Bulkname{n}")
            for n in range(3)
        ]
    )
    for person in people:
        stored = raw_column("casework_person", "family_name", person.pk)
        assert stored.startswith("tg1:")
        assert Person.objects.get(pk=person.pk).family_name == person.family_name


def test_a_copied_instance_with_a_new_key_is_refused_not_stored_unreadable():
    person = Person.objects.get(pk=PersonFactory(family_name="Berg").pk)
    person.pk = None
    person.id = __import__("uuid").uuid4()
    with pytest.raises(DecryptionFailed):
        person.save(force_insert=True)


def test_history_rows_hold_ciphertext_and_decrypt():
    person = PersonFactory(family_name="Berg")
    person.family_name = "Ek"
    person.save()
    history = list(person.history.order_by("history_date"))
    assert [record.family_name for record in history] == ["Berg", "Ek"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name FROM casework_historicalperson")
        stored = [row[0] for row in cursor.fetchall()]
    assert all(value.startswith("tg1:") for value in stored)
    assert not any("Berg" in value or value == "Ek" for value in stored)


def test_str_and_repr_never_show_plaintext():
    person = PersonFactory(given_names="Hemlig", family_name="Person")
    loaded = Person.objects.get(pk=person.pk)
    assert "Hemlig" not in str(loaded) and "Hemlig" not in repr(loaded)
    assert repr(loaded.__dict__["given_names"]) == "<Sealed>"


def test_dumpdata_refuses_encrypted_models():
    from django.core import serializers

    PersonFactory()
    with pytest.raises(EncryptedFieldMisuse):
        serializers.serialize("json", Person.objects.all())
