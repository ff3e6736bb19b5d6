"""Under-15 reports: the lists, registration, the report's page and its steps."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.roles import Role
from casework.denials import erased_aware, load_or_refuse
from casework.persons.forms import GuardianFormSet, guardians_typed
from casework.reports import selectors, services
from casework.reports.forms import AssignForm, ReportRegistrationForm
from casework.reports.models import STEPS
from casework.reports.pages import (
    STEP_DONE,
    report_for_worker,
    report_page,
    step_conflict_page,
    step_form,
)
from casework.reports.panels import unit_reports_context, worker_reports_context
from casework.web import casework_roles_required, casework_verified, refusals_on


@casework_roles_required(Role.SOCIAL_WORKER)
@require_GET
def report_list(request):
    return render(request, "casework/report_list.html", worker_reports_context(request))


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def unit_reports(request):
    return render(request, "casework/unit_reports.html", unit_reports_context(request))


@casework_roles_required(Role.UNIT_MANAGER)
@require_POST
@erased_aware
def report_assign(request, pk):
    report = load_or_refuse(
        request,
        object_type=services.REPORT_OBJECT,
        pk=pk,
        load=lambda: selectors.report_get_for_user(user=request.user, pk=pk),
    )
    form = AssignForm(request.POST, report=report)
    if form.is_valid():
        with refusals_on(form) as refused:
            services.report_assign(
                report=report,
                to_user=form.cleaned_data["assigned_to"],
                by=request.user,
                request=request,
            )
        if not refused:
            messages.success(
                request,
                _("Report %(reference)s is assigned to %(user)s.")
                % {"reference": report.reference, "user": form.cleaned_data["assigned_to"]},
            )
            return redirect("casework:unit-reports")
    # The list is a page of many reports: the refusal is said above it.
    messages.error(
        request, " ".join(message for errors in form.errors.values() for message in errors)
    )
    return redirect("casework:unit-reports")


@casework_roles_required(Role.SOCIAL_WORKER)
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
        with refusals_on(form) as refused:
            report = services.report_registration(
                by=request.user,
                request=request,
                guardians=guardians_typed(guardians) if guardians.is_bound else [],
                **form.cleaned_data,
            )
        if not refused:
            messages.success(request, _("The report is registered. The clock has started."))
            return redirect("casework:report-detail", pk=report.pk)
        open_report = refused.error.extra.get("open_report")
        reason_needed = refused.error.code == "reason_needed"
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


@casework_verified
@require_GET
@erased_aware
def report_detail(request, pk):
    report = report_for_worker(request, pk)
    services.report_record_view(report=report, by=request.user, request=request)
    return report_page(request, report)


@casework_verified
@require_POST
@erased_aware
def report_step(request, pk, step):
    report = report_for_worker(request, pk)
    if step not in STEPS:
        raise Http404
    form = step_form(request, report, step, request.POST)
    if form.is_valid():
        try:
            with refusals_on(form) as refused:
                services.report_take_step(
                    report=report,
                    step=step,
                    by=request.user,
                    request=request,
                    **form.step_values(),
                )
        except (TransitionNotAllowed, ConcurrentTransition):
            report = selectors.report_get_for_user(user=request.user, pk=pk)
            return step_conflict_page(request, report, step, form)
        if not refused:
            messages.success(request, STEP_DONE[step])
            return redirect("casework:report-detail", pk=report.pk)
    if step not in selectors.report_steps_offered(report, request.user):
        return step_conflict_page(request, report, step, form)
    return report_page(request, report, step_forms={step: form}, status=400)
