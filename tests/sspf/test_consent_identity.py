"""The identity rule: a youth is named to a member only while a consent holds
that covers the member's organisation, by date on the day of the request."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from casework.errors import ApplicationError
from sspf.models import ConcernReferral, Consent, ReferralState
from sspf.selectors import referral_shown
from sspf.services import consent_expiry_default, consent_record, consent_withdraw
from tests.conftest import sign_in
from tests.sspf.conftest import YOUTH

pytestmark = pytest.mark.django_db

NAME = f"{YOUTH['given_names']} {YOUTH['family_name']}"
NUMBER = YOUTH["identity_number"]


def give(referral, by, *, given_on=None, organisations=("school",), **values):
    values = {"guardian_one": True, "youth_agrees": False, **values}
    return consent_record(
        referral=referral,
        by=by,
        granted=True,
        method="written",
        given_on=given_on or timezone.localdate(),
        organisations=list(organisations),
        **values,
    )


def page(client, user, referral):
    sign_in(client, user)
    response = client.get(reverse("sspf:referral-detail", kwargs={"pk": referral.pk}))
    assert response.status_code == 200
    return response.content.decode()


def on_day(monkeypatch, day):
    """Freeze the date the selectors and services read."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_before_consent_the_group_sees_the_label_only(client, youth_referral, school):
    html = page(client, school, youth_referral)
    assert youth_referral.label in html
    assert YOUTH["family_name"] not in html and NUMBER not in html


def test_a_consent_names_the_youth_to_the_organisations_it_covers(
    client, youth_referral, school, police
):
    give(youth_referral, school, organisations=["school"])
    assert NAME in page(client, school, youth_referral)
    assert NUMBER in page(client, school, youth_referral)
    police_page = page(client, police, youth_referral)
    assert YOUTH["family_name"] not in police_page and NUMBER not in police_page


def test_the_consent_moves_a_waiting_referral_on(youth_referral, school):
    give(youth_referral, school)
    assert ConcernReferral.objects.get(pk=youth_referral.pk).state == ReferralState.CONSENT_GIVEN


def test_a_refusal_hides_the_youth_and_moves_to_refused(client, youth_referral, school):
    consent_record(
        referral=youth_referral,
        by=school,
        granted=False,
        method="oral",
        given_on=timezone.localdate(),
    )
    assert ConcernReferral.objects.get(pk=youth_referral.pk).state == ReferralState.CONSENT_REFUSED
    assert YOUTH["family_name"] not in page(client, school, youth_referral)


def test_a_consent_expires_by_date_without_any_job(client, youth_referral, school, monkeypatch):
    given = datetime.date(2026, 1, 15)
    on_day(monkeypatch, given)
    give(youth_referral, school, given_on=given)
    expires = consent_expiry_default(given)
    assert expires == datetime.date(2027, 1, 15)
    on_day(monkeypatch, expires - datetime.timedelta(days=1))
    assert NAME in page(client, school, youth_referral)
    on_day(monkeypatch, expires)
    assert YOUTH["family_name"] not in page(client, school, youth_referral)


def test_the_consent_period_is_a_setting(settings):
    settings.SSPF_CONSENT_MONTHS = 6
    assert consent_expiry_default(datetime.date(2026, 8, 31)) == datetime.date(2027, 2, 28)


def test_a_withdrawal_hides_the_youth_that_was_shown(client, youth_referral, school):
    consent = give(youth_referral, school)
    assert NAME in page(client, school, youth_referral)
    consent_withdraw(consent=consent, by=school)
    html = page(client, school, youth_referral)
    assert YOUTH["family_name"] not in html and NUMBER not in html
    assert Consent.objects.get(pk=consent.pk).withdrawn_by == school


def test_a_withdrawal_through_the_page(client, youth_referral, school):
    consent = give(youth_referral, school)
    sign_in(client, school)
    response = client.post(
        reverse(
            "sspf:consent-withdraw", kwargs={"pk": youth_referral.pk, "consent_pk": consent.pk}
        ),
        {"on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert YOUTH["family_name"] not in page(client, school, youth_referral)


def test_a_youth_of_15_needs_their_own_consent(youth_referral, school, monkeypatch):
    fifteenth = datetime.date(2028, 3, 9)  # the youth was born 2013-03-09
    on_day(monkeypatch, fifteenth)
    with pytest.raises(ApplicationError) as refused:
        give(youth_referral, school, given_on=fifteenth, youth_agrees=False)
    assert refused.value.code == "youth_consent_needed"
    assert not Consent.objects.exists()
    give(youth_referral, school, given_on=fifteenth, youth_agrees=True)
    assert referral_shown(referral=youth_referral, user=school).identified


def test_a_consent_without_the_youths_own_stops_naming_them_at_15(
    youth_referral, school, monkeypatch
):
    on_day(monkeypatch, datetime.date(2028, 3, 1))
    give(youth_referral, school, given_on=datetime.date(2028, 3, 1), youth_agrees=False)
    assert referral_shown(referral=youth_referral, user=school).identified
    on_day(monkeypatch, datetime.date(2028, 3, 9))
    assert not referral_shown(referral=youth_referral, user=school).identified


def test_a_consent_needs_the_first_guardian_and_an_organisation(youth_referral, school):
    with pytest.raises(ApplicationError) as refused:
        give(youth_referral, school, guardian_one=False)
    assert refused.value.field == "guardian_one"
    with pytest.raises(ApplicationError) as refused:
        give(youth_referral, school, organisations=[])
    assert refused.value.field == "organisations"


def test_a_place_needs_no_consent(place_referral, school):
    with pytest.raises(ApplicationError):
        give(place_referral, school)


def test_each_view_of_a_named_youth_is_logged_with_its_consent(client, youth_referral, school):
    consent = give(youth_referral, school)
    page(client, school, youth_referral)
    event = AccessEvent.objects.filter(
        action="view", object_id=str(youth_referral.pk), actor=school
    ).latest("id")
    assert event.detail == f"consent={consent.pk}"
    assert event.person_ref == youth_referral.person_id


def test_a_view_without_identity_is_logged_as_deidentified(client, youth_referral, police):
    page(client, police, youth_referral)
    event = AccessEvent.objects.filter(action="view", object_id=str(youth_referral.pk)).latest(
        "id"
    )
    assert event.detail == "deidentified"


def test_the_list_and_the_start_page_follow_the_same_rule(client, youth_referral, school, police):
    give(youth_referral, school, organisations=["school"])
    for user, named in ((school, True), (police, False)):
        sign_in(client, user)
        for url in (reverse("sspf:referral-list"), reverse("accounts:start")):
            html = client.get(url).content.decode()
            assert youth_referral.label in html
            assert (YOUTH["family_name"] in html) is named, (user, url)
