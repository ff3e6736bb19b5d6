"""Panels for the start page (accounts renders them; it does not import casework)."""

from django.utils import timezone

from accounts.roles import Role
from casework import report_selectors
from casework.deadlines import report_deadline

URGENT_ROWS = 5


def worker_panel(request):
    if not request.user.has_role(Role.SOCIAL_WORKER):
        return None
    now = timezone.now()
    reports = report_selectors.reports_open_for_worker(user=request.user, now=now)
    deadlines = [(report, report_deadline(report, now)) for report in reports]
    return {
        "template": "casework/_start_worker.html",
        "rows": deadlines[:URGENT_ROWS],
        "open_count": len(deadlines),
        "overdue_count": sum(1 for _r, d in deadlines if d and d.is_overdue),
        "due_soon_count": sum(1 for _r, d in deadlines if d and d.is_due_soon),
    }


def manager_panel(request):
    if not request.user.has_role(Role.UNIT_MANAGER):
        return None
    now = timezone.now()
    reports = report_selectors.reports_open_for_unit(user=request.user, now=now)
    deadlines = [report_deadline(report, now) for report in reports]
    return {
        "template": "casework/_start_manager.html",
        "open_count": len(reports),
        "unassigned_count": sum(1 for report in reports if report.assigned_to_id is None),
        "overdue_count": sum(1 for d in deadlines if d and d.is_overdue),
        "due_soon_count": sum(1 for d in deadlines if d and d.is_due_soon),
    }
