"""A referral about a youth becomes a report of concern (orosanmälan): one
casework report for the unit serving the group's district, whatever happens
twice; social services work it like any report; the group hears only
whether an investigation was opened."""

import datetime
import threading

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from accounts.roles import Role
from casework.errors import ApplicationError
from casework.models import AssessmentDecision, ReportSource, ReportState, Under15Report
from casework.reports.deadlines import STEP_LABELS, report_deadline
from casework.reports.selectors import ReporterFeedback
from casework.reports.services import (
    report_assign,
    report_of_concern_register,
    report_take_step,
)
from sspf.models import ConcernReferral, ReferralState
from sspf.services import referral_feedback, referral_raise, referral_report, referral_take_step
from tests.conftest import sign_in
from tests.factories import UnitFactory, UserFactory
from tests.sspf.conftest import YOUTH, member_of

pytestmark = pytest.mark.django_db

CONCERN = "Borta varje fredag."


@pytest.fixture(autouse=True)
def unit(group):
    unit = UnitFactory(name="Barn och unga Hammarkullen")
    unit.districts.add(group.district)
    return unit


@pytest.fixture
def worker(unit):
    return UserFactory(username="socialsekreterare", role=Role.SOCIAL_WORKER, unit=unit)


@pytest.fixture
def manager(unit):
    return UserFactory(username="enhetschef", role=Role.UNIT_MANAGER, unit=unit)


def test_a_report_makes_one_casework_report_for_the_districts_unit(youth_referral, school, unit):
    report = referral_report(referral=youth_referral, by=school)
    assert report.source == ReportSource.SSPF_CONCERN
    assert report.unit == unit
    assert report.assigned_to is None
    assert report.person_id == youth_referral.person_id
    assert report.state == ReportState.RECEIVED
    assert CONCERN in report.summary
    assert report.police_reference is None and report.age_at_offence is None
    referral = ConcernReferral.objects.get(pk=youth_referral.pk)
    assert referral.state == ReferralState.REPORTED
    assert referral.reported_by == school


def test_no_consent_is_needed(youth_referral, school):
    assert youth_referral.state == ReferralState.RAISED
    referral_report(referral=youth_referral, by=school)
    assert Under15Report.objects.count() == 1


def test_a_second_report_makes_no_second_case(youth_referral, school, police):
    first = referral_report(referral=youth_referral, by=school)
    again = referral_report(referral=ConcernReferral.objects.get(pk=youth_referral.pk), by=police)
    assert again.pk == first.pk
    assert Under15Report.objects.count() == 1


@pytest.mark.parametrize(
    "steps",
    [
        [],
        ["ask_consent"],
        ["review_deidentified"],
        ["review_deidentified", "agree_action"],
        ["review_deidentified", "agree_action", "follow_up"],
    ],
)
def test_any_open_state_may_be_reported(youth_referral, school, steps):
    referral = youth_referral
    for step in steps:
        referral = referral_take_step(referral=referral, step=step, by=school)
    referral_report(referral=referral, by=school)
    assert ConcernReferral.objects.get(pk=referral.pk).state == ReferralState.REPORTED


def test_a_closed_referral_or_a_place_is_not_reported(youth_referral, place_referral, school):
    with pytest.raises(TransitionNotAllowed):
        referral_report(referral=place_referral, by=school)
    referral = referral_take_step(referral=youth_referral, step="review_deidentified", by=school)
    referral = referral_take_step(
        referral=referral, step="close", by=school, close_reason="resolved"
    )
    with pytest.raises(TransitionNotAllowed):
        referral_report(referral=referral, by=school)
    assert not Under15Report.objects.exists()


def test_without_a_unit_for_the_district_nothing_is_saved(youth_referral, school, unit):
    unit.districts.clear()
    with pytest.raises(ApplicationError) as refused:
        referral_report(referral=youth_referral, by=school)
    assert refused.value.code == "no_unit"
    assert ConcernReferral.objects.get(pk=youth_referral.pk).state == ReferralState.RAISED


def test_social_services_work_it_without_a_first_contact(
    youth_referral, school, unit, worker, manager
):
    report = referral_report(referral=youth_referral, by=school)
    report = report_assign(report=report, to_user=worker, by=manager)
    now = timezone.now()
    report = report_take_step(
        report=report, step="assess_protection", by=worker, at=now, protection_needed=False
    )
    offered = {t.name for t in report.get_available_user_state_transitions(worker)}
    assert offered == {"record_assessment"}
    report = report_take_step(
        report=report,
        step="record_assessment",
        by=worker,
        at=now,
        decision=AssessmentDecision.NO_INVESTIGATION,
    )
    assert report.state == ReportState.ASSESSED
    assert report.reaction_time is None


