import copy

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.access import roles_required, verified
from accounts.integrity import integrity_page
from accounts.roles import Role
from casework import policy, report_selectors, report_services, services, urgency
from casework.deadlines import report_deadline
from casework.denials import erased_aware, load_or_refuse
from casework.forms import GuardianFormSet, guardians_typed
from casework.models import AssessmentDecision, JournalEntry
from casework.report_forms import (
    AssignForm,
    ContactForm,
    JournalForm,
    ReportFilterForm,
    ReportRegistrationForm,
    ReportStepForm,
)
from vault.integrity import unverifiable_fields

# What each step's button says: the action it takes.
STEP_BUTTONS = {
    "assess_protection": gettext_lazy("Save the protection assessment"),
    "record_first_contact": gettext_lazy("Save the first contact"),
    "record_assessment": gettext_lazy("Save the decision"),
    "start_investigation": gettext_lazy("Start the investigation"),
    "close_on_receipt": gettext_lazy("Close the report"),
    "close": gettext_lazy("Close the report"),
}
# Said after the step, as a sentence.
STEP_DONE = {
    "assess_protection": gettext_lazy("The protection assessment is saved."),
    "record_first_contact": gettext_lazy("The first contact is saved."),
    "record_assessment": gettext_lazy("The initial assessment is saved."),
    "start_investigation": gettext_lazy("The investigation is started."),
    "close_on_receipt": gettext_lazy("The report is closed."),
    "close": gettext_lazy("The report is closed."),
}
CLOSING_STEPS = ("close_on_receipt", "close")

STEP_TITLES = {
    "assess_protection": gettext_lazy("Record the protection assessment"),
    "record_first_contact": gettext_lazy("Record the first contact"),
    "record_assessment": gettext_lazy("Record the initial assessment"),
    "start_investigation": gettext_lazy("Start the investigation"),
    "close_on_receipt": gettext_lazy("Close without assessment"),
    "close": gettext_lazy("Close the report"),
}


def _report_for_worker(request, pk):
    """The report, if this social worker may work it; refusals are logged, then 404.

    An erased report the worker would otherwise reach raises ReportErased,
    which ``erased_aware`` answers with a page that says so.
    """
    return load_or_refuse(
        request,
        object_type=report_services.REPORT_OBJECT,
        pk=pk,
        load=lambda: report_selectors.report_get_for_user(user=request.user, pk=pk, to_work=True),
    )


# An answer that satisfies each step's conditions, to ask "could this step be
# taken now, given a valid answer?" before the user has given one.
OFFER_PROBE = {
    "protection_needed": True,
    "decision": AssessmentDecision.NO_INVESTIGATION,
}


def _available_steps(report, user):
    """Steps offered as forms: allowed from this state, for this user, with some answer."""
    offered = []
    for step, answer_fields in report_services.STEPS.items():
        probe = copy.copy(report)
        for field in answer_fields:
            if field == "close_reason":
                # Any reason that fits the report's state and decision.
                value = next(iter(sorted(probe.close_reasons_allowed())), "")
            else:
                value = OFFER_PROBE[field]
            setattr(probe, field, value)
        method = getattr(probe, step)
        transition = method._django_fsm.get_transition(probe.state)
        if (
            transition is not None
            and transition.has_perm(probe, user)
            and method._django_fsm.conditions_met(probe, probe.state)
        ):
            offered.append(step)
    return offered


FIRST_CONTACT_SHOWN = 20


def _people_met(report, *, show_person):
    """Whom a first contact can be with: the child and the guardians on file,
    by name where the user may read the person's file."""
    person = report.person
    people = [("child", _("The child"))]
    if show_person:
        people = [("child", _("%(name)s (the child)") % {"name": person.full_name})]
        for number, guardian in enumerate(person.guardians or []):
            name = guardian.get("name", "")
            relation = guardian.get("relation", "")
            people.append((f"guardian-{number}", f"{name} ({relation})" if relation else name))
    else:
        people.append(("guardians", _("Guardians")))
    return people


def _step_form(request, report, step, data=None):
    extra = {}
    if step == "record_first_contact":
        extra = {
            "people_met": _people_met(
                report,
                show_person=policy.report_shows_person(
                    user=request.user, report=report, session=request.session
                ),
            ),
            "contacts": report_selectors.report_contacts_newest(report, limit=FIRST_CONTACT_SHOWN)
            if policy.may_see_case_records(request.user)
            else [],
        }
    return ReportStepForm(
        data,
        step=step,
        close_reasons=report.close_reasons_allowed(),
        initial={"expected_state": report.state, "at": timezone.localtime().replace(second=0)},
        prefix=step,
        **extra,
    )


