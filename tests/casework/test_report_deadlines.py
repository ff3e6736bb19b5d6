"""Deadlines and reaction time of under-15 reports, in Swedish local time.

2026 changes clocks in Europe/Stockholm on 29 March (02:00 → 03:00) and on
25 October (03:00 → 02:00). An hour limit counts real hours; day and month
limits keep the local wall-clock time.
"""

import datetime
import io
import itertools
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from casework.models import AssessmentDecision, CloseReason, ReportState, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.deadlines import (
    STEP_LABELS,
    add_local_days,
    add_local_months,
    report_deadline,
)
from casework.reports.services import report_register, report_take_step
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SERIALS = itertools.count(300)


def local(*parts):
    return datetime.datetime(*parts, tzinfo=STOCKHOLM)


def instant(moment):
    # Compared in UTC: Python compares two Europe/Stockholm times on their wall
    # clock, and any comparison across zones with a time in the doubled hour
    # is unequal (PEP 495).
    return moment.astimezone(UTC)


def register(by, received_at):
    child = person_register(
        by=by,
        identity_number=identity_number(datetime.date(2014, 1, 1), next(SERIALS)),
        given_names="Alva",
        family_name="Ek",
    )
    return report_register(
        by=by,
        person=child,
        police_reference="5000-K100300-26",
        offence_category="vandalism",
        offence_date=received_at.astimezone(STOCKHOLM).date() - timedelta(days=1),
        received_at=received_at,
        district=DistrictFactory(name="Hjällbo"),
    )


def reload(report):
    return Under15Report.objects.get(pk=report.pk)


def step(report, name, by, at, **values):
    report_take_step(report=report, step=name, by=by, at=at, **values)
    return reload(report)


def investigating(by, *, received_at, started_at):
    report = reload(register(by, received_at))
    report = step(report, "assess_protection", by, received_at, protection_needed=False)
    report = step(report, "record_first_contact", by, received_at + timedelta(days=1))
    report = step(
        report,
        "record_assessment",
        by,
        received_at + timedelta(days=2),
        decision=AssessmentDecision.OPEN_INVESTIGATION,
    )
    return step(report, "start_investigation", by, started_at)


# --- Protection assessment: real hours ----------------------------------------------


def test_the_protection_deadline_is_24_real_hours_across_the_spring_change(worker):
    report = reload(register(worker, local(2026, 3, 28, 10, 0)))
    deadline = report_deadline(report)
    assert deadline.due_at - report.received_at == timedelta(hours=24)
    # Sunday 11:00 local: the clocks went forward in between.
    assert instant(deadline.due_at) == instant(local(2026, 3, 29, 11, 0))
    assert deadline.due_at.astimezone(STOCKHOLM).hour == 11
    assert deadline.starts_at == report.received_at


def test_the_protection_deadline_is_24_real_hours_across_the_autumn_change(worker):
    report = reload(register(worker, local(2026, 10, 24, 10, 0)))
    deadline = report_deadline(report)
    assert deadline.due_at - report.received_at == timedelta(hours=24)
    assert instant(deadline.due_at) == instant(local(2026, 10, 25, 9, 0))
    assert deadline.due_at.astimezone(STOCKHOLM).hour == 9


def test_the_protection_deadline_is_24_real_hours_on_a_report_just_registered(worker):
    report = register(worker, local(2026, 3, 28, 10, 0))
    assert instant(report_deadline(report).due_at) == instant(local(2026, 3, 29, 11, 0))


# --- First contact and assessment: calendar days --------------------------------


