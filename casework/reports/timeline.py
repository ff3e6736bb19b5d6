"""A report's timeline (casework/journal/timeline.py), in the report's words."""

from django.utils.translation import gettext

from casework.journal.timeline import (
    TIMELINE_PER_PAGE,
    TimelineSpec,
    case_timeline,
    case_timeline_page,
)
from casework.reports.models import AssessmentDecision, CloseReason, ReportState

__all__ = ["TIMELINE_PER_PAGE", "report_timeline", "report_timeline_page"]


def _state_answer(record):
    """The answer that moved the report into ``record``'s state, in words."""
    if record.state == ReportState.PROTECTION_ASSESSED and record.protection_needed is not None:
        return (
            gettext("Immediate protection need: yes")
            if record.protection_needed
            else gettext("Immediate protection need: no")
        )
    if record.state == ReportState.ASSESSED and record.decision:
        return gettext("Decision: %(decision)s") % {
            "decision": AssessmentDecision(record.decision).label
        }
    if record.state == ReportState.CLOSED and record.close_reason:
        return gettext("Reason: %(reason)s") % {"reason": CloseReason(record.close_reason).label}
    return ""


REPORT_TIMELINE = TimelineSpec(
    states=ReportState,
    first_state=ReportState.RECEIVED.value,
    first_at="received_at",
    answer=_state_answer,
)


def report_timeline_page(report, **options):
    """A page of the report's timeline, newest first (``case_timeline_page``)."""
    return case_timeline_page(report, REPORT_TIMELINE, **options)


def report_timeline(report, *, with_records=True):
    """Every entry of the report's timeline, oldest first (``case_timeline``)."""
    return case_timeline(report, REPORT_TIMELINE, with_records=with_records)
