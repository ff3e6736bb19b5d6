"""Two workers moving the same report at the same moment: exactly one wins.

PostgreSQL only: SQLite serialises writers, so the race never happens there.
Each worker runs in a thread of its own, with its own connection.
"""

import datetime
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.roles import Role
from audit.models import AccessEvent
from casework.models import CloseReason, ReportState, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register, report_take_step
from tests.factories import DistrictFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The steps each worker tries, and what it leaves behind when it wins.
RACES = {
    "both_assess_protection": (
        ("assess_protection", {"protection_needed": True}),
        ("assess_protection", {"protection_needed": False}),
    ),
    "assess_against_close": (
        ("assess_protection", {"protection_needed": True}),
        ("close_on_receipt", {"close_reason": CloseReason.DUPLICATE}),
    ),
}


@pytest.fixture
def unit_mate(unit):
    return UserFactory(username="unit_mate", role=Role.SOCIAL_WORKER, unit=unit)


def register(by):
    child = person_register(
        by=by,
        identity_number=identity_number(datetime.date(timezone.localdate().year - 13, 1, 1), 600),
        given_names="Alva",
        family_name="Ek",
    )
    received_at = timezone.now() - timedelta(hours=5)
    return report_register(
        by=by,
        person=child,
        police_reference="5000-K100600-26",
        offence_category="robbery",
        offence_date=timezone.localtime(received_at).date() - timedelta(days=1),
        received_at=received_at,
        district=DistrictFactory(name="Hjällbo"),
    )


def race(report, attempts):
    """Run each (user, step, values) in its own thread, all from the same loaded state.

    Returns {username: None when it won, or the exception}.
    """
    loaded = threading.Barrier(len(attempts), timeout=10)
    outcomes = {}

    def attempt(user, step, values):
        try:
            copy = Under15Report.objects.get(pk=report.pk)
            # Both have read the report as "received" before either writes.
            loaded.wait()
            report_take_step(
                report=copy,
                step=step,
                by=user,
                at=timezone.now() - timedelta(minutes=1),
                expected_state=ReportState.RECEIVED,
                **values,
            )
            outcomes[user.username] = None
        except Exception as error:
            outcomes[user.username] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=attempt_args) for attempt_args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.parametrize("race_name", list(RACES))
def test_only_one_of_two_simultaneous_steps_is_recorded(worker, unit_mate, race_name):
    report = register(worker)
    (first_step, first_values), (second_step, second_values) = RACES[race_name]
    outcomes = race(
        report,
        [(worker, first_step, first_values), (unit_mate, second_step, second_values)],
    )

    winners = [name for name, outcome in outcomes.items() if outcome is None]
    losers = [outcome for outcome in outcomes.values() if outcome is not None]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1
    assert isinstance(losers[0], ConcurrentTransition | TransitionNotAllowed), losers[0]

    winner, step, values = (
        (worker, first_step, first_values)
        if winners == ["worker"]
        else (unit_mate, second_step, second_values)
    )
    stored = Under15Report.objects.get(pk=report.pk)
    assert stored.state_changed_by == winner
    for name, value in values.items():
        assert getattr(stored, name) == value
    # One transition in the history, one in the access log: the loser's
    # transaction left nothing behind.
    assert [record.state for record in stored.history.order_by("history_date")] == [
        ReportState.RECEIVED,
        stored.state,
    ]
    assert stored.history.exclude(state=ReportState.RECEIVED).get().history_user == winner
    transitions = AccessEvent.objects.filter(object_id=str(report.pk), action="transition")
    assert [(event.detail, event.actor) for event in transitions] == [(step, winner)]

    out = StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=StringIO())
    assert "OK" in out.getvalue()