def _render_detail(
    request, report, *, step_forms=None, journal_form=None, conflict=None, status=200
):
    """The report's page. ``conflict``: (step, answers in words, message) of a step
    someone else's change stopped; its form is back in place if the step can
    still be taken."""
    user = request.user
    steps = _available_steps(report, user)
    forms_by_step = {step: _step_form(request, report, step) for step in steps}
    forms_by_step.update(
        {step: form for step, form in (step_forms or {}).items() if step in steps}
    )
    conflict_panel = None
    if conflict is not None:
        step, answers, message = conflict
        conflict_panel = {
            "step": step,
            "title": STEP_TITLES[step],
            "message": message,
            "answers": answers,
            "form": (step_forms or {}).get(step),
            "resendable": step in steps,
        }
    # Newest first, a page at a time: a long case costs no more than a short one.
    timeline = report_selectors.report_timeline_page(
        report,
        with_records=policy.may_see_case_records(user),
        page=request.GET.get("timeline"),
        note=request.GET.get("note"),
    )
    return render(
        request,
        "casework/report_detail.html",
        {
            "report": report,
            "deadline": report_deadline(report),
            "steps": [
                (step, STEP_TITLES[step], forms_by_step[step], STEP_BUTTONS[step])
                for step in steps
                if step not in CLOSING_STEPS
            ],
            "closing_steps": [
                (step, STEP_TITLES[step], forms_by_step[step], STEP_BUTTONS[step])
                for step in steps
                if step in CLOSING_STEPS
            ],
            "unsigned_drafts": report_selectors.unsigned_drafts(report)
            if any(step in CLOSING_STEPS for step in steps)
            else ([], False),
            "conflict": conflict_panel,
            # The report names its person only where the person policy lets
            # the user read the person's file.
            "show_person": policy.report_shows_person(
                user=user, report=report, session=request.session
            ),
            "timeline": timeline.entries,
            "timeline_page": timeline,
            "journal_form": journal_form or JournalForm(),
            "linked_reports": report_selectors.reports_for_user(user=user).filter(
                linked_report=report
            ),
        },
        status=status,
    )


@roles_required(Role.SOCIAL_WORKER)
@require_GET
def report_list(request):
    context = worker_reports_context(request)
    # The worker's own list names whom each report is about (each name read is logged).
    report_services.reports_show_identifiers(
        reports=context["page"], by=request.user, request=request
    )
    return render(request, "casework/report_list.html", context)


def worker_reports_context(request):
    """The worker's open reports, most urgent first, filtered and paginated,
    with the overdue and due-soon counts of all of them (the start page
    shows the same list). Ordered, counted and paged in SQL."""
    now = timezone.now()
    filters = ReportFilterForm(request.GET or None)
    state = district = None
    if filters.is_valid():
        state = filters.cleaned_data["state"] or None
        district = filters.cleaned_data["district"]
    every_report = report_selectors.reports_open_for_worker(user=request.user)
    shown = report_selectors.reports_open_for_worker(
        user=request.user, state=state, district=district
    )
    return {"filters": filters, **_paged_with_deadlines(request, every_report, shown, now)}


def _paged_with_deadlines(request, every_report, shown, now):
    """A page of ``shown`` (a subset of ``every_report``) with each report's
    deadline, and the overdue, due-soon and unassigned counts over all."""
    page = Paginator(shown, settings.REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    counts = urgency.urgency_counts(every_report, now=now)
    return {
        "page": page,
        "rows": [(report, report_deadline(report, now)) for report in page],
        "query": _query_without_page(request),
        "overdue_count": counts["overdue"],
        "due_soon_count": counts["due_soon"],
        "unassigned_count": counts["unassigned"],
    }


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@roles_required(Role.UNIT_MANAGER)
@require_GET
def unit_reports(request):
    return render(request, "casework/unit_reports.html", unit_reports_context(request))


def unit_reports_context(request):
    """The unit's open reports, unassigned first, with the workers one may
    assign them to, and counts of unassigned, overdue and due soon."""
    now = timezone.now()
    reports = report_selectors.reports_open_for_unit(user=request.user)
    paged = _paged_with_deadlines(request, reports, reports, now)
    # Once for the page, not once per row's drop-down; a protected person's
    # report offers only the workers already assigned to the person.
    workers = list(report_selectors.unit_workers(unit=request.user.unit))
    paged["rows"] = [
        (
            report,
            deadline,
            list(AssignForm(report=report).fields["assigned_to"].queryset)
            if report.person.protected_identity
            else workers,
        )
        for report, deadline in paged["rows"]
    ]
    return paged


@roles_required(Role.UNIT_MANAGER)
@require_POST
@erased_aware
def report_assign(request, pk):
    report = load_or_refuse(
        request,
        object_type=report_services.REPORT_OBJECT,
        pk=pk,
        load=lambda: report_selectors.report_get_for_user(user=request.user, pk=pk),
    )
    form = AssignForm(request.POST, report=report)
    if form.is_valid():
        try:
            report_services.report_assign(
                report=report,
                to_user=form.cleaned_data["assigned_to"],
                by=request.user,
                request=request,
            )
        except report_services.ReportError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Report %(reference)s is assigned to %(user)s.")
                % {"reference": report.reference, "user": form.cleaned_data["assigned_to"]},
            )
    else:
        messages.error(request, " ".join(form.errors.get("assigned_to", [])))
    return redirect("casework:unit-reports")


