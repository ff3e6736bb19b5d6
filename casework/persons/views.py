"""A person's file: search, register, read (with a reason where needed), edit."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.integrity import integrity_page
from accounts.roles import Role
from audit.models import Reason
from casework.denials import erased_aware, person_for_request
from casework.persons import selectors, services
from casework.persons.access import PersonAccess
from casework.persons.forms import (
    GuardianFormSet,
    OpenWithReasonForm,
    PersonForm,
    PersonSearchForm,
    person_initial,
    person_values,
)
from casework.web import casework_roles_required, casework_verified, refusals_on
from vault.integrity import unverifiable_fields


@casework_roles_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def person_search(request):
    # POST, never GET: a name or number typed here must not end up in a URL,
    # the browser history or a proxy's log.
    form = PersonSearchForm(request.POST or None)
    results, outside = None, None
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            results, outside = services.persons_search(
                by=request.user, request=request, text=form.cleaned_data["q"]
            )
    return render(
        request,
        "casework/person_search.html",
        {"form": form, "results": results, "outside": outside},
    )


@casework_roles_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None)
    guardians = GuardianFormSet(request.POST or None, prefix="guardian")
    if request.method == "POST" and form.is_valid() and guardians.is_valid():
        with refusals_on(form) as refused:
            person = services.person_register(
                by=request.user, request=request, **person_values(form, guardians)
            )
        if not refused:
            messages.success(request, _("The person is registered."))
            return redirect("casework:person-detail", pk=person.pk)
    return render(
        request,
        "casework/person_form.html",
        {"form": form, "guardians": guardians, "person": None},
    )


# Object pages answer 404, not 403, to anyone who may not see the object:
# a guessed id must not confirm that a person exists.
@casework_verified
@require_http_methods(["GET"])
@erased_aware
def person_detail(request, pk):
    person, access = person_for_request(request, pk)
    if access is PersonAccess.NEEDS_REASON:
        return redirect("casework:person-open", pk=person.pk)
    services.person_record_view(person=person, by=request.user, request=request, access=access)
    # Each programme shows the person's cases that the user may open.
    panels = [import_string(path)(request, person) for path in settings.PERSON_PAGE_PANELS]
    return render(
        request,
        "casework/person_detail.html",
        {
            "person": person,
            "opened_with_reason": access is PersonAccess.WITH_REASON,
            "history": selectors.person_history(person),
            "can_edit": access is PersonAccess.ASSIGNED,
            "panels": [panel for panel in panels if panel is not None],
        },
    )


@casework_verified
@require_http_methods(["GET", "POST"])
@erased_aware
def person_open(request, pk):
    person, access = person_for_request(request, pk)
    if access is PersonAccess.ASSIGNED:
        return redirect("casework:person-detail", pk=person.pk)
    form = OpenWithReasonForm(request.POST or None, reason_choices=Reason.stated_choices())
    if request.method == "POST" and form.is_valid():
        services.person_open_with_reason(
            person=person, by=request.user, request=request, reason=form.cleaned_data["reason"]
        )
        return redirect("casework:person-detail", pk=person.pk)
    return render(request, "casework/person_open.html", {"form": form, "person": person})


@casework_verified
@require_http_methods(["GET", "POST"])
@erased_aware
def person_edit(request, pk):
    person, access = person_for_request(request, pk)
    if access is not PersonAccess.ASSIGNED:
        # Opening with a reason lets one read a file, not change it.
        return redirect("casework:person-detail", pk=person.pk)
    if unverifiable_fields(person):
        # Its placeholder must not come back as the new value.
        return integrity_page(request)
    form = PersonForm(request.POST or None, initial=person_initial(person))
    guardians = GuardianFormSet(
        request.POST or None, initial=person.guardians or [], prefix="guardian"
    )
    seen = request.POST.get("seen_version") or services.person_version(person)
    status = 200
    if request.method == "POST" and form.is_valid() and guardians.is_valid():
        with refusals_on(form) as refused:
            services.person_update(
                person=person,
                by=request.user,
                request=request,
                seen_version=seen,
                **person_values(form, guardians),
            )
        if not refused:
            messages.success(request, _("The changes are saved."))
            return redirect("casework:person-detail", pk=person.pk)
        status = refused.status
        if refused.error.conflict:
            # Keep what this user typed, say who saved first; a new save
            # after a look goes through against the newer version.
            seen = str(refused.error.extra["latest"].history_id)
    return render(
        request,
        "casework/person_form.html",
        {"form": form, "guardians": guardians, "person": person, "seen_version": seen},
        status=status,
    )
