"""Panels for the start page (accounts renders them; it does not import casework)."""

from django.utils import timezone

from accounts.roles import Role
from casework import report_selectors
from casework.deadlines import report_deadline
from casework.report_views import unit_reports_context, worker_reports_context


def worker_panel(request):
    """The worker's open reports, most urgent first, with filters and pages."""
    if not request.user.has_role(Role.SOCIAL_WORKER):
        return None
    context = worker_reports_context(request)
    now = timezone.now()
    deadlines = [
        report_deadline(report, now)
        for report in report_selectors.reports_open_for_worker(user=request.user, now=now)
    ]
    return {
        "template": "casework/_start_worker.html",
        **context,
        "overdue_count": sum(1 for d in deadlines if d and d.is_overdue),
        "due_soon_count": sum(1 for d in deadlines if d and d.is_due_soon),
    }


def manager_panel(request):
    """The unit's open reports, unassigned first, with the assign action."""
    if not request.user.has_role(Role.UNIT_MANAGER):
        return None
    context = unit_reports_context(request)
    now = timezone.now()
    reports = report_selectors.reports_open_for_unit(user=request.user, now=now)
    deadlines = [report_deadline(report, now) for report in reports]
    return {
        "template": "casework/_start_manager.html",
        **context,
        "unassigned_count": sum(1 for report in reports if report.assigned_to_id is None),
        "overdue_count": sum(1 for d in deadlines if d and d.is_overdue),
        "due_soon_count": sum(1 for d in deadlines if d and d.is_due_soon),
    }
