"""The under-15 report's state machine, through its services: every allowed
step, every refused one, who may take them, and what each step leaves behind."""

import datetime
import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.roles import Role
from audit.models import AccessEvent
from casework.errors import ApplicationError
from casework.models import (
    EARLY_CLOSE_REASONS,
    AssessmentDecision,
    CloseReason,
    ReportState,
    Under15Report,
)
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_assign, report_register, report_take_step
from tests.factories import DistrictFactory, UserFactory
from vault.querysets import TrackedWriteRefused

pytestmark = pytest.mark.django_db

SERIALS = itertools.count(200)

# What each step needs besides the time, in a form the step accepts.
VALUES = {
    "assess_protection": {"protection_needed": False},
    "record_first_contact": {},
    "record_assessment": {"decision": AssessmentDecision.NO_INVESTIGATION},
    "start_investigation": {},
    "close_on_receipt": {"close_reason": CloseReason.DUPLICATE},
    "close": {"close_reason": CloseReason.INVESTIGATION_DONE},
}
# The steps that lead to each state, in order.
PATH = {
    ReportState.RECEIVED: [],
    ReportState.PROTECTION_ASSESSED: ["assess_protection"],
    ReportState.FIRST_CONTACT: ["assess_protection", "record_first_contact"],
    ReportState.ASSESSED: ["assess_protection", "record_first_contact", "record_assessment"],
    ReportState.INVESTIGATING: [
        "assess_protection",
        "record_first_contact",
        "record_assessment",
        "start_investigation",
    ],
    ReportState.CLOSED: [
        "assess_protection",
        "record_first_contact",
        "record_assessment",
        "start_investigation",
        "close",
    ],
}
# (state, step) pairs the machine allows. From "assessed" it depends on the
# decision; those two are tested on their own below.
ALLOWED = {
    (ReportState.RECEIVED, "assess_protection"),
    (ReportState.RECEIVED, "close_on_receipt"),
    (ReportState.PROTECTION_ASSESSED, "record_first_contact"),
    (ReportState.FIRST_CONTACT, "record_assessment"),
    (ReportState.ASSESSED, "start_investigation"),
    (ReportState.ASSESSED, "close"),
    (ReportState.INVESTIGATING, "close"),
}
REFUSED = [(state, step) for state in PATH for step in VALUES if (state, step) not in ALLOWED]
# For each step, the state it is taken from.
FROM_STATE = {
    "assess_protection": ReportState.RECEIVED,
    "record_first_contact": ReportState.PROTECTION_ASSESSED,
    "record_assessment": ReportState.FIRST_CONTACT,
    "start_investigation": ReportState.ASSESSED,
    "close_on_receipt": ReportState.RECEIVED,
    "close": ReportState.INVESTIGATING,
}
NOT_SOCIAL_WORKERS = ["sspf_member", "manager", "auditor", "administrator"]


@pytest.fixture
def unit_mate(unit):
    return UserFactory(username="unit_mate", role=Role.SOCIAL_WORKER, unit=unit)


def person(by, *, born=None):
    # Twelve or thirteen at any offence of the last weeks, whenever the tests run.
    born = born or datetime.date(timezone.localdate().year - 13, 1, 1)
    return person_register(
        by=by,
        identity_number=identity_number(born, next(SERIALS)),
        given_names="Alva",
        family_name="Ek",
    )


def register(by, *, child=None, received_at=None, offence_date=None):
    received_at = received_at or timezone.now() - timedelta(days=10)
    return report_register(
        by=by,
        person=child or person(by),
        police_reference="5000-K100200-26",
        offence_category="theft",
        offence_date=offence_date or timezone.localtime(received_at).date() - timedelta(days=1),
        received_at=received_at,
        district=DistrictFactory(name="Hjällbo"),
    )


def take(report, step, by, at, **values):
    return report_take_step(report=report, step=step, by=by, at=at, **values)


def walk(report, steps, by, *, decision=AssessmentDecision.OPEN_INVESTIGATION):
    """Take ``steps`` one day apart after the report arrived."""
    for day, step in enumerate(steps, start=1):
        values = {**VALUES[step], **({"decision": decision} if "decision" in VALUES[step] else {})}
        take(report, step, by, report.received_at + timedelta(days=day), **values)


