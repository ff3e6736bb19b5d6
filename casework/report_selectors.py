"""Which under-15 reports a user sees, and in what order.

A social worker sees the reports assigned to them and those of their unit;
a unit manager sees their unit's. A person with protected identity narrows
that to the assigned worker. Everyone else sees none: 404.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from casework.deadlines import report_deadline
from casework.models import Contact, JournalEntry, ReportState, Under15Report


def reports_for_user(*, user):
    reports = Under15Report.objects.select_related("person", "district", "assigned_to", "unit")
    if user.has_role(Role.SOCIAL_WORKER):
        visible = Q(assigned_to=user)
        if user.unit_id:
            visible |= Q(unit_id=user.unit_id, person__protected_identity=False)
        return reports.filter(visible)
    if user.has_role(Role.UNIT_MANAGER) and user.unit_id:
        return reports.filter(unit_id=user.unit_id)
    return reports.none()


def report_get_for_user(*, user, pk):
    report = reports_for_user(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def _urgency(report, now):
    deadline = report_deadline(report, now)
    if deadline is None:
        return (2, 0)
    return (0 if deadline.is_overdue else 1, deadline.due_at.timestamp())


def reports_open_for_worker(*, user, state=None, district=None, now=None):
    """The worker's own open reports, most urgent first (overdue, then by due time)."""
    now = now or timezone.now()
    reports = (
        reports_for_user(user=user).filter(assigned_to=user).exclude(state=ReportState.CLOSED)
    )
    if state:
        reports = reports.filter(state=state)
    if district:
        reports = reports.filter(district=district)
    return sorted(reports, key=lambda report: _urgency(report, now))


def reports_open_for_unit(*, user, now=None):
    """The unit's open reports for its manager: unassigned first, then by urgency."""
    now = now or timezone.now()
    reports = reports_for_user(user=user).exclude(state=ReportState.CLOSED)
    return sorted(
        reports, key=lambda report: (report.assigned_to_id is not None, _urgency(report, now))
    )


def report_timeline(report):
    """Contacts, journal entries and state changes, oldest first, with who and when."""
    case_type = ContentType.objects.get_for_model(report)
    entries = []
    for contact in Contact.objects.filter(case_type=case_type, case_id=report.pk).select_related(
        "created_by"
    ):
        entries.append({"kind": "contact", "at": contact.occurred_at, "object": contact})
    for note in JournalEntry.objects.filter(case_type=case_type, case_id=report.pk).select_related(
        "created_by", "signed_by", "corrects"
    ):
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
