"""The unit manager's retention page: what falls due next month, and legal holds."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from casework.persons.models import Person
from casework.web import casework_roles_required, query_without_page, refusals_on
from retention import rules, selectors, services
from retention.forms import LegalHoldForm
from retention.models import LegalHold


def _person_of_unit_get(*, user, pk):
    """A person the manager's unit answers for, not erased; 404 for any other."""
    if user.unit_id is None:
        raise Http404
    person = (
        Person.objects.filter(selectors.persons_of_unit(user.unit), erased_at__isnull=True)
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    return person


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def due_list(request):
    now = timezone.now()
    until = rules.end_of_next_month(now)
    unit = request.user.unit
    due = selectors.persons_due_by(
        social_services=rules.social_services_cutoff(until), sspf=rules.sspf_cutoff(until)
    )
    due = due.filter(selectors.persons_of_unit(unit)) if unit else due.none()
    page = Paginator(due, settings.REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "person": person,
            "rule": rules.Rule(person.rule),
            "last_entry_at": person.last_entry_at,
            "due_at": rules.due_date(person.rule, person.last_entry_at),
            "overdue": rules.due_date(person.rule, person.last_entry_at) <= now,
        }
        for person in page
    ]
    holds = (
        LegalHold.objects.filter(person__in=Person.objects.filter(selectors.persons_of_unit(unit)))
        .filter(lifted_at__isnull=True)
        .select_related("placed_by")
        .order_by("-placed_at")
        if unit
        else LegalHold.objects.none()
    )
    return render(
        request,
        "retention/due_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "until": timezone.localtime(until).date(),
            "holds": holds[:100],
            "legal_basis": [(rule, rules.LEGAL_BASIS[rule]) for rule in rules.Rule],
            "research_exception": rules.research_exception_applies(),
        },
    )


@casework_roles_required(Role.UNIT_MANAGER)
@require_http_methods(["GET", "POST"])
def legal_hold_place(request, pk):
    person = _person_of_unit_get(user=request.user, pk=pk)
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            services.legal_hold_place(
                person=person,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                request=request,
            )
        if not refused:
            return redirect("retention:due-list")
    return render(request, "retention/legal_hold_form.html", {"form": form, "person": person})


@casework_roles_required(Role.UNIT_MANAGER)
@require_POST
def legal_hold_lift(request, pk):
    hold = LegalHold.objects.filter(pk=pk, lifted_at__isnull=True).first()
    if hold is None:
        raise Http404
    _person_of_unit_get(user=request.user, pk=hold.person_id)
    services.legal_hold_lift(hold=hold, by=request.user, request=request)
    return redirect("retention:due-list")