def report_in(state, by, *, decision=AssessmentDecision.OPEN_INVESTIGATION):
    """A report that arrived ten days ago, moved to ``state``."""
    report = register(by)
    walk(report, PATH[state], by, decision=decision)
    return Under15Report.objects.get(pk=report.pk)


def stored(report):
    """What the database holds about the report's progress, and what was logged."""
    row = Under15Report.objects.filter(pk=report.pk).values(
        "state",
        "assigned_to",
        "protection_needed",
        "protection_assessed_at",
        "first_contact_at",
        "reaction_time",
        "decision",
        "assessed_at",
        "investigation_started_at",
        "closed_at",
        "close_reason",
        "state_changed_at",
        "state_changed_by",
    )
    return {
        **row.get(),
        "history": report.history.count(),
        "events": AccessEvent.objects.filter(object_id=str(report.pk)).count(),
    }


# --- Allowed steps ------------------------------------------------------------


def test_it_moves_a_report_from_receipt_to_closing(worker):
    report = register(worker)
    received = report.received_at

    def at(hours):
        return received + timedelta(hours=hours)

    take(report, "assess_protection", worker, at(3), protection_needed=True)
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state == ReportState.PROTECTION_ASSESSED
    assert report.protection_needed is True
    assert report.protection_assessed_at == at(3)
    assert (report.state_changed_by, report.state_changed_at) == (worker, at(3))
    assert report.history.count() == 2

    take(report, "record_first_contact", worker, at(50))
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state == ReportState.FIRST_CONTACT
    assert report.first_contact_at == at(50)
    assert report.reaction_time == timedelta(hours=50)
    assert report.reaction_time == report.first_contact_at - report.received_at
    assert report.state_changed_at == at(50)
    assert report.history.count() == 3

    take(report, "record_assessment", worker, at(100), decision="open_investigation")
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state == ReportState.ASSESSED
    assert report.decision == AssessmentDecision.OPEN_INVESTIGATION
    assert report.assessed_at == at(100)
    assert report.history.count() == 4

    take(report, "start_investigation", worker, at(101))
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state == ReportState.INVESTIGATING
    assert report.investigation_started_at == at(101)
    assert report.history.count() == 5

    take(report, "close", worker, at(200), close_reason="investigation_done")
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state == ReportState.CLOSED
    assert report.closed_at == at(200)
    assert report.close_reason == CloseReason.INVESTIGATION_DONE
    assert (report.state_changed_by, report.state_changed_at) == (worker, at(200))
    # What the earlier steps recorded stays.
    assert report.protection_needed is True
    assert report.first_contact_at == at(50)
    assert report.decision == AssessmentDecision.OPEN_INVESTIGATION

    history = list(report.history.order_by("history_date"))
    assert [record.state for record in history] == [
        ReportState.RECEIVED,
        ReportState.PROTECTION_ASSESSED,
        ReportState.FIRST_CONTACT,
        ReportState.ASSESSED,
        ReportState.INVESTIGATING,
        ReportState.CLOSED,
    ]
    assert {record.history_user for record in history} == {worker}


def test_it_records_that_no_protection_is_needed(worker):
    report = register(worker)
    take(report, "assess_protection", worker, report.received_at, protection_needed=False)
    assert Under15Report.objects.get(pk=report.pk).protection_needed is False


@pytest.mark.parametrize("reason", sorted(EARLY_CLOSE_REASONS))
def test_it_closes_on_receipt_with_an_early_reason(worker, reason):
    report = register(worker)
    closed_at = report.received_at + timedelta(hours=1)
    take(report, "close_on_receipt", worker, closed_at, close_reason=reason)
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state == ReportState.CLOSED
    assert report.close_reason == reason
    assert report.closed_at == closed_at
    assert (report.state_changed_by, report.state_changed_at) == (worker, closed_at)
    assert report.protection_assessed_at is None
    assert report.history.count() == 2
    assert report.history.latest("history_date").history_user == worker


@pytest.mark.parametrize(
    ("decision", "reason"),
    [
        (AssessmentDecision.NO_INVESTIGATION, CloseReason.NO_INVESTIGATION),
        (AssessmentDecision.REFER_SSPF, CloseReason.REFERRED),
        (AssessmentDecision.REFER_SUPPORT, CloseReason.REFERRED),
    ],
)
def test_it_closes_after_an_assessment_not_to_investigate(worker, decision, reason):
    report = report_in(ReportState.ASSESSED, worker, decision=decision)
    closed_at = timezone.now() - timedelta(hours=1)
    take(report, "close", worker, closed_at, close_reason=reason)
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state == ReportState.CLOSED
    assert (report.decision, report.close_reason, report.closed_at) == (
        decision,
        reason,
        closed_at,
    )
    assert report.investigation_started_at is None
    assert report.history.count() == 5


