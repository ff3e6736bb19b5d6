"""Twenty workers stepping the same exit case at the same moment: exactly one wins.

PostgreSQL only: SQLite serialises writers, so the race never happens there.
"""

import threading

import pytest
from django.db import connections
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.roles import Role
from audit.models import AccessEvent
from avhopp.models import ExitCase, ExitCaseState
from avhopp.services import exit_case_take_step
from casework.errors import ApplicationError
from tests.avhopp.conftest import register, step
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 20


def test_one_of_twenty_simultaneous_steps_is_recorded(worker, unit):
    case = step(register(worker), "start_intake", worker, days_ago=5)
    mates = [
        UserFactory(username=f"mate{n}", role=Role.SOCIAL_WORKER, unit=unit) for n in range(RACERS)
    ]
    loaded = threading.Barrier(RACERS, timeout=20)
    outcomes = {}

    def attempt(user, reason):
        try:
            copy = ExitCase.objects.select_related("person").get(pk=case.pk)
            loaded.wait()
            exit_case_take_step(
                case=copy,
                step="decline",
                by=user,
                at=timezone.now(),
                expected_state=ExitCaseState.INTAKE_ASSESSMENT,
                decline_reason=reason,
            )
            outcomes[user.username] = None
        except Exception as error:
            outcomes[user.username] = error
        finally:
            connections.close_all()

    reasons = ["not_motivated", "other", "referred_elsewhere", "risk_too_high"]
    threads = [
        threading.Thread(target=attempt, args=(user, reasons[n % len(reasons)]))
        for n, user in enumerate(mates)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)

    winners = [name for name, outcome in outcomes.items() if outcome is None]
    assert len(winners) == 1, outcomes
    losers = [outcome for outcome in outcomes.values() if outcome is not None]
    assert all(
        isinstance(loser, TransitionNotAllowed | ConcurrentTransition | ApplicationError)
        for loser in losers
    ), losers
    stored = ExitCase.objects.get(pk=case.pk)
    assert stored.state == ExitCaseState.DECLINED
    assert stored.state_changed_by.username == winners[0]
    declined = [row for row in stored.history.all() if row.state == ExitCaseState.DECLINED]
    assert len(declined) == 1
    transitions = AccessEvent.objects.filter(
        object_id=str(case.pk), action="transition", detail="decline"
    )
    assert transitions.count() == 1
