from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import roles_required, verified
from accounts.integrity import integrity_page
from accounts.roles import Role
from audit.models import Reason
from casework import policy, report_selectors, selectors, services
from casework.denials import erased_aware, load_or_refuse
from casework.forms import (
    GuardianFormSet,
    OpenWithReasonForm,
    PersonForm,
    PersonSearchForm,
    guardians_typed,
)
from casework.policy import PersonAccess
from vault.integrity import unverifiable_fields


def _person_for_request(request, pk):
    """Load a person through the access rules; a refusal is logged, then 404."""
    return load_or_refuse(
        request,
        object_type=services.PERSON_OBJECT,
        pk=pk,
        load=lambda: selectors.person_get_for_user(
            user=request.user, pk=pk, session=request.session
        ),
    )


def _looks_like_identity_number(text):
    digits = [ch for ch in text if ch.isdigit()]
    return len(digits) >= 10 and all(ch.isdigit() or ch in " -+" for ch in text.strip())


@roles_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def person_search(request):
    # POST, never GET: a name or number typed here must not end up in a URL,
    # the browser history or a proxy's log.
    form = PersonSearchForm(request.POST or None)
    results, outside = None, None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["q"]
        if _looks_like_identity_number(text):
            try:
                person = selectors.person_find_by_identity_number(text)
            except ValidationError as error:
                form.add_error("q", error)
            else:
                access = (
                    policy.person_access(user=request.user, person=person)
                    if person
                    else PersonAccess.NONE
                )
                results = [person] if access is PersonAccess.ASSIGNED else []
                # Someone else's person: say they exist, open only with a reason.
                outside = person if access is PersonAccess.NEEDS_REASON else None
                if person is not None and access is not PersonAccess.NONE:
                    services.persons_record_search(
                        persons=[person], by=request.user, request=request
                    )
        else:
            results = list(selectors.persons_search_for_user(user=request.user, text=text))
            # The names on the page are a read of each file, logged as such.
            services.persons_record_search(persons=results, by=request.user, request=request)
    return render(
        request,
        "casework/person_search.html",
        {"form": form, "results": results, "outside": outside},
    )


def _person_values(form, guardian_formset):
    values = {
        name: form.cleaned_data[name]
        for name in (
            "given_names",
            "family_name",
            "date_of_birth",
            "gender",
            "address",
            "district",
            "protected_identity",
        )
    }
    values["guardians"] = guardians_typed(guardian_formset)
    return values


def _apply_service_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@roles_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None)
    guardians = GuardianFormSet(request.POST or None, prefix="guardian")
    if request.method == "POST" and form.is_valid() and guardians.is_valid():
        try:
            person = services.person_register(
                by=request.user,
                request=request,
                identity_number=form.cleaned_data["identity_number"],
                **_person_values(form, guardians),
            )
        except services.PersonError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, _("The person is registered."))
            return redirect("casework:person-detail", pk=person.pk)
    return render(
        request,
        "casework/person_form.html",
        {"form": form, "guardians": guardians, "person": None},
    )


def _history_entries(person):
    """Who changed what and when; field names only, values stay in the file."""
    records = list(person.history.select_related("history_user").order_by("-history_date")[:50])
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changed = []
        if previous is not None and record.history_type == "~":
            changed = [
                str(person._meta.get_field(change.field).verbose_name)
                for change in record.diff_against(previous).changes
            ]
        entries.append({"record": record, "changed": changed})
    return entries


# Object pages answer 404, not 403, to anyone who may not see the object:
# a guessed id must not confirm that a person exists.
@verified
@require_http_methods(["GET"])
@erased_aware
def person_detail(request, pk):
    person, access = _person_for_request(request, pk)
    if access is PersonAccess.NEEDS_REASON:
        return redirect("casework:person-open", pk=person.pk)
    services.person_record_view(person=person, by=request.user, request=request, access=access)
    # Those the user may open, linked; newest first, capped in SQL.
    reports, more_reports = report_selectors.reports_of_person_for_user(
        user=request.user, person=person
    )
    return render(
        request,
        "casework/person_detail.html",
        {
            "person": person,
            "opened_with_reason": access is PersonAccess.WITH_REASON,
            "history": _history_entries(person),
            "can_edit": access is PersonAccess.ASSIGNED,
            "reports": reports,
            "more_reports": more_reports,
        },
    )


@verified
@require_http_methods(["GET", "POST"])
@erased_aware
def person_open(request, pk):
    person, access = _person_for_request(request, pk)
    if access is PersonAccess.ASSIGNED:
        return redirect("casework:person-detail", pk=person.pk)
    form = OpenWithReasonForm(request.POST or None, reason_choices=Reason.stated_choices())
    if request.method == "POST" and form.is_valid():
        services.person_open_with_reason(
            person=person, by=request.user, request=request, reason=form.cleaned_data["reason"]
        )
        return redirect("casework:person-detail", pk=person.pk)
    return render(request, "casework/person_open.html", {"form": form, "person": person})


@verified
@require_http_methods(["GET", "POST"])
@erased_aware
def person_edit(request, pk):
    person, access = _person_for_request(request, pk)
    if access is not PersonAccess.ASSIGNED:
        # Opening with a reason lets one read a file, not change it.
        return redirect("casework:person-detail", pk=person.pk)
    if unverifiable_fields(person):
        # Its placeholder must not come back as the new value.
        return integrity_page(request)
    initial = {
        "identity_number": person.identity_number_display,
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "gender": person.gender,
        "address": person.address,
        "district": person.district,
        "protected_identity": person.protected_identity,
    }
    form = PersonForm(request.POST or None, initial=initial)
    guardians = GuardianFormSet(
        request.POST or None, initial=person.guardians or [], prefix="guardian"
    )
    seen = request.POST.get("seen_version") or services.person_version(person)
    status = 200
    if request.method == "POST" and form.is_valid() and guardians.is_valid():
        try:
            services.person_update(
                person=person,
                by=request.user,
                request=request,
                seen_version=seen,
                identity_number=form.cleaned_data["identity_number"],
                **_person_values(form, guardians),
            )
        except services.PersonChangedMeanwhile as conflict:
            # Keep what this user typed, say who saved first; a new save
            # after a look goes through against the newer version.
            form.add_error(None, conflict.message)
            seen, status = str(conflict.latest.history_id), 409
        except services.PersonError as error:
            _apply_service_error(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("casework:person-detail", pk=person.pk)
    return render(
        request,
        "casework/person_form.html",
        {"form": form, "guardians": guardians, "person": person, "seen_version": seen},
        status=status,
    )