def test_it_closes_an_investigation_when_it_is_done(worker):
    report = report_in(ReportState.INVESTIGATING, worker)
    closed_at = timezone.now() - timedelta(hours=1)
    take(report, "close", worker, closed_at, close_reason="investigation_done")
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state == ReportState.CLOSED
    assert report.close_reason == CloseReason.INVESTIGATION_DONE
    assert report.closed_at == closed_at


def test_another_worker_of_the_unit_can_take_the_next_step(worker, unit_mate):
    report = register(worker)
    take(report, "assess_protection", unit_mate, report.received_at, protection_needed=False)
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state_changed_by == unit_mate
    assert report.assigned_to == worker
    assert report.history.latest("history_date").history_user == unit_mate


# --- Refused steps ------------------------------------------------------------


@pytest.mark.parametrize(("state", "step"), REFUSED)
def test_it_refuses_a_step_the_state_does_not_allow(worker, state, step):
    report = report_in(state, worker)
    before = stored(report)
    with pytest.raises(TransitionNotAllowed):
        take(report, step, worker, timezone.now() - timedelta(minutes=1), **VALUES[step])
    assert stored(report) == before


@pytest.mark.parametrize(
    ("step", "values", "field"),
    [
        ("assess_protection", {}, "protection_needed"),
        ("assess_protection", {"protection_needed": None}, "protection_needed"),
        ("assess_protection", {"protection_needed": "yes"}, "protection_needed"),
        ("record_assessment", {}, "decision"),
        ("record_assessment", {"decision": ""}, "decision"),
        ("record_assessment", {"decision": "maybe_later"}, "decision"),
        ("close_on_receipt", {}, "close_reason"),
        ("close_on_receipt", {"close_reason": ""}, "close_reason"),
        ("close_on_receipt", {"close_reason": "not_a_reason"}, "close_reason"),
        ("close", {"close_reason": None}, "close_reason"),
        ("close", {"close_reason": "not_a_reason"}, "close_reason"),
    ],
)
def test_it_refuses_a_missing_or_unknown_answer(worker, step, values, field):
    report = report_in(FROM_STATE[step], worker)
    before = stored(report)
    with pytest.raises(ApplicationError) as error:
        take(report, step, worker, timezone.now(), **values)
    assert error.value.field == field
    assert error.value.message
    assert stored(report) == before


@pytest.mark.parametrize(
    "decision",
    [
        AssessmentDecision.NO_INVESTIGATION,
        AssessmentDecision.REFER_SSPF,
        AssessmentDecision.REFER_SUPPORT,
    ],
)
def test_it_refuses_an_investigation_the_assessment_did_not_decide(worker, decision):
    report = report_in(ReportState.ASSESSED, worker, decision=decision)
    before = stored(report)
    with pytest.raises(TransitionNotAllowed):
        take(report, "start_investigation", worker, timezone.now())
    assert stored(report) == before


@pytest.mark.parametrize(
    "reason", [CloseReason.NO_INVESTIGATION, CloseReason.REFERRED, CloseReason.INVESTIGATION_DONE]
)
def test_it_refuses_to_close_on_receipt_with_a_later_reason(worker, reason):
    report = register(worker)
    before = stored(report)
    with pytest.raises(TransitionNotAllowed):
        take(report, "close_on_receipt", worker, timezone.now(), close_reason=reason)
    assert stored(report) == before


@pytest.mark.parametrize("reason", sorted(CloseReason))
def test_it_refuses_to_close_when_the_assessment_was_to_investigate(worker, reason):
    report = report_in(ReportState.ASSESSED, worker, decision="open_investigation")
    before = stored(report)
    with pytest.raises(TransitionNotAllowed):
        take(report, "close", worker, timezone.now(), close_reason=reason)
    assert stored(report) == before


@pytest.mark.parametrize("reason", sorted(EARLY_CLOSE_REASONS))
def test_it_refuses_to_close_an_investigation_with_an_early_reason(worker, reason):
    report = report_in(ReportState.INVESTIGATING, worker)
    before = stored(report)
    with pytest.raises(TransitionNotAllowed):
        take(report, "close", worker, timezone.now(), close_reason=reason)
    assert stored(report) == before