@roles_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def report_create(request):
    form = ReportRegistrationForm(
        request.POST or None,
        initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    # Guardians are optional: a post without the formset (an older form) adds none.
    guardians = GuardianFormSet(
        request.POST if "guardian-TOTAL_FORMS" in request.POST else None, prefix="guardian"
    )
    open_report = None
    # Asked for once the service says so; kept while the form is corrected.
    reason_needed = bool(form["open_reason"].value()) and not form.is_valid()
    guardians_valid = not guardians.is_bound or guardians.is_valid()
    if request.method == "POST" and form.is_valid() and guardians_valid:
        data = dict(form.cleaned_data)
        try:
            report = report_services.report_registration(
                by=request.user,
                request=request,
                guardians=guardians_typed(guardians) if guardians.is_bound else [],
                **data,
            )
        except (report_services.ReportError, services.PersonError) as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            open_report = getattr(error, "open_report", None)
            reason_needed = getattr(error, "code", "") == "reason_needed"
        else:
            messages.success(request, _("The report is registered. The clock has started."))
            return redirect("casework:report-detail", pk=report.pk)
    return render(
        request,
        "casework/report_form.html",
        {
            "form": form,
            "guardians": guardians,
            "open_report": open_report,
            "reason_needed": reason_needed,
        },
    )


@verified
@require_GET
@erased_aware
def report_detail(request, pk):
    report = _report_for_worker(request, pk)
    report_services.report_record_view(report=report, by=request.user, request=request)
    return _render_detail(request, report)


def _conflict_message(report):
    if report.state_changed_by is None:
        return _("The report has changed since you opened it. Nothing was saved.")
    return _(
        "%(user)s moved the report to “%(state)s” at %(time)s while you were working. "
        "Nothing was saved; what you typed is still below."
    ) % {
        "user": report.state_changed_by,
        "state": report.get_state_display(),
        "time": timezone.localtime(report.state_changed_at).strftime("%Y-%m-%d %H:%M"),
    }


@verified
@require_POST
@erased_aware
def report_step(request, pk, step):
    report = _report_for_worker(request, pk)
    if step not in report_services.STEPS:
        raise Http404
    form = _step_form(request, report, step, request.POST)
    if form.is_valid():
        try:
            report_services.report_take_step(
                report=report,
                step=step,
                by=request.user,
                request=request,
                **_step_values(step, form.cleaned_data),
            )
        except (TransitionNotAllowed, ConcurrentTransition):
            report = report_selectors.report_get_for_user(user=request.user, pk=pk)
            return _step_conflict(request, report, step, form)
        except report_services.ReportError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, STEP_DONE[step])
            return redirect("casework:report-detail", pk=report.pk)
    if step not in _available_steps(report, request.user):
        return _step_conflict(request, report, step, form)
    return _render_detail(request, report, step_forms={step: form}, status=400)


def _step_values(step, cleaned):
    """What the service takes from the step form's answers."""
    values = {
        "at": cleaned["at"],
        "expected_state": cleaned["expected_state"],
        **{name: cleaned.get(name) for name in report_services.STEPS[step]},
    }
    if step == "record_first_contact":
        values.update(
            contact=cleaned.get("contact") or None,
            contact_kind=cleaned.get("contact_kind", ""),
            participants=cleaned.get("participants", ""),
        )
    return values


def _step_conflict(request, report, step, form):
    """409: someone moved the report meanwhile. The user's answers are shown in
    words; where the step can still be taken, they are back in its form,
    against the report as it is now, to be sent again after a look."""
    answers = answers_in_words(form)
    if step in _available_steps(report, request.user):
        data = form.data.copy()
        data[form.add_prefix("expected_state")] = report.state
        form = _step_form(request, report, step, data)
        form.is_valid()
    return _render_detail(
        request,
        report,
        step_forms={step: form},
        conflict=(step, answers, _conflict_message(report)),
        status=409,
    )


