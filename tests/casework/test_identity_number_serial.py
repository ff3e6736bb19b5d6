"""A birth serial of 000 is never issued: the registration form refuses it in
Swedish and keeps what was typed (the CSV import: test_report_import.py; the
police API: tests/intake/test_notification_receive.py)."""

import datetime

import pytest
from django.urls import reverse

from casework.models import Person
from casework.persons.demo import identity_number
from tests.conftest import sign_in, swedish

pytestmark = pytest.mark.django_db

SERIAL_000 = identity_number(datetime.date(2013, 4, 7), 0)
COORDINATION_000 = identity_number(datetime.date(2013, 4, 7), 0, coordination=True)
MESSAGE = (
    "The three digits after the date cannot be 000: no such number is ever issued. "
    "Check the last four digits."
)


@pytest.mark.parametrize("number", [SERIAL_000, COORDINATION_000])
def test_the_registration_form_refuses_serial_000_and_keeps_what_was_typed(client, worker, number):
    sign_in(client, worker)
    response = client.post(
        reverse("casework:person-create"),
        {
            "identity_number": number,
            "given_names": "Kim",
            "family_name": "Nollsson",
            "guardian-TOTAL_FORMS": "1",
            "guardian-INITIAL_FORMS": "0",
            "guardian-0-name": "Eva Nollsson",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert swedish(MESSAGE) in page
    assert f'value="{number}"' in page
    assert 'value="Nollsson"' in page and 'value="Eva Nollsson"' in page
    assert not Person.objects.exists()