@pytest.mark.parametrize(
    ("state", "decision", "reason"),
    [
        (ReportState.ASSESSED, "no_investigation", CloseReason.INVESTIGATION_DONE),
        (ReportState.ASSESSED, "refer_sspf", CloseReason.INVESTIGATION_DONE),
        (ReportState.ASSESSED, "no_investigation", CloseReason.REFERRED),
        (ReportState.ASSESSED, "refer_support", CloseReason.NO_INVESTIGATION),
        (ReportState.INVESTIGATING, "open_investigation", CloseReason.NO_INVESTIGATION),
    ],
)
def test_it_refuses_a_reason_that_contradicts_the_assessment(worker, state, decision, reason):
    report = report_in(state, worker, decision=decision)
    before = stored(report)
    with pytest.raises(TransitionNotAllowed):
        take(report, "close", worker, timezone.now(), close_reason=reason)
    assert stored(report) == before


def test_it_refuses_an_unknown_step(worker):
    report = register(worker)
    before = stored(report)
    with pytest.raises(ApplicationError):
        take(report, "reopen", worker, timezone.now())
    assert stored(report) == before


# --- Who may take a step --------------------------------------------------------


@pytest.mark.parametrize("role", NOT_SOCIAL_WORKERS)
@pytest.mark.parametrize("step", list(VALUES))
def test_only_social_workers_take_steps(request, worker, role, step):
    user = request.getfixturevalue(role)
    report = report_in(FROM_STATE[step], worker)
    before = stored(report)
    with pytest.raises(PermissionDenied):
        take(report, step, user, timezone.now() - timedelta(minutes=1), **VALUES[step])
    assert stored(report) == before


@pytest.mark.parametrize("role", NOT_SOCIAL_WORKERS)
def test_only_social_workers_register_reports(request, worker, role):
    child = person(worker)
    with pytest.raises(PermissionDenied):
        register(request.getfixturevalue(role), child=child)
    assert not Under15Report.objects.exists()


def test_registering_assigns_the_report_to_the_worker_in_their_unit(worker, unit):
    child = person(worker, born=datetime.date(2013, 5, 14))
    report = register(
        worker,
        child=child,
        received_at=datetime.datetime(2026, 5, 14, 8, 0, tzinfo=datetime.UTC),
        offence_date=datetime.date(2026, 5, 13),
    )
    report = Under15Report.objects.get(pk=report.pk)
    assert report.state == ReportState.RECEIVED
    assert (report.unit, report.assigned_to, report.created_by) == (unit, worker, worker)
    assert report.age_at_offence == 12
    assert report.history.get().history_user == worker
    event = AccessEvent.objects.get(object_id=str(report.pk))
    assert (event.action, event.actor, event.person_ref) == ("create", worker, report.person_id)


def test_the_manager_assigns_a_report_to_a_worker_of_the_unit(worker, unit_mate, manager):
    report = register(worker)
    assigned = report_assign(report=report, to_user=unit_mate, by=manager)
    assert assigned.assigned_to == unit_mate
    assert Under15Report.objects.get(pk=report.pk).assigned_to == unit_mate
    assert report.history.latest("history_date").history_user == manager
    event = AccessEvent.objects.filter(object_id=str(report.pk)).latest("id")
    assert (event.action, event.detail, event.actor) == ("change", "assigned_to", manager)
    assert event.subject_user_id == unit_mate.pk


def test_assigning_to_the_same_worker_changes_nothing(worker, manager):
    report = register(worker)
    before = stored(report)
    report_assign(report=report, to_user=worker, by=manager)
    assert stored(report) == before


@pytest.mark.parametrize("to", ["colleague", "manager"])
def test_the_manager_cannot_assign_outside_the_unit_or_to_a_non_worker(
    request, worker, manager, to
):
    report = register(worker)
    before = stored(report)
    with pytest.raises(ApplicationError) as error:
        report_assign(report=report, to_user=request.getfixturevalue(to), by=manager)
    assert error.value.field == "assigned_to"
    assert stored(report) == before


@pytest.mark.parametrize("by", ["worker", "unit_mate", "colleague", "auditor", "administrator"])
def test_only_a_manager_assigns(request, worker, unit_mate, by):
    report = register(worker)
    before = stored(report)
    with pytest.raises(PermissionDenied):
        report_assign(report=report, to_user=unit_mate, by=request.getfixturevalue(by))
    assert stored(report) == before