def test_the_clock_is_protection_then_the_initial_assessment(youth_referral, school, worker):
    report = referral_report(referral=youth_referral, by=school)
    deadline = report_deadline(report)
    assert deadline.due_at - report.received_at == datetime.timedelta(hours=24)
    report = report_take_step(
        report=report,
        step="assess_protection",
        by=worker,
        at=timezone.now(),
        protection_needed=False,
    )
    deadline = report_deadline(report)
    local = timezone.localtime
    assert (local(deadline.due_at).date() - local(report.received_at).date()).days == 14
    assert deadline.step == str(STEP_LABELS[ReportState.FIRST_CONTACT])  # the initial assessment


@pytest.mark.parametrize(
    ("decision", "feedback"),
    [
        (None, ReporterFeedback.NOT_YET),
        (AssessmentDecision.OPEN_INVESTIGATION, ReporterFeedback.OPENED),
        (AssessmentDecision.NO_INVESTIGATION, ReporterFeedback.NOT_OPENED),
        (AssessmentDecision.REFER_SUPPORT, ReporterFeedback.NOT_OPENED),
    ],
)
def test_the_reporter_hears_only_the_decision_category(
    client, youth_referral, school, unit, worker, manager, decision, feedback
):
    report = referral_report(referral=youth_referral, by=school)
    report = report_assign(report=report, to_user=worker, by=manager)
    now = timezone.now()
    report = report_take_step(
        report=report, step="assess_protection", by=worker, at=now, protection_needed=True
    )
    if decision:
        report_take_step(
            report=report, step="record_assessment", by=worker, at=now, decision=decision
        )
    referral = ConcernReferral.objects.get(pk=youth_referral.pk)
    assert referral_feedback(referral) == feedback
    sign_in(client, school)
    html = client.get(reverse("sspf:referral-detail", kwargs={"pk": referral.pk})).content
    html = html.decode()
    assert str(feedback.label) in html or feedback.label in html
    # Nothing of the case: not who works it, not its reference, not the protection answer.
    assert str(worker) not in html and report.reference not in html


def test_the_worker_finds_it_in_the_same_list_as_under15_reports(
    client, youth_referral, school, worker, manager
):
    report = referral_report(referral=youth_referral, by=school)
    report_assign(report=report, to_user=worker, by=manager)
    sign_in(client, worker)
    html = client.get(reverse("accounts:start")).content.decode()
    assert report.reference in html
    assert YOUTH["family_name"] in html


def test_the_report_through_the_page_needs_a_confirmation(client, youth_referral, school, unit):
    sign_in(client, school)
    url = reverse("sspf:referral-report", kwargs={"pk": youth_referral.pk})
    assert client.post(url, {}).status_code == 400
    assert not Under15Report.objects.exists()
    response = client.post(url, {"confirm": "on"})
    assert response["Location"] == reverse(
        "sspf:referral-detail", kwargs={"pk": youth_referral.pk}
    )
    assert Under15Report.objects.count() == 1


def test_a_member_of_another_group_cannot_report(client, youth_referral, outsider, unit):
    sign_in(client, outsider)
    response = client.post(
        reverse("sspf:referral-report", kwargs={"pk": youth_referral.pk}), {"confirm": "on"}
    )
    assert response.status_code == 404
    assert not Under15Report.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_at_once_make_one_casework_report(group):
    first = member_of(group, "skola2", "school")
    second = member_of(group, "polis2", "police")
    referral = referral_raise(by=first, group=group, category="gang", concern=CONCERN, **YOUTH)
    ready = threading.Barrier(2, timeout=10)
    outcomes = {}

    def report_as(user):
        try:
            copy = ConcernReferral.objects.get(pk=referral.pk)
            ready.wait()
            outcomes[user.username] = referral_report(referral=copy, by=user).pk
        except Exception as error:
            outcomes[user.username] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report_as, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Under15Report.objects.filter(source=ReportSource.SSPF_CONCERN).count() == 1
    assert len(set(outcomes.values())) == 1, outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_case_even_past_the_lock(group):
    """Two registrations at once, past any lock: the constraint leaves one."""
    member = member_of(group, "skola3", "school")
    referral = referral_raise(by=member, group=group, category="gang", concern=CONCERN, **YOUTH)
    ready = threading.Barrier(2, timeout=10)
    outcomes = []

    def register():
        try:
            ready.wait()
            report, _created = report_of_concern_register(
                by=member,
                source=ReportSource.SSPF_CONCERN,
                source_reference=referral.pk,
                person=referral.person,
                district=group.district,
            )
            outcomes.append(report.pk)
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert Under15Report.objects.count() == 1
    assert len(set(outcomes)) == 1, outcomes
