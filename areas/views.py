"""The area work's pages: a city district's bodies, situation pictures,
action plans with their follow-up, mobilisation meetings and citizen
promises. Selectors answer 404 for a district the user does not reach; a
reader who does not own the district is refused writes with 403."""

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import roles_required
from accounts.roles import Role
from areas import selectors, services
from areas.figures import COLUMNS, NOT_SHOWN, sub_area_figures
from areas.forms import (
    ContributionForm,
    FollowUpForm,
    MeasureForm,
    MeasureReportForm,
    MobilisationForm,
    PictureForm,
    PlanForm,
    PlanReviseForm,
    ProblemForm,
    PromiseForm,
    RowForm,
)
from areas.models import MeasurePhase, MeasureStatus, PictureSource
from casework.refusals import object_refusal_record
from casework.web import refusals_on

AREA_ROLES = (Role.SAFETY_COORDINATOR, Role.AREA_PARTNER, Role.UNIT_MANAGER)
area_roles_required = roles_required(*AREA_ROLES)


def refusals_logged(object_type):
    """A view of one object: a 404 for an object the user may not reach is
    logged first, so a guessed id stays on record (as in casework)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, pk, **kwargs):
            try:
                return view(request, pk, **kwargs)
            except Http404:
                object_refusal_record(
                    by=request.user, request=request, object_type=object_type, object_id=pk
                )
                raise

        return wrapper

    return decorator


def _owning(access):
    if not access.owns:
        raise PermissionDenied


def _figures_context(city_district, first_month, last_month):
    return {
        "figure_columns": COLUMNS,
        "figures": sub_area_figures(
            city_district=city_district, first_month=first_month, last_month=last_month
        ),
        "figures_first": first_month,
        "figures_last": last_month,
        "not_shown": NOT_SHOWN,
        "k": settings.SUMMARY_MIN_COUNT,
    }


@area_roles_required
@require_GET
def home(request):
    return render(
        request,
        "areas/home.html",
        {
            "city_districts": selectors.city_districts_for_user(user=request.user),
            "my_measures": selectors.measures_for_user(user=request.user),
        },
    )


@area_roles_required
@require_GET
@refusals_logged("areas.citydistrict")
def district_detail(request, pk):
    city_district, access = selectors.city_district_get_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    period = PictureForm(request.GET or None)
    first, last = today.replace(month=1, day=1), today.replace(day=1)
    if period.is_bound and period.is_valid():
        first, last = period.cleaned_data["first_month"], period.cleaned_data["last_month"]
    elif not period.is_bound:
        period = PictureForm(initial={"first_month": first, "last_month": last})
    services.area_work_viewed(
        request=request, obj=city_district, detail=f"{first:%Y-%m}:{last:%Y-%m}"
    )
    context = {
        "city_district": city_district,
        "access": access,
        "period": period,
        "sub_areas": city_district.sub_areas.select_related("district").prefetch_related(
            "district__sspf_groups"
        ),
        "bodies": city_district.bodies.select_related("sub_area__district").prefetch_related(
            "memberships__user", "memberships__organisation"
        ),
        "pictures": city_district.situation_pictures.select_related("plan"),
        "mobilisations": city_district.mobilisations.select_related("sub_area__district")[:20],
        "promises": city_district.citizen_promises.prefetch_related("goals__measures"),
    }
    if not (period.is_bound and not period.is_valid()):
        context.update(_figures_context(city_district, first, last))
    return render(request, "areas/district_detail.html", context)


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.citydistrict")
def picture_create(request, pk):
    city_district, access = selectors.city_district_get_for_user(user=request.user, pk=pk)
    _owning(access)
    form = PictureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            picture = services.picture_create(
                by=request.user, request=request, city_district=city_district, **form.cleaned_data
            )
        if not refused:
            messages.success(request, _("The situation picture is created."))
            return redirect("areas:picture-detail", pk=picture.pk)
    previous = (
        city_district.situation_pictures.select_related("plan").filter(plan__isnull=False).first()
    )
    return render(
        request,
        "areas/picture_form.html",
        {"city_district": city_district, "form": form, "previous": previous},
        status=400 if form.errors else 200,
    )


def _picture_page(
    request,
    picture,
    access,
    *,
    contribution_form=None,
    problem_form=None,
    plan_form=None,
    status=200,
):
    city_district = picture.city_district
    contributions = {source: [] for source in PictureSource}
    for contribution in picture.contributions.select_related("created_by"):
        contributions[PictureSource(contribution.source)].append(contribution)
    previous = (
        city_district.situation_pictures.filter(
            first_month__lt=picture.first_month, plan__isnull=False
        )
        .select_related("plan")
        .first()
    )
    context = {
        "picture": picture,
        "city_district": city_district,
        "access": access,
        "contributions": [(source.label, contributions[source]) for source in PictureSource],
        "problems": picture.problems.prefetch_related("sub_areas__district"),
        "plan": getattr(picture, "plan", None),
        "previous": previous,
        "contribution_form": contribution_form or ContributionForm(),
        "problem_form": problem_form or ProblemForm(city_district=city_district),
        "plan_form": plan_form
        # Prefixed: the problem form beside it has a "title" field too.
        or PlanForm(
            prefix="plan",
            initial={"title": _("Joint action plan %(picture)s") % {"picture": picture}},
        ),
        **_figures_context(city_district, picture.first_month, picture.last_month),
    }
    return render(request, "areas/picture_detail.html", context, status=status)


@area_roles_required
@require_GET
@refusals_logged("areas.situationpicture")
def picture_detail(request, pk):
    picture, access = selectors.picture_get_for_user(user=request.user, pk=pk)
    services.area_work_viewed(request=request, obj=picture)
    return _picture_page(request, picture, access)


def _on_the_picture(request, pk, *, form_key, make_form, write, done, target=None):
    """A form posted on the situation picture's page: written by ``write``, then
    to the picture (or to ``target``, the URL name of what was made); or the
    page again with the form as typed and its errors (400)."""
    picture, access = selectors.picture_get_for_user(user=request.user, pk=pk)
    _owning(access)
    form = make_form(request.POST, picture)
    if form.is_valid():
        with refusals_on(form) as refused:
            made = write(picture, form.cleaned_data)
        if not refused:
            messages.success(request, done)
            if target:
                return redirect(target, pk=made.pk)
            return redirect("areas:picture-detail", pk=picture.pk)
    return _picture_page(request, picture, access, status=400, **{form_key: form})


@area_roles_required
@require_http_methods(["POST"])
@refusals_logged("areas.situationpicture")
def contribution_create(request, pk):
    return _on_the_picture(
        request,
        pk,
        form_key="contribution_form",
        make_form=lambda data, picture: ContributionForm(data),
        write=lambda picture, values: services.contribution_add(
            by=request.user, request=request, picture=picture, **values
        ),
        done=_("The contribution is added to the situation picture."),
    )


@area_roles_required
@require_http_methods(["POST"])
@refusals_logged("areas.situationpicture")
def problem_create(request, pk):
    return _on_the_picture(
        request,
        pk,
        form_key="problem_form",
        make_form=lambda data, picture: ProblemForm(data, city_district=picture.city_district),
        write=lambda picture, values: services.problem_add(
            by=request.user, request=request, picture=picture, **values
        ),
        done=_("The problem is added to the joint problem description."),
    )


@area_roles_required
@require_http_methods(["POST"])
@refusals_logged("areas.situationpicture")
def plan_create(request, pk):
    return _on_the_picture(
        request,
        pk,
        form_key="plan_form",
        make_form=lambda data, picture: PlanForm(data, prefix="plan"),
        write=lambda picture, values: services.plan_create(
            by=request.user, request=request, picture=picture, **values
        ),
        done=_("The joint action plan is created."),
        target="areas:plan-detail",
    )


def _plan_context(request, plan, access):
    rows = list(selectors.plan_rows(plan))
    for row in rows:
        row.phases = [
            (phase.label, [m for m in row.measures.all() if m.phase == phase])
            for phase in MeasurePhase
        ]
        row.measures_carried_out = [
            m for m in row.measures.all() if m.status == MeasureStatus.CARRIED_OUT
        ]
        for measure in row.measures.all():
            measure.may_report = access.may_report_on(measure, request.user)
    return {
        "plan": plan,
        "picture": plan.picture,
        "city_district": plan.city_district,
        "access": access,
        "rows": rows,
    }


@area_roles_required
@require_GET
@refusals_logged("areas.actionplan")
def plan_detail(request, pk):
    plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    services.area_work_viewed(request=request, obj=plan)
    context = _plan_context(request, plan, access)
    context["revisions"] = selectors.plan_revisions(plan)
    return render(request, "areas/plan_detail.html", context)


@area_roles_required
@require_GET
@refusals_logged("areas.actionplan")
def plan_print(request, pk):
    plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    services.area_work_viewed(request=request, obj=plan, detail="print")
    context = _plan_context(request, plan, access)
    context["printed_at"] = timezone.localtime()
    return render(request, "areas/plan_print.html", context)


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.actionplan")
def plan_edit(request, pk):
    plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    _owning(access)
    form = PlanReviseForm(
        request.POST or None, initial={"title": plan.title, "lessons": plan.lessons}
    )
    return _plan_form(
        request,
        plan,
        form,
        heading=_("Revise the plan"),
        write=lambda values: services.plan_revise(
            by=request.user, request=request, plan=plan, **values
        ),
        done=_("The plan is saved."),
    )


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.actionplan")
def row_create(request, pk):
    plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    _owning(access)
    return _plan_form(
        request,
        plan,
        RowForm(request.POST or None, plan=plan),
        heading=_("A row of the plan"),
        write=lambda values: services.row_add(
            by=request.user,
            request=request,
            plan=plan,
            **{name: value for name, value in values.items() if name != "seen_at"},
        ),
        done=_("The row is added to the plan."),
    )


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.planrow")
def row_edit(request, pk):
    row, access = selectors.row_get_for_user(user=request.user, pk=pk)
    _owning(access)
    plan = row.plan
    initial = {name: getattr(row, name) for name in services.ROW_FIELDS}
    initial["seen_at"] = row.changed_at
    form = RowForm(request.POST or None, plan=plan, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        seen_at = values.pop("seen_at")
        with refusals_on(form) as refused:
            services.row_revise(
                by=request.user, request=request, row=row, seen_at=seen_at, **values
            )
        if not refused:
            messages.success(request, _("The row is saved."))
            return redirect("areas:plan-detail", pk=plan.pk)
        status = refused.status
        if refused.error.conflict:
            # The next save is made from what is there now.
            row.refresh_from_db()
            form.data = form.data.copy()
            form.data["seen_at"] = row.changed_at.isoformat()
    return render(
        request,
        "areas/plan_form.html",
        {
            "plan": plan,
            "form": form,
            "heading": _("Revise the row"),
            "current_row": row if status == 409 else None,
        },
        status=400 if status == 200 and form.errors else status,
    )


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.planrow")
def row_follow_up(request, pk):
    row, access = selectors.row_get_for_user(user=request.user, pk=pk)
    _owning(access)
    return _plan_form(
        request,
        row.plan,
        FollowUpForm(request.POST or None, initial={"effect": row.effect}),
        heading=_("Follow up: %(problem)s") % {"problem": row.problem},
        write=lambda values: services.row_follow_up(
            by=request.user, request=request, row=row, **values
        ),
        done=_("The follow-up is saved."),
    )


def _plan_form(request, plan, form, *, heading, write, done):
    """A form page under the plan: a valid post is written by ``write`` and
    goes back to the plan; otherwise the form again, as typed (400 with errors)."""
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            write(form.cleaned_data)
        if not refused:
            messages.success(request, done)
            return redirect("areas:plan-detail", pk=plan.pk)
    return render(
        request,
        "areas/plan_form.html",
        {"plan": plan, "form": form, "heading": heading},
        status=400 if form.errors else 200,
    )


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.actionplan")
def measure_create(request, pk):
    plan, access = selectors.plan_get_for_user(user=request.user, pk=pk)
    _owning(access)
    return _plan_form(
        request,
        plan,
        MeasureForm(
            request.POST or None,
            city_district=plan.city_district,
            rows=plan.rows.select_related("problem"),
            initial={"row": request.GET.get("row")},
        ),
        heading=_("A measure"),
        write=lambda values: services.measure_add(by=request.user, request=request, **values),
        done=_("The measure is added to the plan."),
    )


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.measure")
def measure_report(request, pk):
    measure, access = selectors.measure_get_for_user(user=request.user, pk=pk)
    if not access.may_report_on(measure, request.user):
        raise PermissionDenied
    form = MeasureReportForm(
        request.POST or None,
        initial={"carried_out": measure.carried_out} if measure.carried_out else None,
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        with refusals_on(form) as refused:
            services.measure_report(
                by=request.user,
                request=request,
                measure=measure,
                status=values["status"],
                carried_out=values["carried_out"],
                on=values["reported_on"],
            )
        if not refused:
            messages.success(request, _("Your report on the measure is saved."))
            return redirect("areas:plan-detail", pk=measure.row.plan_id)
    return render(
        request,
        "areas/measure_report.html",
        {"measure": measure, "plan": measure.row.plan, "form": form},
        status=400 if form.errors else 200,
    )


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.citydistrict")
def mobilisation_create(request, pk):
    city_district, access = selectors.city_district_get_for_user(user=request.user, pk=pk)
    _owning(access)
    return _district_form(
        request,
        city_district,
        MobilisationForm(request.POST or None, city_district=city_district),
        heading=_("A mobilisation meeting"),
        write=lambda values: services.mobilisation_record(
            by=request.user, request=request, city_district=city_district, **values
        ),
        done=_("The mobilisation meeting is recorded."),
        target="areas:mobilisation-detail",
    )


def _district_form(request, city_district, form, *, heading, write, done, target=None):
    """A form page of the city district: a valid post is written by ``write``,
    then to ``target`` (the URL name of what was made) or back to the
    district; otherwise the form again, as typed (400 with errors)."""
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            made = write(form.cleaned_data)
        if not refused:
            messages.success(request, done)
            if target:
                return redirect(target, pk=made.pk)
            return redirect("areas:district-detail", pk=city_district.pk)
    return render(
        request,
        "areas/district_form.html",
        {"city_district": city_district, "form": form, "heading": heading},
        status=400 if form.errors else 200,
    )


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.mobilisationmeeting")
def mobilisation_detail(request, pk):
    meeting, access = selectors.mobilisation_get_for_user(user=request.user, pk=pk)
    rows = selectors.plan_rows_of_district(meeting.city_district)
    form = None
    status = 200
    if access.owns and rows:
        form = MeasureForm(
            request.POST or None,
            city_district=meeting.city_district,
            rows=rows,
            initial={"starts_on": meeting.held_on},
        )
        if request.method == "POST":
            if form.is_valid():
                with refusals_on(form) as refused:
                    services.measure_add(
                        by=request.user, request=request, mobilisation=meeting, **form.cleaned_data
                    )
                if not refused:
                    messages.success(request, _("The agreed action is added to the action plan."))
                    return redirect("areas:mobilisation-detail", pk=meeting.pk)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "GET":
        services.area_work_viewed(request=request, obj=meeting)
    return render(
        request,
        "areas/mobilisation_detail.html",
        {
            "meeting": meeting,
            "city_district": meeting.city_district,
            "access": access,
            "organisations": meeting.organisations.all(),
            "actions": meeting.measures.select_related(
                "row__problem", "row__plan", "organisation", "responsible"
            ),
            "form": form,
        },
        status=status,
    )


@area_roles_required
@require_http_methods(["GET", "POST"])
@refusals_logged("areas.citydistrict")
def promise_create(request, pk):
    city_district, access = selectors.city_district_get_for_user(user=request.user, pk=pk)
    _owning(access)
    return _district_form(
        request,
        city_district,
        PromiseForm(request.POST or None),
        heading=_("A citizen promise"),
        write=lambda values: services.promise_record(
            by=request.user, request=request, city_district=city_district, **values
        ),
        done=_("The citizen promise is saved."),
    )
