"""A stored value that does not verify is a security event, not a crash.

Tampering done as a database owner would: ciphertext swapped between rows, a
flipped byte, plain text written into an encrypted column.
"""

import base64
import datetime
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from casework.models import Person, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register
from tests.conftest import sign_in, swedish
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

PLACEHOLDER = "[could not be verified; the system administrator has been told]"
INTEGRITY_PAGE = "The data could not be verified"


@pytest.fixture
def alva(worker):
    return person_register(
        by=worker,
        identity_number=identity_number(datetime.date(2014, 1, 2), 123),
        given_names="Alva",
        family_name="Ekström",
        date_of_birth=datetime.date(2014, 1, 2),
    )


@pytest.fixture
def bo(worker):
    return person_register(by=worker, given_names="Bo Alva", family_name="Lindgren")


def stored(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s",
            [model._meta.pk.get_db_prep_value(pk, connection)],
        )
        return cursor.fetchone()[0]


def write(model, pk, column, value):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s",
            [value, model._meta.pk.get_db_prep_value(pk, connection)],
        )


def flip_a_byte(text):
    prefix, body = text.split(":", 1)
    raw = bytearray(base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_"))
    raw[-5] ^= 0x01
    return f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"


def integrity_events(**filters):
    return AccessEvent.objects.filter(action="integrity_failed", flagged=True, **filters)


def person_page(client, person):
    return client.get(reverse("casework:person-detail", kwargs={"pk": person.pk}))


def test_a_name_swapped_from_another_row_shows_neither_name(client, worker, alva, bo, caplog):
    alva_name = stored(Person, alva.pk, "given_names")
    bo_name = stored(Person, bo.pk, "given_names")
    write(Person, alva.pk, "given_names", bo_name)
    write(Person, bo.pk, "given_names", alva_name)
    sign_in(client, worker)
    with caplog.at_level(logging.ERROR, logger="trygg.security"):
        response = person_page(client, alva)
    page = response.content.decode()
    assert response.status_code == 200
    assert swedish(PLACEHOLDER) in page
    assert "Bo Alva" not in page
    assert "Ekström" in page  # the rest of the file, where it verifies
    (event,) = integrity_events(object_id=str(alva.pk))
    assert event.detail == "casework_person.given_names"
    assert event.person_ref == alva.pk
    assert event.actor == worker
    assert event.outcome == "denied"
    assert any(
        "integrity_failed" in record.getMessage() and str(alva.pk) in record.getMessage()
        for record in caplog.records
    )


def test_a_flipped_byte_is_caught(client, worker, alva):
    write(Person, alva.pk, "family_name", flip_a_byte(stored(Person, alva.pk, "family_name")))
    sign_in(client, worker)
    page = person_page(client, alva).content.decode()
    assert swedish(PLACEHOLDER) in page
    assert "Ekström" not in page
    assert "Alva" in page
    assert integrity_events(detail="casework_person.family_name").count() == 1


def test_plain_text_written_in_is_not_shown(client, worker, alva):
    write(Person, alva.pk, "family_name", "Inplanterad")
    sign_in(client, worker)
    page = person_page(client, alva).content.decode()
    assert "Inplanterad" not in page
    assert swedish(PLACEHOLDER) in page
    assert integrity_events(object_id=str(alva.pk)).count() == 1


def test_a_value_read_twice_in_a_request_is_recorded_once(client, worker, alva):
    write(Person, alva.pk, "family_name", "Inplanterad")
    sign_in(client, worker)
    person_page(client, alva)
    assert integrity_events().count() == 1
    person_page(client, alva)  # a new request records it again
    assert integrity_events().count() == 2


def test_a_typed_value_that_does_not_verify_gives_the_integrity_page(client, worker, alva):
    write(Person, alva.pk, "date_of_birth", flip_a_byte(stored(Person, alva.pk, "date_of_birth")))
    sign_in(client, worker)
    response = person_page(client, alva)
    assert response.status_code == 409
    page = response.content.decode()
    assert swedish(INTEGRITY_PAGE) in page
    assert "Ekström" not in page
    # Recorded although the view's transaction was rolled back.
    assert integrity_events(detail="casework_person.date_of_birth").exists()


def test_the_edit_page_does_not_offer_the_placeholder_as_a_value(client, worker, alva):
    write(Person, alva.pk, "given_names", "Inplanterad")
    sign_in(client, worker)
    response = client.get(reverse("casework:person-edit", kwargs={"pk": alva.pk}))
    assert response.status_code == 409
    assert swedish(INTEGRITY_PAGE) in response.content.decode()
    assert swedish(PLACEHOLDER) not in response.content.decode()


def test_a_list_with_the_person_shows_the_others(client, worker, alva, bo):
    write(Person, alva.pk, "family_name", "Inplanterad")
    sign_in(client, worker)
    response = client.post(reverse("casework:person-search"), {"q": "Alva"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lindgren" in page
    assert swedish(PLACEHOLDER) in page
    assert "Inplanterad" not in page
    assert integrity_events(object_id=str(alva.pk)).count() == 1


def test_a_report_page_with_a_tampered_value(client, worker, alva):
    received = timezone.now() - datetime.timedelta(hours=3)
    report = report_register(
        by=worker,
        person=alva,
        police_reference="5000-K42-26",
        offence_category="theft",
        offence_date=timezone.localtime(received).date() - datetime.timedelta(days=1),
        received_at=received,
        district=DistrictFactory(name="Hjällbo"),
    )
    write(Under15Report, report.pk, "police_reference", "5000-K99-26")
    sign_in(client, worker)
    response = client.get(reverse("casework:report-detail", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "5000-K99-26" not in page
    assert swedish(PLACEHOLDER) in page
    (event,) = integrity_events(object_id=str(report.pk))
    assert event.detail == "casework_under15report.police_reference"
    assert event.person_ref == alva.pk


def test_health_stays_up(client, alva):
    write(Person, alva.pk, "family_name", "Inplanterad")
    assert client.get("/health/").status_code == 200


def test_the_verify_command_lists_exactly_the_tampered_values(worker, alva, bo):
    out = StringIO()
    call_command("verify_encrypted_values", stdout=out, stderr=StringIO())
    assert "OK: every stored value verifies" in out.getvalue()

    write(Person, alva.pk, "family_name", "Inplanterad")
    write(Person, bo.pk, "given_names", stored(Person, alva.pk, "given_names"))
    out = StringIO()
    with pytest.raises(CommandError, match="2 stored values do not verify"):
        call_command("verify_encrypted_values", stdout=out, stderr=StringIO())
    listed = sorted(line for line in out.getvalue().splitlines() if line.startswith("NOT"))
    expected = sorted(
        [
            f"casework_person.family_name row {alva.pk}",
            f"casework_person.given_names row {bo.pk}",
        ]
    )
    assert [line.split(":")[0].removeprefix("NOT VERIFIED ") for line in listed] == expected
    assert "Inplanterad" not in out.getvalue()


def test_a_data_key_that_does_not_unwrap_gives_the_integrity_page(client, worker, alva):
    from vault.models import DataKey

    wrapped = bytearray(DataKey.objects.get(pk=alva.data_key_id).wrapped_key)
    wrapped[-1] ^= 0x01
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {DataKey._meta.db_table} SET wrapped_key = %s WHERE id = %s",
            [bytes(wrapped), DataKey._meta.pk.get_db_prep_value(alva.data_key_id, connection)],
        )
    sign_in(client, worker)
    response = person_page(client, alva)
    assert response.status_code == 409
    assert swedish(INTEGRITY_PAGE) in response.content.decode()
    assert "Ekström" not in response.content.decode()
    assert integrity_events(detail="casework:person-detail").exists()
