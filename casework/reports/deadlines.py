"""Deadlines of an under-15 report, in Swedish local time.

The protection assessment is due a fixed number of hours after the report
arrived (24 h is 24 h, across a clock change). Day and month limits are
calendar limits: seven days after 10:00 on the Saturday before the clocks
change is 10:00 local time the next Saturday. Reaction time is the real
elapsed time from report to first contact.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.dates import add_months
from casework.reports.models import AssessmentDecision, ReportSource, ReportState

OPEN_INVESTIGATION = AssessmentDecision.OPEN_INVESTIGATION


def _local(moment):
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def _same_wall_clock(local, naive):
    # Re-attach the zone to a wall-clock time; a time that does not exist
    # (spring forward) moves on by the gap, an ambiguous one takes the first.
    zone = local.tzinfo
    candidate = naive.replace(tzinfo=zone, fold=0)
    round_trip = candidate.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != naive:
        return round_trip
    return candidate


def add_local_days(moment, days):
    local = _local(moment)
    return _same_wall_clock(local, local.replace(tzinfo=None) + timedelta(days=days))


def add_local_months(moment, months):
    local = _local(moment)
    day = add_months(local.date(), months)
    naive = local.replace(tzinfo=None, year=day.year, month=day.month, day=day.day)
    return _same_wall_clock(local, naive)


STEP_LABELS = {
    ReportState.RECEIVED: _("Protection assessment"),
    ReportState.PROTECTION_ASSESSED: _("First contact"),
    ReportState.FIRST_CONTACT: _("Initial assessment"),
    ReportState.ASSESSED: _("Investigation"),
    ReportState.INVESTIGATING: _("Investigation"),
}


@dataclass(frozen=True)
class Deadline:
    step: str
    starts_at: datetime
    due_at: datetime
    now: datetime
    # Later limits counted from the report that have already passed while
    # an earlier step is late (the legal 14 days of the initial assessment,
    # say): they must show, not hide behind the current step.
    later_overdue: tuple = ()

    @property
    def remaining(self):
        return self.due_at.astimezone(UTC) - self.now.astimezone(UTC)

    @property
    def is_overdue(self):
        return self.remaining < timedelta(0)

    @property
    def due_soon_at(self):
        # The last quarter of the window (the last six hours of a day, the
        # last two days of a week) counts as due soon.
        window = self.due_at.astimezone(UTC) - self.starts_at.astimezone(UTC)
        return self.due_at.astimezone(UTC) - window * settings.UNDER15_DUE_SOON_SHARE

    @property
    def is_due_soon(self):
        return not self.is_overdue and self.now.astimezone(UTC) >= self.due_soon_at


def _is_police(report):
    # Migration 0008 runs this on historical rows from before reports had a
    # source: those are all police reports.
    return getattr(report, "source", ReportSource.POLICE_UNDER15) == ReportSource.POLICE_UNDER15


def _waits_for(report):
    """The label of the step the report waits for: a source without a first
    contact goes from the protection assessment to the initial assessment."""
    if report.state == ReportState.PROTECTION_ASSESSED and not _is_police(report):
        return STEP_LABELS[ReportState.FIRST_CONTACT]
    return STEP_LABELS[report.state]


def _later_limits(report):
    """The limits of the steps after the current one that run from the report's arrival."""
    received = report.received_at
    limits = []
    if report.state == ReportState.RECEIVED and _is_police(report):
        limits.append(
            (
                STEP_LABELS[ReportState.PROTECTION_ASSESSED],
                add_local_days(received, settings.UNDER15_FIRST_CONTACT_DAYS),
            )
        )
    if report.state == ReportState.RECEIVED or (
        report.state == ReportState.PROTECTION_ASSESSED and _is_police(report)
    ):
        limits.append(
            (
                STEP_LABELS[ReportState.FIRST_CONTACT],
                add_local_days(received, settings.UNDER15_ASSESSMENT_DAYS),
            )
        )
    return limits


def report_deadline(report, now=None):
    """The deadline of the report's current step, or None when no clock runs.

    After an initial assessment that decided to investigate, the
    investigation's months run from that decision until it is started (a
    decision never followed through shows as overdue).
    """
    now = now or timezone.now()
    received = report.received_at
    state = report.state
    if state == ReportState.RECEIVED:
        # Real hours: add in UTC (adding to a Stockholm time adds wall-clock hours).
        due = received.astimezone(UTC) + timedelta(hours=settings.UNDER15_PROTECTION_HOURS)
        start = received
    elif state == ReportState.PROTECTION_ASSESSED and _is_police(report):
        due, start = add_local_days(received, settings.UNDER15_FIRST_CONTACT_DAYS), received
    elif state in (ReportState.PROTECTION_ASSESSED, ReportState.FIRST_CONTACT):
        due, start = add_local_days(received, settings.UNDER15_ASSESSMENT_DAYS), received
    elif (
        state == ReportState.ASSESSED and report.decision == AssessmentDecision.OPEN_INVESTIGATION
    ):
        start = report.assessed_at
        due = add_local_months(start, settings.UNDER15_INVESTIGATION_MONTHS)
    elif state == ReportState.INVESTIGATING:
        start = report.investigation_started_at
        due = add_local_months(start, settings.UNDER15_INVESTIGATION_MONTHS)
    else:
        return None
    later_overdue = tuple(
        str(label)
        for label, limit in _later_limits(report)
        if limit.astimezone(UTC) < now.astimezone(UTC)
    )
    return Deadline(
        step=str(_waits_for(report)),
        starts_at=start,
        due_at=due,
        now=now,
        later_overdue=later_overdue,
    )
