"""The reports' lists as panels: for the start page (accounts renders them; it
does not import casework), the person's page, and the list pages themselves."""

from django.utils import timezone

from accounts.roles import Role
from casework.reports import selectors, services
from casework.reports.forms import report_filters
from casework.web import query_without_page


def worker_reports_context(request):
    """The worker's open reports, filtered and a page at a time, each with the
    child's name, age and police reference where the worker may read them."""
    filters, state, district = report_filters(request.GET)
    listing = selectors.worker_reports_listing(
        user=request.user,
        state=state,
        district=district,
        page=request.GET.get("page"),
        now=timezone.now(),
    )
    # The names on the page are a read of each child's file, logged as such.
    services.reports_show_identifiers(reports=listing["page"], by=request.user, request=request)
    return {"filters": filters, "query": query_without_page(request), **listing}


def unit_reports_context(request):
    """The unit's open reports, unassigned first, with the assign action (no names)."""
    listing = selectors.unit_reports_listing(
        user=request.user, page=request.GET.get("page"), now=timezone.now()
    )
    return {"query": query_without_page(request), **listing}


def worker_panel(request):
    if not request.user.has_role(Role.SOCIAL_WORKER):
        return None
    return {"template": "casework/_start_worker.html", **worker_reports_context(request)}


def manager_panel(request):
    if not request.user.has_role(Role.UNIT_MANAGER):
        return None
    return {"template": "casework/_start_manager.html", **unit_reports_context(request)}


def person_reports_panel(request, person):
    """The person's reports that the user may open, newest first (capped in SQL)."""
    reports, more_reports = selectors.reports_of_person_for_user(user=request.user, person=person)
    return {
        "template": "casework/_person_reports.html",
        "reports": reports,
        "more_reports": more_reports,
    }
