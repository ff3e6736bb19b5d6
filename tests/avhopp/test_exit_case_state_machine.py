"""The exit case's state machine as a table, and its steps through the service:
who and when, the conditions, the reasons, the locked fresh row."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed

from avhopp.models import STEPS, ExitCase, ExitCaseState
from casework.errors import ApplicationError
from tests.avhopp.conftest import fresh, intake, measure, register, step, to_active, to_completed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# state -> the steps the state allows (conditions aside), written out from the issue:
# inquiry → intake_assessment → active → completed → follow_up → closed;
# intake_assessment → declined; active ⇄ paused; active → dropped_out.
ALLOWED = {
    "inquiry": {"start_intake"},
    "intake_assessment": {"activate", "decline"},
    "active": {"pause", "complete", "drop_out"},
    "paused": {"resume"},
    "completed": {"start_follow_up"},
    "follow_up": {"close"},
    "closed": set(),
    "declined": set(),
    "dropped_out": set(),
}
TARGETS = {
    "start_intake": "intake_assessment",
    "activate": "active",
    "decline": "declined",
    "pause": "paused",
    "resume": "active",
    "complete": "completed",
    "start_follow_up": "follow_up",
    "drop_out": "dropped_out",
    "close": "closed",
}


def test_the_table_names_every_state_and_step():
    assert set(ALLOWED) == set(ExitCaseState.values)
    assert set(TARGETS) == set(STEPS)


@pytest.mark.parametrize("state", sorted(ALLOWED))
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_each_state_allows_exactly_its_steps(state, name):
    case = ExitCase(state=state)
    method = getattr(case, name)
    assert can_proceed(method, check_conditions=False) is (name in ALLOWED[state])
    if name in ALLOWED[state]:
        transition = method._django_fsm.get_transition(state)
        assert transition.target == TARGETS[name]


def test_the_state_cannot_be_set_directly(worker):
    case = register(worker)
    with pytest.raises(AttributeError):
        case.state = ExitCaseState.CLOSED


def test_a_whole_path_records_who_and_when_at_each_step(worker):
    case = register(worker)
    assert case.state == ExitCaseState.INQUIRY
    assert case.assigned_to == worker
    case = step(case, "start_intake", worker, days_ago=20)
    assert case.state == ExitCaseState.INTAKE_ASSESSMENT
    assert case.state_changed_by == worker
    assert abs(case.intake_started_at - (timezone.now() - datetime.timedelta(days=20))) < (
        datetime.timedelta(minutes=1)
    )
    intake(case, worker)
    measure(case, worker, "baseline", days_ago=19)
    case = step(case, "activate", worker, days_ago=19, decision_text="Motiverad.")
    assert case.state == ExitCaseState.ACTIVE and case.started_at is not None
    case = step(case, "pause", worker, days_ago=15, pause_reason="custody")
    assert (case.state, case.pause_reason) == (ExitCaseState.PAUSED, "custody")
    case = step(case, "resume", worker, days_ago=10)
    assert (case.state, case.pause_reason) == (ExitCaseState.ACTIVE, "")
    measure(case, worker, "closure", days_ago=5)
    case = step(case, "complete", worker, days_ago=5)
    assert case.state == ExitCaseState.COMPLETED and case.completed_at is not None
    measure(case, worker, "follow_up_6", days_ago=1)
    case = step(case, "start_follow_up", worker, days_ago=1)
    assert case.state == ExitCaseState.FOLLOW_UP
    case = step(case, "close", worker, days_ago=0, close_reason="not_reachable")
    assert (case.state, case.close_reason) == (ExitCaseState.CLOSED, "not_reachable")
    states = [row.state for row in ExitCase.history.filter(id=case.pk).order_by("history_date")]
    assert states == [
        "inquiry",
        "intake_assessment",
        "intake_assessment",  # the intake assessment recorded
        "active",
        "paused",
        "active",
        "completed",
        "follow_up",
        "closed",
    ]
    assert all(row.history_user == worker for row in ExitCase.history.filter(id=case.pk))


def test_the_case_is_not_taken_in_without_intake_assessment_and_baseline(worker):
    case = step(register(worker), "start_intake", worker, days_ago=20)
    with pytest.raises(TransitionNotAllowed):
        step(case, "activate", worker, days_ago=19, decision_text="Motiverad.")
    intake(case, worker)
    with pytest.raises(TransitionNotAllowed):
        step(case, "activate", worker, days_ago=19, decision_text="Motiverad.")
    measure(case, worker, "baseline", days_ago=19)
    assert step(case, "activate", worker, days_ago=19, decision_text="Ja.").state == "active"


def test_completing_needs_the_closure_measurement(worker):
    case = to_active(register(worker), worker)
    with pytest.raises(TransitionNotAllowed):
        step(case, "complete", worker, days_ago=1)


def test_follow_ups_done_needs_the_12_month_follow_up(worker):
    case = to_completed(register(worker), worker, days_ago=400)
    measure(case, worker, "follow_up_6", days_ago=200)
    case = step(case, "start_follow_up", worker, days_ago=200)
    with pytest.raises(ApplicationError) as refused:
        step(case, "close", worker, days_ago=1, close_reason="follow_up_done")
    assert refused.value.field == "close_reason"
    measure(case, worker, "follow_up_12", days_ago=30)
    case = step(case, "close", worker, days_ago=1, close_reason="follow_up_done")
    assert case.state == "closed"


@pytest.mark.parametrize(
    ("name", "answer"),
    [("decline", "decline_reason"), ("pause", "pause_reason"), ("drop_out", "dropout_reason")],
)
def test_a_step_with_a_reason_is_refused_without_one(worker, name, answer):
    case = register(worker)
    case = step(case, "start_intake", worker, days_ago=20)
    if name != "decline":
        case = to_active(register(worker, serial=502), worker)
    for junk in ("", "no-such-reason"):
        with pytest.raises(ApplicationError) as refused:
            step(case, name, worker, days_ago=1, **{answer: junk})
        assert refused.value.field == answer
    assert fresh(case).state == case.state


def test_a_decision_needs_its_reason_in_words(worker):
    case = step(register(worker), "start_intake", worker, days_ago=20)
    intake(case, worker)
    measure(case, worker, "baseline", days_ago=19)
    with pytest.raises(ApplicationError) as refused:
        step(case, "activate", worker, days_ago=19, decision_text="   ")
    assert refused.value.field == "decision_text"


def test_a_page_that_showed_another_state_is_refused(worker):
    case = register(worker)
    step(case, "start_intake", worker, days_ago=20)
    with pytest.raises(TransitionNotAllowed):
        step(case, "decline", worker, days_ago=1, decline_reason="other", expected_state="inquiry")


def test_a_step_cannot_be_dated_before_the_previous_one_or_in_the_future(worker):
    case = step(register(worker, days_ago=30), "start_intake", worker, days_ago=20)
    with pytest.raises(ApplicationError):
        step(case, "decline", worker, days_ago=25, decline_reason="other")
    with pytest.raises(ApplicationError):
        step(case, "decline", worker, days_ago=-1, decline_reason="other")


def test_only_a_social_worker_takes_steps(worker, manager, auditor):
    case = register(worker)
    for user in (manager, auditor, UserFactory(username="nobody")):
        with pytest.raises(PermissionDenied):
            step(case, "start_intake", user, days_ago=1)
