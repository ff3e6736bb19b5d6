"""Which under-15 reports a user sees, and in what order; the rules are in casework/policy.py."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from casework import policy, urgency
from casework.models import Contact, JournalEntry, ReportState, Under15Report


class ReportErased(policy.Erased):
    """The user would reach the report, but its content was erased."""


def reports_for_user(*, user, to_work=False):
    return policy.reports_for_user(user=user, to_work=to_work).select_related(
        "person", "person__data_key", "data_key", "district", "assigned_to", "unit"
    )


def report_get_for_user(*, user, pk, to_work=False):
    """The report, if the user may open it (``to_work``: as a social worker);
    404 otherwise; ReportErased if they would, but it was erased."""
    report = reports_for_user(user=user, to_work=to_work).filter(pk=pk).first()
    if report is None:
        erased = Under15Report.objects.filter(pk=pk).select_related("person").first()
        if erased is not None and erased.is_erased:
            access = policy.report_access(user=user, report=erased)
            if access is policy.ReportAccess.WORK or (
                access is policy.ReportAccess.MANAGE and not to_work
            ):
                raise ReportErased(erased)
        raise Http404
    return report


def reports_open_for_worker(*, user, state=None, district=None):
    """The worker's own open reports, most urgent first (overdue, then by due time)."""
    reports = policy.reports_assigned_to(user=user).exclude(state=ReportState.CLOSED)
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
    return policy.unit_workers(unit=unit).order_by("first_name", "last_name")


def report_timeline(report, *, with_records=True):
    """Contacts, journal entries and state changes, oldest first, with who and when.

    ``with_records``: contacts and notes too (the user may read case records).
    """
    case_type = ContentType.objects.get_for_model(report)
    entries = []
    if with_records:
        of_case = {"case_type": case_type, "case_id": report.pk}
        for contact in Contact.objects.filter(**of_case).select_related("created_by", "data_key"):
            entries.append({"kind": "contact", "at": contact.occurred_at, "object": contact})
        notes = JournalEntry.objects.filter(**of_case).select_related(
            "created_by", "signed_by", "corrects", "data_key"
        )
        for note in notes:
            entries.append({"kind": "journal", "at": note.created_at, "object": note})
    previous_state = None
    previous_assignee = None
    history = report.history.order_by("history_date").select_related("history_user", "assigned_to")
    for record in history:
        if previous_state is not None and record.assigned_to_id != previous_assignee:
            entries.append(
                {
                    "kind": "assignment",
                    "at": record.history_date,
                    "object": record,
                    "assignee": record.assigned_to,
                    "by": record.history_user,
                }
            )
        previous_assignee = record.assigned_to_id
        if record.state != previous_state:
            entries.append(
                {
                    "kind": "state",
                    # Registration: the report's own clock starts when it arrived.
                    "at": record.state_changed_at
                    or (
                        report.received_at
                        if record.state == ReportState.RECEIVED
                        else record.history_date
                    ),
                    "object": record,
                    "state": ReportState(record.state).label,
                    "by": record.history_user,
                }
            )
        previous_state = record.state
    return sorted(entries, key=lambda entry: entry["at"])
