"""A report of concern from an SSPF group is a disclosure, recorded once."""

import pytest

from casework.models import Disclosure
from sspf.models import ConcernReferral
from sspf.services import referral_report
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unit(group):
    unit = UnitFactory(name="Barn och unga Hammarkullen")
    unit.districts.add(group.district)
    return unit


def test_the_report_of_concern_is_in_the_disclosure_log_once(youth_referral, school, police):
    referral_report(referral=youth_referral, by=school)
    referral_report(referral=ConcernReferral.objects.get(pk=youth_referral.pk), by=police)
    disclosure = Disclosure.objects.get(person=youth_referral.person)
    assert disclosure.kind == "report_of_concern"
    assert disclosure.legal_ground == "duty_to_report"
    assert disclosure.recipient == "Barn och unga Hammarkullen"
    assert youth_referral.label in disclosure.content
    assert disclosure.decided_by == school
