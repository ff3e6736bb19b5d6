"""Who reaches which city district's area work, and the objects under it.

A safety coordinator owns the districts they coordinate; a unit manager
reads the districts whose sub-areas their unit works in; a partner reads the
districts of the bodies they are a member of. Each also needs the role's
permission to read area work (accounts/roles.py): a social worker or an SSPF
member who sits in a body gains nothing by it. Everything else is 404.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from accounts.roles import Role
from areas.models import (
    ActionPlan,
    CityDistrict,
    Measure,
    MobilisationMeeting,
    PlanRow,
    SituationPicture,
)


@dataclass(frozen=True)
class AreaAccess:
    """What a user may do in one city district's area work."""

    owns: bool  # the district's coordinator: writes pictures, plans, follow-up
    reads: bool

    def may_report_on(self, measure, user):
        return self.owns or (
            user.has_perm("areas.report_on_measures") and measure.responsible_id == user.pk
        )


def _reading_condition(user):
    condition = Q(pk__in=[])
    if not user.has_perm("areas.view_area_work"):
        return condition
    if user.has_role(Role.SAFETY_COORDINATOR):
        condition |= Q(coordinators=user)
    if user.has_role(Role.UNIT_MANAGER) and user.unit_id:
        condition |= Q(sub_areas__district__units=user.unit_id)
    if user.has_role(Role.AREA_PARTNER) or user.has_role(Role.SAFETY_COORDINATOR):
        condition |= Q(bodies__members=user)
    return condition


def city_districts_for_user(*, user):
    return CityDistrict.objects.filter(_reading_condition(user)).distinct().order_by("name")


def area_access(*, user, city_district):
    reads = city_districts_for_user(user=user).filter(pk=city_district.pk).exists()
    owns = (
        reads
        and user.has_perm("areas.manage_area_work")
        and city_district.coordinators.filter(pk=user.pk).exists()
    )
    return AreaAccess(owns=owns, reads=reads)


def _readable(user, city_district):
    access = area_access(user=user, city_district=city_district)
    if not access.reads:
        raise Http404
    return access


def city_district_get_for_user(*, user, pk):
    """(city district, access); 404 for one the user may not read."""
    city_district = CityDistrict.objects.filter(pk=pk).first()
    if city_district is None:
        raise Http404
    return city_district, _readable(user, city_district)


def picture_get_for_user(*, user, pk):
    picture = (
        SituationPicture.objects.select_related("city_district", "plan").filter(pk=pk).first()
    )
    if picture is None:
        raise Http404
    return picture, _readable(user, picture.city_district)


def plan_get_for_user(*, user, pk):
    plan = ActionPlan.objects.select_related("picture__city_district").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan, _readable(user, plan.picture.city_district)


def row_get_for_user(*, user, pk):
    row = (
        PlanRow.objects.select_related("plan__picture__city_district", "problem")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    return row, _readable(user, row.plan.picture.city_district)


def measure_get_for_user(*, user, pk):
    measure = (
        Measure.objects.select_related("row__plan__picture__city_district", "row__problem")
        .filter(pk=pk)
        .first()
    )
    if measure is None:
        raise Http404
    return measure, _readable(user, measure.row.plan.picture.city_district)


def mobilisation_get_for_user(*, user, pk):
    meeting = MobilisationMeeting.objects.select_related("city_district").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting, _readable(user, meeting.city_district)


def plan_rows(plan):
    """The plan's rows with their problems, sub-areas, measures and whom they
    serve, in a fixed number of queries however long the plan."""
    return (
        plan.rows.select_related("problem", "followed_up_by")
        .prefetch_related(
            "problem__sub_areas__district",
            "measures__organisation",
            "measures__responsible",
            "measures__serves",
            "measures__mobilisation",
        )
        .order_by("created_at")
    )


def measures_for_user(*, user):
    """The open measures a partner or coordinator is responsible for."""
    return (
        Measure.objects.filter(responsible=user, status="planned")
        .filter(row__plan__picture__city_district__in=city_districts_for_user(user=user))
        .select_related("row__problem", "row__plan", "organisation")
        .order_by("starts_on")
    )


def plan_revisions(plan, *, limit=50):
    """Who changed what in the plan and its rows and measures, newest first."""
    from itertools import chain

    entries = chain(
        ActionPlan.history.filter(id=plan.pk).select_related("history_user")[:limit],
        PlanRow.history.filter(plan_id=plan.pk).select_related("history_user")[:limit],
        Measure.history.filter(row__plan_id=plan.pk).select_related("history_user")[:limit],
    )
    return sorted(entries, key=lambda entry: entry.history_date, reverse=True)[:limit]