@pytest.mark.parametrize(
    ("received", "due", "real"),
    [
        # Across the spring change: six days and 23 hours.
        (local(2026, 3, 25, 10, 0), local(2026, 4, 1, 10, 0), timedelta(days=7, hours=-1)),
        # Across the autumn change: seven days and one hour.
        (local(2026, 10, 20, 10, 0), local(2026, 10, 27, 10, 0), timedelta(days=7, hours=1)),
        # No change: seven days.
        (local(2026, 5, 4, 23, 30), local(2026, 5, 11, 23, 30), timedelta(days=7)),
    ],
)
def test_the_first_contact_deadline_keeps_the_wall_clock_time(worker, received, due, real):
    report = reload(register(worker, received))
    report = step(report, "assess_protection", worker, received, protection_needed=True)
    deadline = report_deadline(report)
    assert instant(deadline.due_at) == instant(due)
    assert deadline.due_at.astimezone(STOCKHOLM).time() == received.time()
    assert deadline.due_at - deadline.starts_at == real
    assert deadline.starts_at == received


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (local(2026, 3, 20, 9, 30), local(2026, 4, 3, 9, 30)),
        (local(2026, 10, 15, 16, 45), local(2026, 10, 29, 16, 45)),
    ],
)
def test_the_assessment_deadline_is_14_calendar_days_after_the_report(worker, received, due):
    report = reload(register(worker, received))
    report = step(report, "assess_protection", worker, received, protection_needed=False)
    report = step(report, "record_first_contact", worker, received + timedelta(days=2))
    deadline = report_deadline(report)
    assert instant(deadline.due_at) == instant(due)
    assert deadline.due_at.astimezone(STOCKHOLM).time() == received.time()
    # Counted from the report, not from the first contact.
    assert deadline.starts_at == received


# --- Investigation: calendar months -----------------------------------------------


def test_the_investigation_deadline_is_four_months_after_it_started(worker):
    started = local(2026, 10, 20, 10, 0)  # summer time; due in winter time
    report = investigating(worker, received_at=local(2026, 10, 1, 9, 0), started_at=started)
    deadline = report_deadline(report)
    assert instant(deadline.due_at) == instant(local(2027, 2, 20, 10, 0))
    assert deadline.due_at.astimezone(STOCKHOLM).hour == 10
    assert deadline.starts_at == started


def test_the_investigation_deadline_of_a_month_end_is_the_end_of_a_shorter_month(worker):
    started = local(2026, 10, 31, 14, 0)
    report = investigating(worker, received_at=local(2026, 10, 26, 9, 0), started_at=started)
    assert instant(report_deadline(report).due_at) == instant(local(2027, 2, 28, 14, 0))


# --- No clock runs ----------------------------------------------------------------------


def test_no_deadline_runs_between_assessment_and_investigation(worker):
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    report = step(report, "assess_protection", worker, received, protection_needed=False)
    report = step(report, "record_first_contact", worker, received + timedelta(days=1))
    report = step(
        report,
        "record_assessment",
        worker,
        received + timedelta(days=3),
        decision=AssessmentDecision.NO_INVESTIGATION,
    )
    assert report.state == ReportState.ASSESSED
    assert report_deadline(report) is None


def test_no_deadline_runs_on_a_closed_report(worker):
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    report = step(
        report,
        "close_on_receipt",
        worker,
        received + timedelta(hours=1),
        close_reason=CloseReason.DUPLICATE,
    )
    assert report_deadline(report) is None


# --- Overdue and due soon -----------------------------------------------------------


def test_due_soon_is_the_last_quarter_of_the_window_and_overdue_after_it(worker):
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    due = received + timedelta(hours=24)
    cases = [
        # (now, due soon, overdue): the last six of 24 hours are "due soon".
        (received, False, False),
        (due - timedelta(hours=6, microseconds=1), False, False),
        (due - timedelta(hours=6), True, False),
        (due, True, False),
        (due + timedelta(microseconds=1), False, True),
        (due + timedelta(days=3), False, True),
    ]
    for now, due_soon, overdue in cases:
        deadline = report_deadline(report, now=now)
        assert (deadline.is_due_soon, deadline.is_overdue) == (due_soon, overdue), now
        assert deadline.remaining == due - now


def test_due_soon_of_the_first_contact_is_its_last_42_hours(worker):
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    report = step(report, "assess_protection", worker, received, protection_needed=False)
    due = local(2026, 9, 8, 8, 0)
    assert report_deadline(report, now=due - timedelta(hours=42)).is_due_soon
    assert not report_deadline(report, now=due - timedelta(hours=42, seconds=1)).is_due_soon


