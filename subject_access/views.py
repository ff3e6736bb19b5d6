"""The unit manager's subject-access pages (registerutdrag)."""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from casework.web import casework_roles_required, refusals_on
from subject_access import selectors, services
from subject_access.forms import DeliverForm, PersonFindForm, RequestForm, WithholdForm
from subject_access.models import SubjectAccessRequest, WithholdingGround


@casework_roles_required(Role.UNIT_MANAGER)
@require_http_methods(["GET", "POST"])
def index(request):
    """The unit's open requests, soonest due first, and finding the person who asks.

    The number is POSTed, never put in a URL (browser history, proxy logs).
    """
    form = PersonFindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            person = services.subject_access_person_find(
                by=request.user,
                identity_number=form.cleaned_data["identity_number"],
                request=request,
            )
        if not refused:
            return redirect("subject_access:person-requests", pk=person.pk)
    unit = request.user.unit
    requests = (
        selectors.open_requests_of_unit(unit) if unit else SubjectAccessRequest.objects.none()
    )
    page = Paginator(requests, settings.REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"request": row, "overdue": row.is_overdue(today)} for row in page]
    return render(
        request,
        "subject_access/index.html",
        {"form": form, "rows": rows, "page": page},
        status=400 if form.is_bound and form.errors else 200,
    )


@casework_roles_required(Role.UNIT_MANAGER)
@require_http_methods(["GET", "POST"])
def person_requests(request, pk):
    person = selectors.person_for_subject_access_get(user=request.user, pk=pk)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            created = services.subject_access_request_register(
                person=person,
                by=request.user,
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
                request=request,
            )
        if not refused:
            return redirect("subject_access:request-detail", pk=created.pk)
    today = timezone.localdate()
    rows = [
        {"request": row, "overdue": row.is_overdue(today)}
        for row in selectors.requests_of_person(person)
    ]
    return render(
        request,
        "subject_access/person_requests.html",
        {"person": person, "form": form, "rows": rows},
    )


def _detail(request, subject_access_request, *, withhold_form=None, status=200):
    sections = services.subject_access_file_read(
        subject_access_request=subject_access_request, by=request.user, request=request
    )
    return render(
        request,
        "subject_access/request_detail.html",
        {
            "subject_access_request": subject_access_request,
            "person": subject_access_request.person,
            "sections": sections,
            "overdue": subject_access_request.is_overdue(),
            "can_change": subject_access_request.is_open,
            "grounds": WithholdingGround.choices,
            "withhold_form": withhold_form,
            "deliver_form": DeliverForm(),
        },
        status=status,
    )


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def request_detail(request, pk):
    subject_access_request = selectors.request_get_for_user(user=request.user, pk=pk)
    return _detail(request, subject_access_request)


@casework_roles_required(Role.UNIT_MANAGER)
@require_POST
def item_withhold(request, pk):
    subject_access_request = selectors.request_get_for_user(user=request.user, pk=pk)
    form = WithholdForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as refused:
            services.item_withhold(
                subject_access_request=subject_access_request,
                by=request.user,
                item_key=form.cleaned_data["item_key"],
                ground=form.cleaned_data["ground"],
                note=form.cleaned_data["note"],
                request=request,
            )
        if not refused:
            return redirect("subject_access:request-detail", pk=pk)
    return _detail(request, subject_access_request, withhold_form=form, status=400)


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def request_print(request, pk):
    subject_access_request = selectors.request_get_for_user(user=request.user, pk=pk)
    document = services.subject_access_document(
        subject_access_request=subject_access_request,
        by=request.user,
        form="print",
        request=request,
    )
    return render(
        request,
        "subject_access/request_print.html",
        {"document": document, "subject_access_request": subject_access_request},
    )


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def request_json(request, pk):
    subject_access_request = selectors.request_get_for_user(user=request.user, pk=pk)
    document = services.subject_access_document(
        subject_access_request=subject_access_request,
        by=request.user,
        form="json",
        request=request,
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"registerutdrag-{subject_access_request.person.reference}.json"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


@casework_roles_required(Role.UNIT_MANAGER)
@require_POST
def request_deliver(request, pk):
    subject_access_request = selectors.request_get_for_user(user=request.user, pk=pk)
    form = DeliverForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as refused:
            services.subject_access_deliver(
                subject_access_request=subject_access_request,
                by=request.user,
                method=form.cleaned_data["method"],
                request=request,
            )
        if not refused:
            return redirect("subject_access:person-requests", pk=subject_access_request.person_id)
    return _detail(request, subject_access_request, status=400)
