"""Exit cases set up through the services, in the state a test needs."""

import datetime

import pytest
from django.utils import timezone

from avhopp.models import ExitCase
from avhopp.services import (
    exit_case_record_intake,
    exit_case_registration,
    exit_case_take_step,
    measurement_record,
)
from casework.persons.demo import identity_number
from tests.factories import DistrictFactory

BORN = datetime.date(2001, 4, 5)
WHERE = ("none", "regular", "regular", "temporary", "regular")
LEVELS = ("occupation", "drug_use", "criminality", "housing", "network_contact")


def levels(values=WHERE):
    return dict(zip(LEVELS, values, strict=True))


@pytest.fixture
def district(db):
    return DistrictFactory(name="Hjällbo")


@pytest.fixture
def unit_with_district(unit, district):
    unit.districts.add(district)
    return unit


def register(
    by,
    *,
    serial=501,
    born=BORN,
    given="Kevin",
    family="Avhoppsson",
    protected=False,
    track="exit",
    days_ago=None,
    district=None,
    **extra,
):
    return exit_case_registration(
        by=by,
        request=None,
        identity_number=identity_number(born, serial),
        given_names=given,
        family_name=family,
        track=track,
        referral_source="probation",
        inquiry_at=timezone.now() - datetime.timedelta(days=days_ago or 900),
        inquiry_note="Frivården ringde.",
        protected=protected,
        district=district or DistrictFactory(name="Hjällbo"),
        **extra,
    )


def fresh(case):
    return ExitCase.objects.select_related("person").get(pk=case.pk)


def step(case, name, by, *, days_ago, **answers):
    return exit_case_take_step(
        case=fresh(case),
        step=name,
        by=by,
        at=timezone.now() - datetime.timedelta(days=days_ago),
        **answers,
    )


def measure(case, by, occasion, *, days_ago, values=WHERE, **extra):
    return measurement_record(
        case=fresh(case),
        by=by,
        occasion=occasion,
        measured_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **levels(values),
        **extra,
    )


def intake(case, by, groups=("criminal_lifestyle",), **extra):
    return exit_case_record_intake(
        case=fresh(case), by=by, target_groups=groups, risk_level="moderate", **extra
    )


def to_active(case, by, *, days_ago=25):
    step(case, "start_intake", by, days_ago=days_ago)
    intake(case, by)
    measure(case, by, "baseline", days_ago=days_ago - 1)
    return step(case, "activate", by, days_ago=days_ago - 1, decision_text="Motiverad.")


def to_completed(case, by, *, days_ago=10, values=WHERE):
    to_active(case, by, days_ago=days_ago + 15)
    measure(case, by, "closure", days_ago=days_ago, values=values)
    return step(case, "complete", by, days_ago=days_ago)