def answers_in_words(form):
    """(label, answer) for each visible field as the user filled it in: choices
    by their label, yes/no in words, times in the local format; never raw codes."""
    answers = []
    for field in form.visible_fields():
        value = field.value()
        choices = dict(getattr(field.field, "choices", ()) or ())
        if isinstance(field.field, forms.BooleanField):
            text = _("Yes") if field.field.to_python(value) else _("No")
        elif isinstance(value, (list, tuple)):
            text = ", ".join(str(choices.get(item, item)) for item in value)
        elif choices:
            text = str(choices.get(value, "")) if value not in (None, "") else ""
        elif isinstance(field.field, forms.DateTimeField):
            text = _local_time_text(field.field, value)
        else:
            text = str(value or "")
        answers.append((field.label, text or "\u2013"))
    return answers


def _local_time_text(field, value):
    try:
        moment = field.clean(value)
    except forms.ValidationError:
        return str(value or "")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@verified
@require_http_methods(["GET", "POST"])
@erased_aware
def contact_create(request, pk):
    report = _report_for_worker(request, pk)
    form = ContactForm(
        request.POST or None,
        initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                contact = report_services.contact_record(
                    case=report,
                    by=request.user,
                    request=request,
                    occurred_at=data["occurred_at"],
                    kind=data["kind"],
                    participants=data["participants"],
                )
                if data["note"]:
                    report_services.journal_entry_write(
                        case=report,
                        by=request.user,
                        request=request,
                        text=data["note"],
                        contact=contact,
                    )
        except report_services.ReportError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The contact is logged."))
            return redirect("casework:report-detail", pk=report.pk)
    return render(request, "casework/contact_form.html", {"form": form, "report": report})


def _journal_entry(report, entry_pk):
    return get_object_or_404(
        JournalEntry.objects.select_related("created_by"),
        pk=entry_pk,
        case_id=report.pk,
    )


@verified
@require_POST
@erased_aware
def journal_create(request, pk):
    report = _report_for_worker(request, pk)
    form = JournalForm(request.POST)
    if form.is_valid():
        report_services.journal_entry_write(
            case=report, by=request.user, request=request, text=form.cleaned_data["text"]
        )
        messages.success(request, _("The note is saved as a draft. Sign it when it is final."))
        return redirect("casework:report-detail", pk=report.pk)
    return _render_detail(request, report, journal_form=form, status=400)


@verified
@require_http_methods(["GET", "POST"])
@erased_aware
def journal_edit(request, pk, entry_pk):
    report = _report_for_worker(request, pk)
    entry = _journal_entry(report, entry_pk)
    if request.method == "GET":
        report_services.journal_entry_record_view(entry=entry, by=request.user, request=request)
    correcting = entry.is_signed
    if not correcting and unverifiable_fields(entry):
        # Its placeholder must not come back as the new text.
        return integrity_page(request)
    form = JournalForm(request.POST or None, initial={} if correcting else {"text": entry.text})
    if request.method == "POST" and form.is_valid():
        try:
            if correcting:
                report_services.journal_entry_write(
                    case=report,
                    by=request.user,
                    request=request,
                    text=form.cleaned_data["text"],
                    corrects=entry,
                )
            else:
                report_services.journal_entry_edit(
                    entry=entry, by=request.user, request=request, text=form.cleaned_data["text"]
                )
        except report_services.ReportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The note is saved as a draft. Sign it when it is final."))
            return redirect("casework:report-detail", pk=report.pk)
    return render(
        request,
        "casework/journal_form.html",
        {"form": form, "report": report, "entry": entry, "correcting": correcting},
    )


@verified
@require_http_methods(["GET", "POST"])
@erased_aware
def journal_sign(request, pk, entry_pk):
    """GET asks to confirm (signing cannot be undone); POST signs."""
    report = _report_for_worker(request, pk)
    entry = _journal_entry(report, entry_pk)
    if request.method == "GET":
        if entry.is_signed or entry.created_by_id != request.user.pk:
            return redirect("casework:report-detail", pk=report.pk)
        report_services.journal_entry_record_view(entry=entry, by=request.user, request=request)
        return render(request, "casework/journal_sign.html", {"report": report, "entry": entry})
    try:
        report_services.journal_entry_sign(entry=entry, by=request.user, request=request)
    except (TransitionNotAllowed, ConcurrentTransition):
        messages.error(request, _("The note was already signed."))
    else:
        messages.success(request, _("The note is signed. It can no longer be changed."))
    return redirect("casework:report-detail", pk=report.pk)
