"""Retention of a youth known only through SSPF referrals that never became a
report of concern: erased a shorter period (a setting) after the last
referral closed; a referral reported to social services puts the file under
the five-year rule. The run is told the moment it runs at."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from casework.models import Person
from casework.persons.demo import identity_number
from casework.reports.services import report_take_step
from retention.models import Erasure
from retention.services import retention_run
from sspf.models import ConcernReferral, Organisation, ReferralState
from sspf.services import referral_raise, referral_report, referral_take_step
from sspf.summary import referral_counts
from tests.factories import (
    DistrictFactory,
    SspfGroupFactory,
    SspfMembershipFactory,
    UnitFactory,
    UserFactory,
)
from vault.models import KeyDestroyed

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# A research day (the 15th): the exception is the social services' and does
# not keep SSPF-only files, so the rule is seen working on such a person too.
BORN = datetime.date(2013, 3, 15)


@pytest.fixture
def school(db):
    group = SspfGroupFactory(name="SSPF Bergsjön", district=DistrictFactory(name="Bergsjön"))
    UnitFactory(name="Barn och unga Bergsjön").districts.add(group.district)
    user = UserFactory(username="skola", role=Role.SSPF_MEMBER)
    SspfMembershipFactory(user=user, group=group, organisation=Organisation.SCHOOL)
    return user


def referral(by, *, serial=412, concern="Borta varje fredag."):
    return referral_raise(
        by=by,
        group=by.sspf_memberships.get().group,
        category="truancy",
        concern=concern,
        identity_number=identity_number(BORN, serial),
        given_names="Ilona",
        family_name="Skolfrånvarosson",
    )


def closed(by, referral):
    referral = referral_take_step(referral=referral, step="review_deidentified", by=by)
    return referral_take_step(referral=referral, step="close", by=by, close_reason="resolved")


def due(at):
    return {file.person_id: file.rule for file in retention_run(at=at, dry_run=True).due}


def after_months(months, days=3):
    now = timezone.now()
    return now + datetime.timedelta(days=round(months * 365 / 12) + days)


def test_a_closed_unreported_referral_is_due_after_the_sspf_period(school, settings):
    settings.RETENTION_SSPF_UNREPORTED_MONTHS = 12
    person_id = closed(school, referral(school)).person_id

    assert person_id not in due(after_months(11))
    assert due(after_months(12, days=5)).get(person_id) == "sspf_unreported"


def test_the_period_is_a_setting(school, settings):
    person_id = closed(school, referral(school)).person_id
    settings.RETENTION_SSPF_UNREPORTED_MONTHS = 6

    assert due(after_months(6, days=5)).get(person_id) == "sspf_unreported"
    settings.RETENTION_SSPF_UNREPORTED_MONTHS = 24
    assert person_id not in due(after_months(23))


def test_an_open_referral_keeps_the_file(school):
    person_id = referral(school).person_id

    assert person_id not in due(after_months(36))


def test_a_referral_reported_to_social_services_falls_under_the_five_year_rule(school, settings):
    reported = referral(school)
    # The report of concern it became is closed, so only the period holds it.
    report = referral_report(referral=reported, by=school)
    worker = UserFactory(username="socialsekreterare", role=Role.SOCIAL_WORKER, unit=report.unit)
    report_take_step(report=report, step="close_on_receipt", by=worker, close_reason="duplicate")

    assert reported.person_id not in due(after_months(36))
    # Now social-services documentation: the research exception keeps it ...
    assert reported.person_id not in due(after_months(61))
    # ... and without the exception it is due after five years.
    settings.RETENTION_RESEARCH_BIRTHDAYS = False
    assert due(after_months(61)).get(reported.person_id) == "social_services"


def test_a_run_shreds_the_referrals_and_the_statistics_still_count_them(school):
    erased_referral = closed(school, referral(school))
    kept_referral = referral(school, serial=421, concern="Syns med äldre på kvällarna.")
    counted_before = referral_counts()
    history_ids = list(erased_referral.history.values_list("history_id", flat=True))

    result = retention_run(at=after_months(13))

    assert result.erased == 1
    assert Person.objects.get(pk=erased_referral.person_id).is_erased
    tombstone = Erasure.objects.get(person_id=erased_referral.person_id)
    assert tombstone.rule == "sspf_unreported"
    stored = ConcernReferral.objects.get(pk=erased_referral.pk)
    assert stored.state == ReferralState.CLOSED and stored.category == "truancy"
    with pytest.raises(KeyDestroyed):
        stored.concern
    for history_id in history_ids:
        with pytest.raises(KeyDestroyed):
            ConcernReferral.history.get(history_id=history_id).concern
    assert ConcernReferral.objects.get(pk=kept_referral.pk).concern == (
        "Syns med äldre på kvällarna."
    )
    assert referral_counts() == counted_before