def test_a_manager_of_another_unit_cannot_assign(worker, unit_mate, other_unit):
    other_manager = UserFactory(username="other_manager", role=Role.UNIT_MANAGER, unit=other_unit)
    report = register(worker)
    with pytest.raises(PermissionDenied):
        report_assign(report=report, to_user=unit_mate, by=other_manager)
    assert Under15Report.objects.get(pk=report.pk).assigned_to == worker


# --- The state field is protected -----------------------------------------------


def test_the_state_cannot_be_set_directly(worker):
    report = register(worker)
    with pytest.raises(AttributeError):
        report.state = ReportState.CLOSED
    assert Under15Report.objects.get(pk=report.pk).state == ReportState.RECEIVED


def test_the_state_cannot_be_updated_in_bulk(worker):
    report = register(worker)
    with pytest.raises(TrackedWriteRefused):
        Under15Report.objects.filter(pk=report.pk).update(state=ReportState.CLOSED)
    with pytest.raises(TrackedWriteRefused):
        Under15Report.objects.bulk_update([report], ["state"])
    assert Under15Report.objects.get(pk=report.pk).state == ReportState.RECEIVED


# --- Bad input ------------------------------------------------------------------


def test_it_refuses_a_step_in_the_future(worker):
    report = register(worker)
    before = stored(report)
    with pytest.raises(ApplicationError) as error:
        take(report, "assess_protection", worker, timezone.now() + timedelta(minutes=5))
    assert error.value.field == "at"
    assert error.value.message
    assert stored(report) == before


def test_it_refuses_a_step_before_the_report_arrived(worker):
    report = register(worker)
    before = stored(report)
    with pytest.raises(ApplicationError) as error:
        take(
            report,
            "assess_protection",
            worker,
            report.received_at - timedelta(minutes=1),
            protection_needed=False,
        )
    assert error.value.field == "at"
    assert error.value.message
    assert stored(report) == before


def test_it_refuses_a_step_before_the_previous_one(worker):
    report = report_in(ReportState.PROTECTION_ASSESSED, worker)
    before = stored(report)
    with pytest.raises(ApplicationError) as error:
        take(
            report,
            "record_first_contact",
            worker,
            report.protection_assessed_at - timedelta(minutes=1),
        )
    assert error.value.field == "at"
    assert stored(report) == before


def test_a_step_takes_the_current_time_when_none_is_given(worker):
    report = register(worker)
    before = timezone.now()
    report_take_step(report=report, step="assess_protection", by=worker, protection_needed=False)
    report = Under15Report.objects.get(pk=report.pk)
    assert before <= report.protection_assessed_at <= timezone.now()


def test_it_refuses_an_offence_in_the_future(worker):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ApplicationError) as error:
        register(worker, received_at=timezone.now(), offence_date=tomorrow)
    assert error.value.field == "offence_date"
    assert error.value.message
    assert not Under15Report.objects.exists()


def test_it_refuses_a_report_received_in_the_future(worker):
    with pytest.raises(ApplicationError) as error:
        register(worker, received_at=timezone.now() + timedelta(hours=1))
    assert error.value.field == "received_at"
    assert error.value.message
    assert not Under15Report.objects.exists()


def test_it_refuses_a_report_received_before_the_offence(worker):
    received = timezone.now() - timedelta(days=5)
    with pytest.raises(ApplicationError) as error:
        register(
            worker,
            received_at=received,
            offence_date=timezone.localtime(received).date() + timedelta(days=1),
        )
    assert error.value.field == "received_at"
    assert error.value.message
    assert not Under15Report.objects.exists()


def test_it_accepts_a_report_received_on_the_day_of_the_offence(worker):
    received = timezone.now() - timedelta(days=5)
    report = register(
        worker, received_at=received, offence_date=timezone.localtime(received).date()
    )
    assert report.state == ReportState.RECEIVED


def test_it_refuses_a_child_who_had_turned_15(worker):
    offence = datetime.date(2026, 6, 10)
    child = person(worker, born=datetime.date(2011, 6, 9))  # 15 years and a day
    with pytest.raises(ApplicationError) as error:
        register(worker, child=child, offence_date=offence)
    assert error.value.field == "offence_date"
    assert "15" in error.value.message
    assert not Under15Report.objects.exists()


