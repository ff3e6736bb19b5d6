"""Which under-15 reports a user sees, and in what order; the rules are in
casework/reports/access.py."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from casework.fsm import steps_offered
from casework.journal.models import Contact, JournalEntry, JournalState
from casework.persons.access import Erased
from casework.reports import access, urgency
from casework.reports.access import ReportAccess
from casework.reports.deadlines import report_deadline
from casework.reports.models import (
    STEPS,
    AssessmentDecision,
    CloseReason,
    ReportState,
    Under15Report,
)


class ReportErased(Erased):
    """The user would reach the report, but its content was erased."""


def reports_for_user(*, user, to_work=False):
    return access.reports_for_user(user=user, to_work=to_work).select_related(
        "person", "person__data_key", "data_key", "district", "assigned_to", "unit"
    )


def report_get_for_user(*, user, pk, to_work=False):
    """The report, if the user may open it (``to_work``: as a social worker);
    404 otherwise; ReportErased if they would, but it was erased."""
    report = reports_for_user(user=user, to_work=to_work).filter(pk=pk).first()
    if report is None:
        erased = Under15Report.objects.filter(pk=pk).select_related("person").first()
        if erased is not None and erased.is_erased:
            reach = access.report_access(user=user, report=erased)
            if reach is ReportAccess.WORK or (reach is ReportAccess.MANAGE and not to_work):
                raise ReportErased(erased)
        raise Http404
    return report


def reports_open_for_worker(*, user, state=None, district=None):
    """The worker's own open reports, most urgent first (overdue, then by due time)."""
    reports = access.reports_assigned_to(user=user).exclude(state=ReportState.CLOSED)
    reports = reports.select_related("person", "person__data_key", "data_key", "district")
    if state:
        reports = reports.filter(state=state)
    if district:
        reports = reports.filter(district=district)
    return urgency.by_urgency(reports)


def reports_open_for_unit(*, user):
    """The unit's open reports for its manager: unassigned first, then by urgency."""
    reports = reports_for_user(user=user).exclude(state=ReportState.CLOSED)
    return urgency.by_urgency(reports, unassigned_first=True)


def reports_pressing_for_worker(*, user, now):
    """The worker's own open reports that are overdue or due soon, most urgent first."""
    return reports_open_for_worker(user=user).filter(due_soon_at__lte=now)


def unit_workers(*, unit):
    """The social workers a unit's reports can be assigned to."""
    return access.unit_workers(unit=unit).order_by("first_name", "last_name")


def assignable_workers(*, report):
    """The workers a manager may assign ``report`` to, by name."""
    return access.assignable_workers(report=report).order_by("first_name", "last_name")


# --- The lists of the worker's and the manager's day -----------------------------------------


def worker_reports_listing(*, user, state=None, district=None, page=None, now):
    """The worker's open reports (``state``, ``district``: filters), most urgent
    first, a page at a time, with the overdue and due-soon counts of all of
    them (the start page shows the same list). Ordered, counted and paged in SQL."""
    every_report = reports_open_for_worker(user=user)
    shown = reports_open_for_worker(user=user, state=state, district=district)
    return _paged_with_deadlines(every_report, shown, page=page, now=now)


def unit_reports_listing(*, user, page=None, now):
    """The unit's open reports, unassigned first, a page at a time, each with
    the workers one may assign it to; counts of unassigned, overdue and due soon."""
    reports = reports_open_for_unit(user=user)
    listing = _paged_with_deadlines(reports, reports, page=page, now=now)
    # Once for the page, not once per row's drop-down; a protected person's
    # report offers only the workers already assigned to the person.
    workers = list(unit_workers(unit=user.unit))
    listing["rows"] = [
        (
            report,
            deadline,
            list(assignable_workers(report=report))
            if report.person.protected_identity
            else workers,
        )
        for report, deadline in listing["rows"]
    ]
    return listing


