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
from accounts.roles import Role
from audit.services import access_event_record
from casework import report_selectors, report_services, selectors, services
from casework.deadlines import report_deadline
from casework.denials import load_or_refuse
from casework.models import AssessmentDecision, JournalEntry
from casework.report_forms import (
    AssignForm,
    ContactForm,
    JournalForm,
    ReportFilterForm,
    ReportRegistrationForm,
    ReportStepForm,
)

STEP_TITLES = {
    "assess_protection": gettext_lazy("Record the protection assessment"),
    "record_first_contact": gettext_lazy("Record the first contact"),
    "record_assessment": gettext_lazy("Record the initial assessment"),
    "start_investigation": gettext_lazy("Start the investigation"),
    "close_on_receipt": gettext_lazy("Close without assessment"),
    "close": gettext_lazy("Close the report"),
}


def _report_for_worker(request, pk):
    """The report, if this social worker may work it; refusals are logged, then 404."""

    def load():
        if not request.user.has_role(Role.SOCIAL_WORKER):
            raise Http404
        return report_selectors.report_get_for_user(user=request.user, pk=pk)

    return load_or_refuse(request, object_type=report_services.REPORT_OBJECT, pk=pk, load=load)


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
    steps = _available_steps(report, request.user)
    forms = {step: _step_form(report, step) for step in steps}
    forms.update(step_forms or {})
    # A step the report has moved past: show what the user typed, with why.
    stale = [
        (step, STEP_TITLES[step], form)
        for step, form in (step_forms or {}).items()
        if step not in steps
    ]
    return render(
        request,
        "casework/report_detail.html",
        {
            "report": report,
            "deadline": report_deadline(report),
            "steps": [(step, STEP_TITLES[step], forms[step]) for step in steps],
            "stale_steps": stale,
            "timeline": report_selectors.report_timeline(report),
            "journal_form": journal_form or JournalForm(),
            "linked_reports": report_selectors.reports_for_user(user=request.user).filter(
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
    shows the same list)."""
    now = timezone.now()
    filters = ReportFilterForm(request.GET or None)
    state = district = None
    if filters.is_valid():
        state = filters.cleaned_data["state"] or None
        district = filters.cleaned_data["district"]
    every_report = report_selectors.reports_open_for_worker(user=request.user, now=now)
    reports = every_report
    if state or district:
        reports = report_selectors.reports_open_for_worker(
            user=request.user, state=state, district=district, now=now
        )
    return {
        "filters": filters,
        **_paged_with_deadlines(request, every_report, reports, now),
    }


def _paged_with_deadlines(request, every_report, shown, now):
    """A page of ``shown`` (a subset of ``every_report``) with each report's
    deadline, and the overdue and due-soon counts over all."""
    deadlines = {report.pk: report_deadline(report, now) for report in every_report}
    page = Paginator(shown, settings.REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    every_deadline = [deadlines[report.pk] for report in every_report]
    return {
        "page": page,
        "rows": [(report, deadlines[report.pk]) for report in page],
        "query": _query_without_page(request),
        "overdue_count": sum(1 for d in every_deadline if d and d.is_overdue),
        "due_soon_count": sum(1 for d in every_deadline if d and d.is_due_soon),
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
    reports = report_selectors.reports_open_for_unit(user=request.user, now=now)
    return {
        **_paged_with_deadlines(request, reports, reports, now),
        # Once for the page, not once per row's drop-down.
        "workers": list(AssignForm(unit=request.user.unit).fields["assigned_to"].queryset),
        "unassigned_count": sum(1 for report in reports if report.assigned_to_id is None),
    }


@roles_required(Role.UNIT_MANAGER)
@require_POST
def report_assign(request, pk):
    report = report_selectors.reports_for_user(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    form = AssignForm(request.POST, unit=report.unit)
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
        messages.error(request, _("Choose a social worker to assign the report to."))
    return redirect("casework:unit-reports")


@roles_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def report_create(request):
    form = ReportRegistrationForm(
        request.POST or None,
        initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    open_report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = selectors.person_find_by_identity_number(data["identity_number"])
        if person is not None:
            open_report = report_services.open_reports_for_person(person).first()
        if person is None and not (data["given_names"] and data["family_name"]):
            form.add_error(
                "given_names",
                _("The person is not registered yet: enter their given names and family name."),
            )
        elif open_report is not None and not data["link_to_open_report"]:
            form.add_error(
                None,
                _(
                    "There is already an open report for this person (%(reference)s, received "
                    "%(received)s). Open it instead, or tick the box below to register this "
                    "one linked to it."
                )
                % {
                    "reference": open_report.reference,
                    "received": timezone.localtime(open_report.received_at).strftime("%Y-%m-%d"),
                },
            )
        else:
            try:
                with transaction.atomic():
                    if person is None:
                        person = services.person_register(
                            by=request.user,
                            request=request,
                            identity_number=data["identity_number"],
                            given_names=data["given_names"],
                            family_name=data["family_name"],
                            district=data["district"],
                        )
                    report = report_services.report_register(
                        by=request.user,
                        request=request,
                        person=person,
                        police_reference=data["police_reference"],
                        offence_category=data["offence_category"],
                        offence_date=data["offence_date"],
                        received_at=data["received_at"],
                        district=data["district"],
                        summary=data["summary"],
                        linked_report=open_report,
                    )
            except (report_services.ReportError, services.PersonError) as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The report is registered. The clock has started."))
                return redirect("casework:report-detail", pk=report.pk)
    visible_open_report = (
        report_selectors.reports_for_user(user=request.user).filter(pk=open_report.pk).first()
        if open_report
        else None
    )
    return render(
        request,
        "casework/report_form.html",
        {"form": form, "open_report": open_report, "visible_open_report": visible_open_report},
    )


@verified
@require_GET
def report_detail(request, pk):
    report = _report_for_worker(request, pk)
    access_event_record(
        action="view",
        request=request,
        actor=request.user,
        object_type=report_services.REPORT_OBJECT,
        object_id=str(report.pk),
        person_ref=report.person_id,
    )
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
def journal_edit(request, pk, entry_pk):
    report = _report_for_worker(request, pk)
    entry = _journal_entry(report, entry_pk)
    correcting = entry.is_signed
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
