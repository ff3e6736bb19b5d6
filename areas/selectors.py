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
    MeasureStatus,
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


def _get_readable(queryset, pk, *, district_of, user):
    """(object, access) for an object the user may read; 404 otherwise."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found, _readable(user, district_of(found))


def city_district_get_for_user(*, user, pk):
    """(city district, access); 404 for one the user may not read."""
    return _get_readable(
        CityDistrict.objects.all(), pk, user=user, district_of=lambda found: found
    )


def picture_get_for_user(*, user, pk):
    return _get_readable(
        SituationPicture.objects.select_related("city_district", "plan"),
        pk,
        user=user,
        district_of=lambda picture: picture.city_district,
    )


def plan_get_for_user(*, user, pk):
    return _get_readable(
        ActionPlan.objects.select_related("picture__city_district"),
        pk,
        user=user,
        district_of=lambda plan: plan.picture.city_district,
    )


def row_get_for_user(*, user, pk):
    return _get_readable(
        PlanRow.objects.select_related("plan__picture__city_district", "problem"),
        pk,
        user=user,
        district_of=lambda row: row.plan.picture.city_district,
    )


def measure_get_for_user(*, user, pk):
    return _get_readable(
        Measure.objects.select_related("row__plan__picture__city_district", "row__problem"),
        pk,
        user=user,
        district_of=lambda measure: measure.row.plan.picture.city_district,
    )


def mobilisation_get_for_user(*, user, pk):
    return _get_readable(
        MobilisationMeeting.objects.select_related("city_district"),
        pk,
        user=user,
        district_of=lambda meeting: meeting.city_district,
    )


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


def plan_rows_of_district(city_district):
    """Every plan row of the city district, the newest plan's first: where a
    mobilisation meeting's agreed actions may land."""
    return (
        PlanRow.objects.filter(plan__picture__city_district=city_district)
        .select_related("problem", "plan")
        .order_by("-plan__picture__first_month", "created_at")
    )


def measures_for_user(*, user):
    """The open measures a partner or coordinator is responsible for."""
    return (
        Measure.objects.filter(responsible=user, status=MeasureStatus.PLANNED)
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
