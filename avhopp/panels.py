"""Exit cases as panels: for the start page (accounts renders them; it does
not import avhopp), the person's page, and the list pages themselves."""

from accounts.roles import Role
from avhopp import selectors, services
from avhopp.forms import UnitFilterForm, WorkerFilterForm
from casework.web import query_without_page


def worker_cases_context(request):
    """The worker's cases that have not ended, the next measurement due first,
    named where the worker may read the person's file (each naming logged)."""
    filters = WorkerFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    listing = selectors.worker_cases_listing(
        user=request.user, state=state or None, page=request.GET.get("page")
    )
    services.cases_show_names(cases=listing["page"], by=request.user, request=request)
    return {"filters": filters, "query": query_without_page(request), **listing}


def unit_cases_context(request):
    """The unit's cases for its manager, with the assign action: no names."""
    filters = UnitFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    listing = selectors.unit_cases_listing(
        user=request.user,
        state=cleaned.get("state") or None,
        track=cleaned.get("track") or None,
        page=request.GET.get("page"),
    )
    return {"filters": filters, "query": query_without_page(request), **listing}


def worker_panel(request):
    """The worker's measurements and follow-ups overdue or due soon, most overdue first."""
    if not (
        request.user.has_role(Role.SOCIAL_WORKER) and request.user.has_perm("avhopp.view_exitcase")
    ):
        return None
    listing = selectors.measurements_due_listing(
        user=request.user, page=request.GET.get("avhopp_page")
    )
    services.cases_show_names(cases=listing["page"], by=request.user, request=request)
    return {"template": "avhopp/_start_worker.html", **listing}


def manager_panel(request):
    """The unit's cases by state and track, counted in SQL: no names, no content."""
    if not (
        request.user.has_role(Role.UNIT_MANAGER) and request.user.has_perm("avhopp.view_exitcase")
    ):
        return None
    return {
        "template": "avhopp/_start_manager.html",
        **selectors.unit_case_counts(user=request.user),
    }


def person_cases_panel(request, person):
    """The person's exit cases that the user may open, newest first (capped in SQL)."""
    if not request.user.has_perm("avhopp.view_exitcase"):
        return None
    cases, more = selectors.cases_of_person_for_user(user=request.user, person=person)
    return {"template": "avhopp/_person_cases.html", "cases": cases, "more_cases": more}
