"""A notification becomes one unassigned report in the sender's unit, and only one."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from casework.models import Person, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.forms import ReportRegistrationForm
from tests.conftest import swedish
from tests.intake.conftest import CHILD, notification, send

pytestmark = pytest.mark.django_db


def test_it_registers_the_child_and_an_unassigned_report_in_the_senders_unit(
    client, sender, token, district, unit
):
    response = send(client, token, guardians=[{"name": "Maria Ekström", "relation": "mor"}])
    assert response.status_code == 201, response.content
    body = response.json()
    report = Under15Report.objects.get()
    assert body == {"id": str(report.pk), "reference": report.reference, "status": "received"}
    assert report.unit == unit
    assert report.assigned_to is None
    assert report.created_by == sender.account
    assert report.police_reference == "5000-K123456-26"
    assert report.district == district
    assert report.age_at_offence == 12
    assert report.due_at is not None
    person = Person.objects.get()
    assert person.family_name == "Ekström"
    assert person.guardians == [{"name": "Maria Ekström", "relation": "mor"}]


def test_a_replay_creates_nothing_twice(client, token, district):
    first = send(client, token)
    again = send(client, token, police_reference=" 5000-k123456-26 ", summary="Other words")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert again.json()["status"] == "already_received"
    assert Under15Report.objects.count() == 1
    assert Person.objects.count() == 1
    assert Under15Report.objects.get().summary == "Stal en cykel vid torget."


def test_another_police_reference_for_the_same_child_is_a_new_report_linked_to_the_open_one(
    client, token, district
):
    first = send(client, token).json()
    second = send(client, token, police_reference="5000-K999999-26")
    assert second.status_code == 201
    report = Under15Report.objects.get(pk=second.json()["id"])
    assert str(report.linked_report_id) == first["id"]
    assert Person.objects.count() == 1


def test_a_report_the_csv_import_made_is_not_made_again(client, token, district, worker):
    import io

    from casework.reports.imports import reports_import

    line = f"{CHILD};Alva;Ekström;Hjällbo;5000-K123456-26;theft;2026-10-01;2026-10-02 09:30;x\n"
    header = (
        "identity_number;given_names;family_name;district;police_reference;"
        "offence_category;offence_date;received_at;summary\n"
    )
    reports_import(stream=io.BytesIO((header + line).encode()), by=worker)
    response = send(client, token)
    assert response.status_code == 200
    # Not this sender's report: it learns that it arrived, not its reference.
    assert response.json() == {"id": None, "reference": None, "status": "already_received"}
    assert Under15Report.objects.count() == 1


def test_it_refuses_a_child_of_15_with_the_forms_words(client, token, district):
    fifteen = identity_number(datetime.date(2008, 5, 5), 789)
    offence = timezone.localdate() - datetime.timedelta(days=2)
    form_data = {**notification(identity_number=fifteen), "district": district.pk}
    form = ReportRegistrationForm(data=form_data)
    assert not form.is_valid()
    response = send(client, token, identity_number=fifteen, offence_date=offence.isoformat())
    assert response.status_code == 422
    assert response.json()["errors"]["identity_number"] == " ".join(form.errors["identity_number"])
    assert "15" in response.json()["errors"]["identity_number"]
    assert not Under15Report.objects.exists()
    assert not Person.objects.exists()


def test_it_refuses_a_bad_identity_number_with_the_forms_words(client, token, district):
    bad = CHILD[:-1] + str((int(CHILD[-1]) + 1) % 10)
    form = ReportRegistrationForm(data={**notification(identity_number=bad), "district": 1})
    form.is_valid()
    response = send(client, token, identity_number=bad)
    assert response.status_code == 422
    assert response.json()["errors"]["identity_number"] == " ".join(form.errors["identity_number"])
    assert not Person.objects.exists()


def test_it_refuses_birth_serial_000_in_swedish(client, token, district):
    serial_000 = identity_number(datetime.date(2013, 4, 7), 0)
    response = send(client, token, identity_number=serial_000)
    assert response.status_code == 422
    assert response.json()["errors"]["identity_number"] == swedish(
        "The three digits after the date cannot be 000: no such number is ever issued. "
        "Check the last four digits."
    )
    assert not Person.objects.exists()


def test_it_names_each_missing_field(client, token, district):
    body = notification()
    del body["police_reference"], body["offence_date"]
    response = send(client, token, body=body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"police_reference", "offence_date"}
    # Swedish by default, as the pages (Django's own translation of the msgid).
    assert errors["police_reference"] == swedish("This field is required.")
    assert response.json()["detail"]


def test_it_refuses_an_unknown_district_and_an_offence_in_the_future(client, token, district):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = send(client, token, district="Atlantis", offence_date=tomorrow.isoformat())
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"district", "offence_date"}


def test_it_refuses_unknown_fields_and_bad_json(client, token, district):
    response = send(client, token, body={**notification(), "assigned_to": 1})
    assert response.status_code == 422
    assert "assigned_to" in response.json()["errors"]
    response = client.post(
        "/api/intake/notifications",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_a_protected_person_is_refused_with_words_that_name_nothing(
    client, token, district, worker
):
    person_register(
        by=worker,
        identity_number=CHILD,
        given_names="Alva",
        family_name="Ekström",
        protected_identity=True,
        guardians=[{"name": "Hemlig Förälder"}],
    )
    response = send(client, token)
    assert response.status_code == 422
    text = response.content.decode()
    for word in ("Alva", "Ekström", "Hemlig", "protected", "skyddad"):
        assert word.casefold() not in text.casefold()
    assert not Under15Report.objects.exists()
    refusal = AccessEvent.objects.get(action="access_denied", object_type="casework.person")
    assert refusal.flagged


def test_an_existing_child_with_other_names_is_refused(client, token, district, worker):
    person_register(by=worker, identity_number=CHILD, given_names="Nils", family_name="Berg")
    response = send(client, token)
    assert response.status_code == 422
    assert "identity_number" in response.json()["errors"]
    assert "Nils" not in response.content.decode()
    assert not Under15Report.objects.exists()


def test_an_existing_child_gets_the_report_and_keeps_their_file(client, token, district, worker):
    person = person_register(
        by=worker, identity_number=CHILD, given_names="Alva", family_name="Ekström"
    )
    response = send(client, token)
    assert response.status_code == 201
    assert Under15Report.objects.get().person == person
    assert Person.objects.count() == 1