# --- Reaction time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "contact", "reaction"),
    [
        # Saturday 10:00 to Sunday 10:00 across the spring change: 23 hours.
        (local(2026, 3, 28, 10, 0), local(2026, 3, 29, 10, 0), timedelta(hours=23)),
        # The same across the autumn change: 25 hours.
        (local(2026, 10, 24, 10, 0), local(2026, 10, 25, 10, 0), timedelta(hours=25)),
        # In the hour that happens twice: 02:30 summer time to 02:30 winter time.
        (
            local(2026, 10, 25, 2, 30),
            local(2026, 10, 25, 2, 30, 0, 0).replace(fold=1),
            timedelta(hours=1),
        ),
    ],
)
def test_reaction_time_is_real_elapsed_time(worker, received, contact, reaction):
    report = reload(register(worker, received))
    report = step(report, "assess_protection", worker, received, protection_needed=False)
    report = step(report, "record_first_contact", worker, contact)
    assert report.reaction_time == reaction
    assert instant(report.first_contact_at) == instant(contact)


def test_reaction_time_is_real_elapsed_time_on_a_report_just_registered(worker):
    received = local(2026, 3, 28, 10, 0)
    report = register(worker, received)
    report_take_step(
        report=report, step="assess_protection", by=worker, at=received, protection_needed=False
    )
    report_take_step(
        report=report, step="record_first_contact", by=worker, at=local(2026, 3, 29, 10, 0)
    )
    assert reload(report).reaction_time == timedelta(hours=23)


# --- Settings -------------------------------------------------------------------------------


def test_the_first_contact_limit_is_a_setting(worker, settings):
    received = local(2026, 3, 27, 10, 0)
    report = reload(register(worker, received))
    report = step(report, "assess_protection", worker, received, protection_needed=False)
    assert instant(report_deadline(report).due_at) == instant(local(2026, 4, 3, 10, 0))
    settings.UNDER15_FIRST_CONTACT_DAYS = 3
    assert instant(report_deadline(report).due_at) == instant(local(2026, 3, 30, 10, 0))


def test_the_other_limits_are_settings_too(worker, settings):
    settings.UNDER15_PROTECTION_HOURS = 4
    settings.UNDER15_ASSESSMENT_DAYS = 10
    settings.UNDER15_INVESTIGATION_MONTHS = 6
    settings.UNDER15_DUE_SOON_SHARE = 0.5
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    deadline = report_deadline(report)
    assert instant(deadline.due_at) == instant(local(2026, 9, 1, 12, 0))
    assert report_deadline(report, now=local(2026, 9, 1, 10, 0)).is_due_soon

    report = step(report, "assess_protection", worker, received, protection_needed=False)
    report = step(report, "record_first_contact", worker, received + timedelta(days=1))
    assert instant(report_deadline(report).due_at) == instant(local(2026, 9, 11, 8, 0))

    started = local(2026, 9, 5, 13, 0)
    report = investigating(worker, received_at=received, started_at=started)
    assert instant(report_deadline(report).due_at) == instant(local(2027, 3, 5, 13, 0))


# --- The calendar helpers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "days", "expected"),
    [
        # The wall-clock time is kept across either change.
        (local(2026, 3, 28, 10, 0), 1, local(2026, 3, 29, 10, 0)),
        (local(2026, 10, 24, 10, 0), 1, local(2026, 10, 25, 10, 0)),
        # A moment given in UTC is counted in local days all the same.
        (datetime.datetime(2026, 3, 28, 9, 0, tzinfo=UTC), 1, local(2026, 3, 29, 10, 0)),
        # 02:30 on 29 March does not exist: it moves on by the gap, to 03:30.
        (local(2026, 3, 28, 2, 30), 1, datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # 02:30 on 25 October happens twice: the first, in summer time.
        (local(2026, 10, 24, 2, 30), 1, datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (local(2026, 12, 31, 23, 59), 1, local(2027, 1, 1, 23, 59)),
        (local(2028, 2, 28, 12, 0), 1, local(2028, 2, 29, 12, 0)),
        (local(2026, 3, 1, 0, 0), 31, local(2026, 4, 1, 0, 0)),
    ],
)
def test_add_local_days(moment, days, expected):
    result = add_local_days(moment, days)
    assert instant(result) == instant(expected)
    assert result.utcoffset() == expected.astimezone(STOCKHOLM).utcoffset()


def test_add_local_days_lands_after_the_gap_in_summer_time():
    result = add_local_days(local(2026, 3, 28, 2, 30), 1).astimezone(STOCKHOLM)
    assert (result.date(), result.hour, result.minute) == (datetime.date(2026, 3, 29), 3, 30)
    assert result.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (local(2026, 10, 20, 10, 0), 4, local(2027, 2, 20, 10, 0)),
        (local(2026, 10, 31, 14, 0), 4, local(2027, 2, 28, 14, 0)),
        (local(2027, 10, 31, 14, 0), 4, local(2028, 2, 29, 14, 0)),
        (local(2026, 1, 31, 9, 0), 1, local(2026, 2, 28, 9, 0)),
        (local(2026, 3, 31, 9, 0), 1, local(2026, 4, 30, 9, 0)),
        (local(2026, 12, 15, 9, 0), 2, local(2027, 2, 15, 9, 0)),
        (local(2026, 11, 30, 9, 0), 12, local(2027, 11, 30, 9, 0)),
        # Lands on 02:30 on 29 March, which does not exist: 03:30 summer time.
        (local(2026, 1, 29, 2, 30), 2, datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    ],
)
def test_add_local_months(moment, months, expected):
    assert instant(add_local_months(moment, months)) == instant(expected)


