"""The same notification sent several times at once still makes one person and one report.

PostgreSQL only: SQLite serialises writers, so the race never happens there.
Each send runs in a thread of its own, with its own connection, all released
together after a barrier, so each has checked for an earlier copy before any
has written one.
"""

import threading

import pytest
from django.db import connections

from casework.models import Person, Under15Report
from casework.persons.services import person_register
from intake.services import notification_receive
from tests.intake.conftest import CHILD, notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SENDS = 6


def _values(district):
    from django.utils.dateparse import parse_date, parse_datetime

    values = notification()
    values["offence_date"] = parse_date(values["offence_date"])
    values["received_at"] = parse_datetime(values["received_at"])
    values["district"] = district
    return values


def _send_at_once(sender, values):
    ready = threading.Barrier(SENDS, timeout=10)
    outcomes = []
    lock = threading.Lock()

    def send():
        try:
            ready.wait()
            receipt = notification_receive(sender=sender, **values)
            outcome = (receipt.report.pk, receipt.created)
        except Exception as error:  # the test reports it; it must not pass silently
            outcome = error
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send) for _ in range(SENDS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _assert_one_report(outcomes):
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert errors == []
    report = Under15Report.objects.get()
    assert {pk for pk, _created in outcomes} == {report.pk}
    assert sorted(created for _pk, created in outcomes) == [False] * (SENDS - 1) + [True]
    assert Person.objects.count() == 1
    assert report.history.count() == 1


def test_a_new_child_sent_at_once_is_registered_once(sender, district):
    _assert_one_report(_send_at_once(sender, _values(district)))


def test_a_known_child_sent_at_once_gets_one_report(sender, district, worker):
    person_register(by=worker, identity_number=CHILD, given_names="Alva", family_name="Ekström")
    _assert_one_report(_send_at_once(sender, _values(district)))
