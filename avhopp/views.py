"""Exit cases: the lists, registration, the case's page, its steps, plan and measurements."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.roles import Role
from avhopp import selectors, services
from avhopp.forms import (
    AssignForm,
    ExitCaseRegistrationForm,
    GoalForm,
    InterventionForm,
    InterventionStatusForm,
    MeasurementForm,
)
from avhopp.models import STEPS, Intervention
from avhopp.pages import (
    STEP_DONE,
    case_for_worker,
    exit_case_page,
    intake_form,
    step_conflict_page,
    step_form,
)
from avhopp.panels import unit_cases_context, worker_cases_context
from casework.denials import erased_aware, load_or_refuse
from casework.web import casework_roles_required, casework_verified, refusals_on


@casework_roles_required(Role.SOCIAL_WORKER)
@require_GET
def case_list(request):
    return render(request, "avhopp/case_list.html", worker_cases_context(request))


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def unit_cases(request):
    return render(request, "avhopp/unit_cases.html", unit_cases_context(request))


@casework_roles_required(Role.SOCIAL_WORKER)
@require_http_methods(["GET", "POST"])
def case_create(request):
    form = ExitCaseRegistrationForm(
        request.POST or None,
        initial={"inquiry_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    reason_needed = bool(form["open_reason"].value()) and not form.is_valid()
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            case = services.exit_case_registration(
                by=request.user, request=request, **form.cleaned_data
            )
        if not refused:
            messages.success(request, _("The inquiry is registered."))
            return redirect("avhopp:case-detail", pk=case.pk)
        reason_needed = refused.error.code == "reason_needed"
    return render(request, "avhopp/case_form.html", {"form": form, "reason_needed": reason_needed})


@casework_verified
@require_GET
@erased_aware
def case_detail(request, pk):
    case = case_for_worker(request, pk)
    services.exit_case_record_view(case=case, by=request.user, request=request)
    return exit_case_page(request, case)


@casework_verified
@require_POST
@erased_aware
def case_step(request, pk, step):
    case = case_for_worker(request, pk)
    if step not in STEPS:
        raise Http404
    form = step_form(case, step, request.POST)
    if form.is_valid():
        try:
            with refusals_on(form) as refused:
                services.exit_case_take_step(
                    case=case, step=step, by=request.user, request=request, **form.step_values()
                )
        except (TransitionNotAllowed, ConcurrentTransition):
            case = selectors.exit_case_get_for_user(user=request.user, pk=pk, to_work=True)
            return step_conflict_page(request, case, step, form)
        if not refused:
            messages.success(request, STEP_DONE[step])
            return redirect("avhopp:case-detail", pk=case.pk)
    if step not in selectors.case_steps_offered(case, request.user):
        return step_conflict_page(request, case, step, form)
    return exit_case_page(request, case, step_forms={step: form}, status=400)


@casework_verified
@require_POST
@erased_aware
def case_intake(request, pk):
    case = case_for_worker(request, pk)
    form = intake_form(case, request.POST)
    if form.is_valid():
        with refusals_on(form) as refused:
            services.exit_case_record_intake(
                case=case, by=request.user, request=request, **form.cleaned_data
            )
        if not refused:
            messages.success(request, _("The intake assessment is saved."))
            return redirect("avhopp:case-detail", pk=case.pk)
    return exit_case_page(request, case, intake=form, status=400)


@casework_roles_required(Role.UNIT_MANAGER)
@require_POST
@erased_aware
def case_assign(request, pk):
    case = load_or_refuse(
        request,
        object_type=services.CASE_OBJECT,
        pk=pk,
        load=lambda: selectors.exit_case_get_for_user(user=request.user, pk=pk),
    )
    form = AssignForm(request.POST, case=case)
    if form.is_valid():
        with refusals_on(form) as refused:
            services.exit_case_assign(
                case=case,
                to_user=form.cleaned_data["assigned_to"],
                by=request.user,
                request=request,
            )
        if not refused:
            messages.success(
                request,
                _("Case %(reference)s is assigned to %(user)s.")
                % {"reference": case.reference, "user": form.cleaned_data["assigned_to"]},
            )
            return redirect("avhopp:unit-cases")
    messages.error(
        request, " ".join(message for errors in form.errors.values() for message in errors)
    )
    return redirect("avhopp:unit-cases")


@casework_verified
@require_POST
@erased_aware
def goal_create(request, pk):
    case = case_for_worker(request, pk)
    form = GoalForm(request.POST, prefix="goal")
    if form.is_valid():
        with refusals_on(form) as refused:
            services.plan_goal_add(
                case=case, by=request.user, request=request, text=form.cleaned_data["text"]
            )
        if not refused:
            messages.success(request, _("The goal is added to the plan."))
            return redirect(_plan_url(case))
    return exit_case_page(request, case, goal_form=form, status=400)


@casework_verified
@require_POST
@erased_aware
def intervention_create(request, pk):
    case = case_for_worker(request, pk)
    form = InterventionForm(request.POST, case=case, prefix="intervention")
    if form.is_valid():
        with refusals_on(form) as refused:
            services.intervention_add(
                case=case, by=request.user, request=request, **form.cleaned_data
            )
        if not refused:
            messages.success(request, _("The intervention is added to the plan."))
            return redirect(_plan_url(case))
    return exit_case_page(request, case, intervention_form=form, status=400)


@casework_verified
@require_POST
@erased_aware
def intervention_update(request, pk, intervention_pk):
    case = case_for_worker(request, pk)
    intervention = get_object_or_404(Intervention, pk=intervention_pk, case=case)
    form = InterventionStatusForm(request.POST, prefix=f"intervention-{intervention.pk}")
    if form.is_valid():
        with refusals_on(form) as refused:
            services.intervention_update(
                intervention=intervention, by=request.user, request=request, **form.cleaned_data
            )
        if not refused:
            messages.success(request, _("The intervention is updated."))
            return redirect(_plan_url(case))
    messages.error(
        request, " ".join(message for errors in form.errors.values() for message in errors)
    )
    return redirect(_plan_url(case))


def _plan_url(case):
    return f"{case.get_absolute_url()}#plan"


@casework_verified
@require_http_methods(["GET", "POST"])
@erased_aware
def measurement_create(request, pk):
    """The measurement's own page: five scales and, if taken, AUDIT's and DUDIT's items."""
    case = case_for_worker(request, pk)
    occasions = services.occasions_open(case)
    if not occasions:
        messages.error(request, _("No measurement can be recorded where the case stands now."))
        return redirect("avhopp:case-detail", pk=case.pk)
    form = MeasurementForm(
        request.POST or None,
        occasions=occasions,
        initial={"occasion": occasions[0], "measured_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            services.measurement_record(
                case=case, by=request.user, request=request, **form.measurement_values()
            )
        if not refused:
            messages.success(request, _("The measurement is saved."))
            return redirect(f"{case.get_absolute_url()}#measurements")
    return render(request, "avhopp/measurement_form.html", {"case": case, "form": form})
