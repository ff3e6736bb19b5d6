"""The disclosure log on a person's page: recorded by the workers of the file,
sealed, listed, logged, and refused for anyone else."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from casework.models import Disclosure
from casework.persons.services import person_erase, person_register
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

RECIPIENT = "Polisen Region Väst, utredare Nilsson"
CONTENT = "Uppgift om vårdnadshavarens adress, Storgatan 1."


@pytest.fixture
def person(worker):
    return person_register(
        by=worker, identity_number="20120304-2385", given_names="Åsa", family_name="Lindqvist"
    )


def _form(**changes):
    values = {
        "kind": "police",
        "recipient": RECIPIENT,
        "legal_ground": "crime",
        "content": CONTENT,
        "disclosed_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
    }
    values.update(changes)
    return values


def test_a_worker_records_a_disclosure_that_the_person_page_lists(client, worker, person):
    sign_in(client, worker)
    url = reverse("casework:disclosure-create", kwargs={"pk": person.pk})
    response = client.post(url, _form())
    assert response.status_code == 302
    disclosure = Disclosure.objects.get(person=person)
    assert disclosure.decided_by == worker and disclosure.recipient == RECIPIENT
    assert AccessEvent.objects.filter(
        action="export", object_id=str(disclosure.pk), person_ref=person.pk
    ).exists()
    page = client.get(reverse("casework:person-detail", kwargs={"pk": person.pk})).text
    assert RECIPIENT in page and CONTENT in page
    assert "Misstanke om brott" in page or "Suspicion of crime" in page


def test_the_recipient_and_content_are_sealed(worker, person):
    from casework.disclosures.services import disclosure_record

    disclosure_record(
        person=person,
        by=worker,
        kind="police",
        recipient=RECIPIENT,
        legal_ground="crime",
        content=CONTENT,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, content FROM casework_disclosure")
        stored = repr(cursor.fetchall())
        cursor.execute("SELECT recipient, content FROM casework_historicaldisclosure")
        stored += repr(cursor.fetchall())
    assert stored.count("None") == 0, "both columns hold ciphertext"
    assert "Nilsson" not in stored and "Storgatan" not in stored


def test_bad_input_keeps_what_was_typed(client, worker, person):
    sign_in(client, worker)
    url = reverse("casework:disclosure-create", kwargs={"pk": person.pk})
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, _form(disclosed_at=future))
    assert response.status_code == 200
    assert CONTENT in response.text
    response = client.post(url, _form(kind="report_of_concern", legal_ground="nonsense"))
    assert response.status_code == 200
    assert RECIPIENT in response.text
    assert not Disclosure.objects.exists()


def test_a_worker_of_another_unit_cannot_record_one(client, colleague, person):
    sign_in(client, colleague)
    url = reverse("casework:disclosure-create", kwargs={"pk": person.pk})
    response = client.post(url, _form())
    assert response.status_code in (302, 404)
    assert not Disclosure.objects.exists()


def test_an_sspf_member_is_told_nothing_exists(client, sspf_member, person):
    sign_in(client, sspf_member)
    url = reverse("casework:disclosure-create", kwargs={"pk": person.pk})
    assert client.post(url, _form()).status_code == 404
    assert not Disclosure.objects.exists()


def test_erasing_the_person_empties_the_log(worker, person):
    from casework.disclosures.services import disclosure_record

    disclosure = disclosure_record(
        person=person,
        by=worker,
        kind="police",
        recipient=RECIPIENT,
        legal_ground="crime",
        content=CONTENT,
    )
    person_erase(person=person, by=worker)
    disclosure.refresh_from_db()
    assert disclosure.recipient is None and disclosure.content is None
    assert disclosure.kind == "police"
