"""The app's URLs plus bare views doing the comparable query of each measured page.

A bare view has session authentication and a verified second factor like
every page (it declares the same access rule), and does the one query its
page is about, without the app's access policy, deadlines, access log or
templates: the yardstick the app's pages are compared with.
"""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET, require_POST

from accounts.access import verified
from casework.models import Contact, ContactKind, Person, Under15Report, identity_number_index
from casework.persons.identity_numbers import normalise_identity_number

ROWS = 25


def _page(rows):
    cells = "".join(f"<tr><td>{' </td><td>'.join(map(str, row))}</td></tr>" for row in rows)
    return HttpResponse(f"<!DOCTYPE html><title>bare</title><table>{cells}</table>")


@verified
@require_GET
def bare_worker_list(request):
    reports = Under15Report.objects.filter(assigned_to=request.user, erased_at__isnull=True)
    rows = (
        reports.exclude(state="closed")
        .order_by("due_at")
        .values_list("id", "state", "due_at", "received_at")[:ROWS]
    )
    return _page(rows)


@verified
@require_GET
def bare_unit_list(request):
    reports = Under15Report.objects.filter(unit_id=request.user.unit_id, erased_at__isnull=True)
    rows = (
        reports.exclude(state="closed")
        .order_by("due_at")
        .values_list("id", "state", "due_at", "assigned_to_id")[:ROWS]
    )
    return _page(rows)


@verified
@require_GET
def bare_report(request, pk):
    report = Under15Report.objects.select_related("person", "person__data_key", "data_key").get(
        pk=pk
    )
    return _page([(report.reference, report.state, report.person.full_name)])


@verified
@require_POST
def bare_search(request):
    digits = normalise_identity_number(request.POST["q"])
    person = Person.objects.filter(identity_number_index=identity_number_index(digits)).first()
    return _page([(person.reference if person else "-",)])


@verified
@require_POST
def bare_contact(request, pk):
    report = Under15Report.objects.select_related("data_key").get(pk=pk)
    contact = Contact(
        person_id=report.person_id,
        data_key=report.data_key,
        case_id=report.pk,
        case_type_id=request.POST["case_type"],
        occurred_at=report.received_at,
        kind=ContactKind.PHONE,
        participants="bench",
        created_by=request.user,
    )
    Contact.objects.bulk_create([contact])
    return _page([(contact.pk,)])


urlpatterns = [
    path("bench/bare/worker/", bare_worker_list),
    path("bench/bare/unit/", bare_unit_list),
    path("bench/bare/reports/<uuid:pk>/", bare_report),
    path("bench/bare/search/", bare_search),
    path("bench/bare/reports/<uuid:pk>/contact/", bare_contact),
    path("", include("config.urls")),
]

handler400 = "accounts.errors.bad_request"
handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.errors.not_found"
handler500 = "accounts.errors.server_error"