def _paged_with_deadlines(every_report, shown, *, page, now):
    """A page of ``shown`` (a subset of ``every_report``) with each report's
    deadline, and the overdue, due-soon and unassigned counts over all."""
    page = Paginator(shown, settings.REPORTS_PER_PAGE).get_page(page)
    counts = urgency.urgency_counts(every_report, now=now)
    return {
        "page": page,
        "rows": [(report, report_deadline(report, now)) for report in page],
        "overdue_count": counts["overdue"],
        "due_soon_count": counts["due_soon"],
        "unassigned_count": counts["unassigned"],
    }


def report_steps_offered(report, user):
    """The steps ``user`` may take on ``report`` now, in the order of STEPS."""
    return steps_offered(report, user, order=STEPS)


UNSIGNED_DRAFTS_SHOWN = 10


def unsigned_drafts(report):
    """(up to UNSIGNED_DRAFTS_SHOWN of the report's draft notes, oldest first, with
    their authors; whether there are more): one query, whatever the case's length."""
    case_type = ContentType.objects.get_for_model(report)
    drafts = list(
        JournalEntry.objects.filter(
            case_type=case_type, case_id=report.pk, state=JournalState.DRAFT
        )
        .select_related("created_by")
        .order_by("created_at")[: UNSIGNED_DRAFTS_SHOWN + 1]
    )
    return drafts[:UNSIGNED_DRAFTS_SHOWN], len(drafts) > UNSIGNED_DRAFTS_SHOWN


def report_contacts_newest(report, *, limit):
    """The report's newest logged contacts (up to ``limit``) since its last step,
    to offer as its first contact (steps are in time order, to the minute)."""
    case_type = ContentType.objects.get_for_model(report)
    since = max(t for t in (report.received_at, report.protection_assessed_at) if t)
    return list(
        Contact.objects.filter(
            case_type=case_type,
            case_id=report.pk,
            occurred_at__gte=since.replace(second=0, microsecond=0),
        )
        .select_related("data_key")
        .order_by("-occurred_at")[:limit]
    )


# --- A person's reports -------------------------------------------------------------------

PERSON_REPORTS_SHOWN = 50


def reports_of_person_for_user(*, user, person, limit=None):
    """(up to ``limit`` (PERSON_REPORTS_SHOWN) of the person's reports that ``user``
    may open, open and closed, newest first; whether there are more): one query,
    however many the person has. The access rule is the report page's
    (``reports_for_user``): a report of another unit, not assigned to the user,
    is not among them."""
    limit = limit or PERSON_REPORTS_SHOWN
    reports = list(
        reports_for_user(user=user, to_work=True)
        .filter(person=person)
        .order_by("-received_at", "-pk")[: limit + 1]
    )
    return reports[:limit], len(reports) > limit


# --- What a reporter is told -------------------------------------------------------------


class ReporterFeedback(models.TextChoices):
    """What social services tell a professional reporter, and nothing else."""

    NOT_YET = "not_yet", _("Social services have not decided yet.")
    OPENED = "opened", _("Social services have opened an investigation.")
    NOT_OPENED = "not_opened", _("Social services have not opened an investigation.")
    ONGOING = "ongoing", _("An investigation was already under way.")


def report_feedback_for_reporter(*, source, source_reference):
    """Whether social services opened an investigation on the report of
    concern, once the initial assessment is decided (None: no such report).
    One category; no state, date, name or word of the case goes back."""
    report = (
        Under15Report.objects.filter(source=source, source_reference=source_reference)
        .select_related("linked_report")
        .only("decision", "close_reason", "linked_report__state")
        .first()
    )
    if report is None:
        return None
    already = report.close_reason == CloseReason.ALREADY_OPEN or (
        report.linked_report is not None
        and report.linked_report.state == ReportState.INVESTIGATING
    )
    if already and (report.decision or report.close_reason):
        return ReporterFeedback.ONGOING
    if report.decision == AssessmentDecision.OPEN_INVESTIGATION:
        return ReporterFeedback.OPENED
    if report.decision or report.close_reason:
        return ReporterFeedback.NOT_OPENED
    return ReporterFeedback.NOT_YET
