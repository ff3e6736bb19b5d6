"""When an exit case's next measurement falls due.

Baseline: within AVHOPP_BASELINE_DAYS of the intake assessment starting (the
case is not taken in without it). During the programme: every
AVHOPP_MEASUREMENT_MONTHS after the latest measurement (a pause stops the
clock). Follow-ups: 6 and 12 months after completion (AVHOPP_FOLLOW_UP_MONTHS).
The answer is kept on the case (``next_due_on``, ``next_due_occasion``) by
every service that changes what it depends on, so lists order by it in SQL.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from avhopp.models import ExitCaseState
from avhopp.scales import Occasion
from casework.dates import add_months

FOLLOW_UPS = (Occasion.FOLLOW_UP_6, Occasion.FOLLOW_UP_12)


@dataclass(frozen=True)
class Due:
    occasion: str
    on: datetime.date

    @property
    def label(self):
        return Occasion(self.occasion).label


def _local_date(moment):
    return timezone.localtime(moment).date()


def measurement_due(case):
    """The next measurement ``case`` waits for (a Due), or None."""
    taken = dict(case.measurements.order_by("measured_on").values_list("occasion", "measured_on"))
    latest = max(taken.values(), default=None)
    if case.state == ExitCaseState.INTAKE_ASSESSMENT and Occasion.BASELINE not in taken:
        start = _local_date(case.intake_started_at or case.created_at)
        return Due(
            Occasion.BASELINE, start + datetime.timedelta(days=settings.AVHOPP_BASELINE_DAYS)
        )
    if case.state == ExitCaseState.ACTIVE:
        since = max(filter(None, [latest, _local_date(case.started_at or case.created_at)]))
        return Due(Occasion.DURING, add_months(since, settings.AVHOPP_MEASUREMENT_MONTHS))
    if case.state in (ExitCaseState.COMPLETED, ExitCaseState.FOLLOW_UP) and case.completed_at:
        completed = _local_date(case.completed_at)
        for occasion, months in zip(FOLLOW_UPS, settings.AVHOPP_FOLLOW_UP_MONTHS, strict=True):
            if occasion not in taken:
                return Due(occasion, add_months(completed, months))
    return None


def schedule_refresh(case):
    """Put the next due measurement on ``case`` (not saved); True if it changed."""
    due = measurement_due(case)
    on, occasion = (due.on, due.occasion) if due else (None, "")
    changed = (case.next_due_on, case.next_due_occasion) != (on, occasion)
    case.next_due_on, case.next_due_occasion = on, occasion
    return changed
