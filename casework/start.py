"""Panels for the start page (accounts renders them; it does not import casework)."""

from accounts.roles import Role
from casework import report_services
from casework.report_views import unit_reports_context, worker_reports_context


def worker_panel(request):
    """The worker's open reports, most urgent first, with filters and pages, each
    with the child's name, age and police reference where the worker may read them."""
    if not request.user.has_role(Role.SOCIAL_WORKER):
        return None
    context = worker_reports_context(request)
    # The names on the page are a read of each child's file, logged as such.
    report_services.reports_show_identifiers(
        reports=context["page"], by=request.user, request=request
    )
    return {"template": "casework/_start_worker.html", **context}


def manager_panel(request):
    """The unit's open reports, unassigned first, with the assign action (no names)."""
    if not request.user.has_role(Role.UNIT_MANAGER):
        return None
    return {"template": "casework/_start_manager.html", **unit_reports_context(request)}