def test_it_refuses_a_child_on_their_15th_birthday(worker):
    child = person(worker, born=datetime.date(2011, 6, 10))
    with pytest.raises(ApplicationError) as error:
        register(worker, child=child, offence_date=datetime.date(2026, 6, 10))
    assert error.value.field == "offence_date"


def test_it_accepts_a_child_the_day_before_their_15th_birthday(worker):
    child = person(worker, born=datetime.date(2011, 6, 11))
    report = register(worker, child=child, offence_date=datetime.date(2026, 6, 10))
    assert Under15Report.objects.get(pk=report.pk).age_at_offence == 14


def test_it_needs_a_date_of_birth_to_check_the_age(worker):
    child = person_register(by=worker, given_names="Alva", family_name="Ek")
    with pytest.raises(ApplicationError) as error:
        register(worker, child=child)
    assert error.value.field == "identity_number"
    assert not Under15Report.objects.exists()


# --- Someone else moved the report first ------------------------------------------


def test_a_stale_expected_state_is_refused(worker, unit_mate):
    report = register(worker)
    take(report, "assess_protection", unit_mate, report.received_at, protection_needed=True)
    fresh = Under15Report.objects.get(pk=report.pk)
    before = stored(fresh)
    with pytest.raises(TransitionNotAllowed):
        report_take_step(
            report=fresh,
            step="close_on_receipt",
            by=worker,
            at=timezone.now(),
            expected_state=ReportState.RECEIVED,
            close_reason=CloseReason.DUPLICATE,
        )
    assert stored(fresh) == before
    assert before["state"] == ReportState.PROTECTION_ASSESSED


def test_a_stale_expected_state_is_refused_even_when_the_step_is_still_possible(worker, unit_mate):
    report = report_in(ReportState.PROTECTION_ASSESSED, worker)
    take(report, "record_first_contact", unit_mate, timezone.now() - timedelta(hours=2))
    fresh = Under15Report.objects.get(pk=report.pk)
    before = stored(fresh)
    with pytest.raises(TransitionNotAllowed):
        report_take_step(
            report=fresh,
            step="record_assessment",
            by=worker,
            at=timezone.now(),
            expected_state=ReportState.RECEIVED,
            decision=AssessmentDecision.NO_INVESTIGATION,
        )
    assert stored(fresh) == before


def test_a_step_on_a_stale_copy_is_refused(worker, unit_mate):
    report = register(worker)
    stale = Under15Report.objects.get(pk=report.pk)
    take(report, "assess_protection", unit_mate, report.received_at, protection_needed=True)
    before = stored(report)
    # The service either re-reads the row (TransitionNotAllowed) or lets the
    # state check of the UPDATE catch it (ConcurrentTransition).
    with pytest.raises((TransitionNotAllowed, ConcurrentTransition)):
        report_take_step(
            report=stale,
            step="close_on_receipt",
            by=worker,
            at=timezone.now(),
            expected_state=ReportState.RECEIVED,
            close_reason=CloseReason.DUPLICATE,
        )
    assert stored(report) == before


def test_a_step_on_a_stale_copy_keeps_a_reassignment_made_meanwhile(worker, unit_mate, manager):
    report = register(worker)
    stale = Under15Report.objects.get(pk=report.pk)
    report_assign(report=report, to_user=unit_mate, by=manager)
    take(stale, "assess_protection", worker, stale.received_at, protection_needed=False)
    assert Under15Report.objects.get(pk=report.pk).assigned_to == unit_mate


# --- The access log ------------------------------------------------------------------


def test_each_step_writes_an_access_event(worker):
    report = register(worker)
    steps = PATH[ReportState.CLOSED]
    walk(report, steps, worker)

    events = AccessEvent.objects.filter(
        object_type="casework.under15report", object_id=str(report.pk), action="transition"
    ).order_by("id")
    assert [event.detail for event in events] == steps
    for event in events:
        assert event.actor == worker
        assert event.actor_username == "worker"
        assert event.person_ref == report.person_id


def test_a_refused_step_writes_no_access_event(worker):
    report = register(worker)
    with pytest.raises(TransitionNotAllowed):
        take(report, "close_on_receipt", worker, timezone.now(), close_reason="referred")
    assert not AccessEvent.objects.filter(action="transition").exists()
