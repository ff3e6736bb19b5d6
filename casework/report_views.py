import copy

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


def _step_form(report, step, data=None):
    return ReportStepForm(
        data,
        step=step,
        close_reasons=report.close_reasons_allowed(),
        initial={"expected_state": report.state, "at": timezone.localtime().replace(second=0)},
        prefix=step,
    )


def _render_detail(request, report, *, step_forms=None, journal_form=None, status=200):
    user = request.user
    steps = _available_steps(report, user)
    forms = {step: _step_form(report, step) for step in steps}
    forms.update(step_forms or {})
    # A step the report has moved past: show what the user typed, with why.
    stale = [
        (step, STEP_TITLES[step], form)
        for step, form in (step_forms or {}).items()
        if step not in steps
    ]
    # Newest first, a page at a time: a long case costs no more than a short one.
    timeline = report_selectors.report_timeline_page(
        report,
        with_records=policy.may_see_case_records(user),
        page=request.GET.get("timeline"),
    )
    return render(
        request,
        "casework/report_detail.html",
        {
            "report": report,
            "deadline": report_deadline(report),
            "steps": [(step, STEP_TITLES[step], forms[step]) for step in steps],
            "stale_steps": stale,
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
    return render(request, "casework/report_list.html", worker_reports_context(request))


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
    open_report = None
    # Asked for once the service says so; kept while the form is corrected.
    reason_needed = bool(form["open_reason"].value()) and not form.is_valid()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            report = report_services.report_registration(by=request.user, request=request, **data)
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
    form = ReportStepForm(
        request.POST, step=step, prefix=step, close_reasons=report.close_reasons_allowed()
    )
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("at", "expected_state")}
        try:
            report_services.report_take_step(
                report=report,
                step=step,
                by=request.user,
                request=request,
                at=form.cleaned_data["at"],
                expected_state=form.cleaned_data["expected_state"],
                **values,
            )
        except (TransitionNotAllowed, ConcurrentTransition):
            report = report_selectors.report_get_for_user(user=request.user, pk=pk)
            form.add_error(None, _conflict_message(report))
            return _render_detail(request, report, step_forms={step: form}, status=409)
        except report_services.ReportError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved: %(step)s.") % {"step": STEP_TITLES[step]})
            return redirect("casework:report-detail", pk=report.pk)
    if step not in _available_steps(report, request.user):
        form.add_error(None, _conflict_message(report))
        return _render_detail(request, report, step_forms={step: form}, status=409)
    return _render_detail(request, report, step_forms={step: form}, status=400)


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
@require_POST
@erased_aware
def journal_sign(request, pk, entry_pk):
    report = _report_for_worker(request, pk)
    entry = _journal_entry(report, entry_pk)
    try:
        report_services.journal_entry_sign(entry=entry, by=request.user, request=request)
    except (TransitionNotAllowed, ConcurrentTransition):
        messages.error(request, _("The note was already signed."))
    else:
        messages.success(request, _("The note is signed. It can no longer be changed."))
    return redirect("casework:report-detail", pk=report.pk)
