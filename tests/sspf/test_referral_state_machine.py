"""The referral's state machine as a table: every step from every state,
for a youth and for a place, allowed or refused, and why."""

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed

from audit.models import AccessEvent
from casework.errors import ApplicationError
from sspf.models import ConcernReferral, ReferralState, SspfMembership
from sspf.services import REFERRAL_STEPS, consent_record, referral_take_step
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ReferralState
STEPS = list(REFERRAL_STEPS)

# (state, about): {step: the state it leads to}; every step not named is refused.
# Why: consent is asked about youths only; a youth is reviewed with consent, or
# de-identified without it; a place goes straight to review; closing needs a
# reason and comes after review, follow-up or a refusal.
ALLOWED = {
    (S.RAISED, "youth"): {"ask_consent": S.CONSENT_PENDING, "review_deidentified": S.IN_REVIEW},
    (S.RAISED, "place"): {"review": S.IN_REVIEW},
    (S.CONSENT_PENDING, "youth"): {"review_deidentified": S.IN_REVIEW},
    (S.CONSENT_GIVEN, "youth"): {"review": S.IN_REVIEW},
    (S.CONSENT_REFUSED, "youth"): {"review_deidentified": S.IN_REVIEW, "close": S.CLOSED},
    (S.IN_REVIEW, "youth"): {"agree_action": S.ACTION_AGREED, "close": S.CLOSED},
    (S.IN_REVIEW, "place"): {"agree_action": S.ACTION_AGREED, "close": S.CLOSED},
    (S.ACTION_AGREED, "youth"): {"follow_up": S.FOLLOW_UP},
    (S.ACTION_AGREED, "place"): {"follow_up": S.FOLLOW_UP},
    (S.FOLLOW_UP, "youth"): {"close": S.CLOSED},
    (S.FOLLOW_UP, "place"): {"close": S.CLOSED},
    (S.CLOSED, "youth"): {},
    (S.CLOSED, "place"): {},
}
# How to bring a referral to each state, step by step.
PATHS = {
    S.RAISED: [],
    S.CONSENT_PENDING: ["ask_consent"],
    S.CONSENT_GIVEN: ["ask_consent", "consent"],
    S.CONSENT_REFUSED: ["ask_consent", "refusal"],
    S.IN_REVIEW: ["review"],
    S.ACTION_AGREED: ["review", "agree_action"],
    S.FOLLOW_UP: ["review", "agree_action", "follow_up"],
    S.CLOSED: ["review", "close"],
}
CASES = [(state, about, step) for (state, about) in ALLOWED for step in STEPS]


def bring(referral, state, by):
    for step in PATHS[state]:
        if step in ("consent", "refusal"):
            consent_record(
                referral=referral,
                by=by,
                granted=step == "consent",
                method="written",
                given_on=referral.raised_at.date(),
                organisations=["school"] if step == "consent" else [],
                guardian_one=step == "consent",
            )
        elif step == "review" and referral.about_youth and state != S.CONSENT_GIVEN:
            referral = referral_take_step(referral=referral, step="review_deidentified", by=by)
        else:
            referral = referral_take_step(
                referral=referral, step=step, by=by, close_reason="resolved"
            )
    return ConcernReferral.objects.get(pk=referral.pk)


@pytest.mark.parametrize(("state", "about", "step"), CASES)
def test_each_step_from_each_state(state, about, step, request, school):
    referral = request.getfixturevalue(f"{about}_referral")
    referral = bring(referral, state, school)
    assert referral.state == state
    target = ALLOWED[(state, about)].get(step)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            referral_take_step(referral=referral, step=step, by=school, close_reason="resolved")
        assert ConcernReferral.objects.get(pk=referral.pk).state == state
    else:
        moved = referral_take_step(
            referral=referral, step=step, by=school, close_reason="resolved"
        )
        assert moved.state == target
        assert moved.state_changed_by == school
        assert AccessEvent.objects.filter(
            object_id=str(referral.pk), action="transition", detail=step
        ).exists()


def test_the_offered_steps_are_the_allowed_ones(youth_referral, place_referral, school):
    assert {t.name for t in youth_referral.get_available_user_state_transitions(school)} == {
        "ask_consent",
        "review_deidentified",
        "report_to_social_services",
    }
    assert {t.name for t in place_referral.get_available_user_state_transitions(school)} == {
        "review"
    }


def test_closing_needs_a_reason(youth_referral, school):
    referral = bring(youth_referral, S.IN_REVIEW, school)
    with pytest.raises(ApplicationError) as refused:
        referral_take_step(referral=referral, step="close", by=school, close_reason="")
    assert refused.value.field == "close_reason"
    assert ConcernReferral.objects.get(pk=referral.pk).state == S.IN_REVIEW


def test_a_review_without_consent_is_marked_deidentified(youth_referral, school):
    referral = referral_take_step(referral=youth_referral, step="review_deidentified", by=school)
    assert referral.reviewed_deidentified


def test_a_stale_expected_state_is_refused(youth_referral, school, police):
    referral_take_step(referral=youth_referral, step="ask_consent", by=police)
    with pytest.raises(TransitionNotAllowed):
        referral_take_step(
            referral=youth_referral,
            step="review_deidentified",
            by=school,
            expected_state=S.RAISED,
        )


def test_only_a_member_of_the_group_takes_a_step(youth_referral, outsider):
    with pytest.raises(PermissionDenied):
        referral_take_step(referral=youth_referral, step="ask_consent", by=outsider)


def test_a_member_without_the_role_takes_no_step(youth_referral, group):
    stranger = UserFactory(username="utan-roll")
    SspfMembership.objects.create(user=stranger, group=group, organisation="school")
    with pytest.raises(PermissionDenied):
        referral_take_step(referral=youth_referral, step="ask_consent", by=stranger)
