"""A sending system, its token, and a notification about a child of 12."""

import datetime

import pytest
from django.utils import timezone

from casework.persons.demo import identity_number
from intake.services import intake_sender_create
from tests.factories import DistrictFactory

URL = "/api/intake/notifications"
CHILD = identity_number(datetime.date(2014, 3, 4), 123)


@pytest.fixture
def district(db):
    return DistrictFactory(name="Hjällbo")


@pytest.fixture
def sender_and_token(unit):
    return intake_sender_create(name="Polisen region Väst", unit=unit)


@pytest.fixture
def sender(sender_and_token):
    return sender_and_token[0]


@pytest.fixture
def token(sender_and_token):
    return sender_and_token[1]


@pytest.fixture
def other_sender_and_token(other_unit):
    return intake_sender_create(name="Polisen region Stockholm", unit=other_unit)


def notification(**overrides):
    now = timezone.localtime()
    values = {
        "identity_number": CHILD,
        "given_names": "Alva",
        "family_name": "Ekström",
        "police_reference": "5000-K123456-26",
        "offence_category": "theft",
        "offence_date": (now.date() - datetime.timedelta(days=2)).isoformat(),
        "received_at": (now - datetime.timedelta(hours=3)).isoformat(),
        "district": "Hjällbo",
        "summary": "Stal en cykel vid torget.",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def send(client, token, body=None, **overrides):
    return client.post(
        URL,
        body if body is not None else notification(**overrides),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