# --- Review: the clock after assessment, and later limits that have passed ---------------


def test_a_decision_to_investigate_starts_the_investigation_clock(worker):
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    report = step(report, "assess_protection", worker, received, protection_needed=False)
    report = step(report, "record_first_contact", worker, received + timedelta(days=1))
    assessed = local(2026, 9, 10, 11, 0)
    report = step(
        report,
        "record_assessment",
        worker,
        assessed,
        decision=AssessmentDecision.OPEN_INVESTIGATION,
    )
    deadline = report_deadline(report, now=local(2027, 1, 11, 12, 0))
    assert report.state == ReportState.ASSESSED
    assert instant(deadline.due_at) == instant(local(2027, 1, 10, 11, 0))
    assert deadline.starts_at == assessed
    # Never followed through: overdue like any other step.
    assert deadline.is_overdue


def test_the_legal_assessment_limit_shows_while_an_earlier_step_is_late(worker):
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    # Protection assessment still not made after 15 days: the 7-day first
    # contact and the 14-day initial assessment have passed too.
    deadline = report_deadline(report, now=received + timedelta(days=15))
    assert deadline.is_overdue
    assert deadline.later_overdue == (
        str(STEP_LABELS[ReportState.PROTECTION_ASSESSED]),
        str(STEP_LABELS[ReportState.FIRST_CONTACT]),
    )
    report = step(report, "assess_protection", worker, received, protection_needed=False)
    assert report_deadline(report, now=received + timedelta(days=10)).later_overdue == ()
    assert report_deadline(report, now=received + timedelta(days=15)).later_overdue == (
        str(STEP_LABELS[ReportState.FIRST_CONTACT]),
    )


def test_no_later_limit_is_shown_while_none_has_passed(worker):
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    assert report_deadline(report, now=received + timedelta(days=2)).later_overdue == ()


def test_refresh_report_deadlines_follows_a_changed_setting(worker, settings):
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    report = step(report, "assess_protection", worker, received, protection_needed=False)
    assert instant(report.due_at) == instant(local(2026, 9, 8, 8, 0))
    history_rows = report.history.count()
    settings.UNDER15_FIRST_CONTACT_DAYS = 3
    call_command("refresh_report_deadlines", stdout=io.StringIO())
    report = reload(report)
    assert instant(report.due_at) == instant(local(2026, 9, 4, 8, 0))
    assert instant(report.due_soon_at) == instant(report_deadline(report).due_soon_at)
    assert report.history.count() == history_rows


def test_every_transition_keeps_the_deadline_columns(worker):
    received = local(2026, 9, 1, 8, 0)
    report = reload(register(worker, received))
    assert instant(report.due_at) == instant(received + timedelta(hours=24))
    report = step(report, "assess_protection", worker, received, protection_needed=False)
    report = step(report, "record_first_contact", worker, received + timedelta(days=1))
    assert instant(report.due_at) == instant(local(2026, 9, 15, 8, 0))
    report = step(
        report,
        "record_assessment",
        worker,
        received + timedelta(days=2),
        decision=AssessmentDecision.NO_INVESTIGATION,
    )
    assert report.due_at is None and report.due_soon_at is None
