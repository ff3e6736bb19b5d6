"""Panels for the start page (accounts renders them; it does not import casework)."""

from accounts.roles import Role
from casework.report_views import unit_reports_context, worker_reports_context


def worker_panel(request):
    """The worker's open reports, most urgent first, with filters and pages."""
    if not request.user.has_role(Role.SOCIAL_WORKER):
        return None
    return {"template": "casework/_start_worker.html", **worker_reports_context(request)}


def manager_panel(request):
    """The unit's open reports, unassigned first, with the assign action."""
    if not request.user.has_role(Role.UNIT_MANAGER):
        return None
    return {"template": "casework/_start_manager.html", **unit_reports_context(request)}
