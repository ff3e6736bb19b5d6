"""Who may see, work and assign an under-15 report: the report half of
casework's access decision (the rules: casework/policy.py)."""

import enum

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.roles import Role
from casework.persons.access import person_access
from casework.persons.cases import assigned_to_person
from casework.reports.models import Under15Report


class ReportAccess(enum.Enum):
    NONE = "none"
    # The assigned worker or a colleague in the unit: the whole report.
    WORK = "work"
    # The unit manager: reference, state and deadlines; assignment.
    MANAGE = "manage"


def _reports_reachable(user, *, to_work=False):
    """Reports the user reaches, erased ones included; ``to_work``: as a social worker."""
    reports = Under15Report.objects.all()
    if not user.has_perm("casework.view_under15report"):
        return reports.none()
    if user.has_role(Role.SOCIAL_WORKER):
        visible = Q(assigned_to=user)
        if user.unit_id:
            visible |= Q(unit_id=user.unit_id, person__protected_identity=False)
        return reports.filter(visible)
    if user.has_role(Role.UNIT_MANAGER) and user.unit_id and not to_work:
        return reports.filter(unit_id=user.unit_id)
    return reports.none()


def reports_for_user(*, user, to_work=False):
    """Reports the user sees in lists and may open: erased ones are left out
    (erasing a person erases each of their reports).

    ``to_work``: only those the user may open and work as a social worker
    (the report's page); a manager's unit list is not that.
    """
    return _reports_reachable(user, to_work=to_work).filter(erased_at__isnull=True)


def reports_assigned_to(*, user):
    """The reports assigned to the user (a social worker): always among those they see.

    Said without the unit's rule, so the worker's own list is one index walk.
    """
    if not (user.has_role(Role.SOCIAL_WORKER) and user.has_perm("casework.view_under15report")):
        return Under15Report.objects.none()
    return Under15Report.objects.filter(assigned_to=user, erased_at__isnull=True)


def report_access(*, user, report):
    if _reports_reachable(user, to_work=True).filter(pk=report.pk).exists():
        return ReportAccess.WORK
    if _reports_reachable(user).filter(pk=report.pk).exists():
        return ReportAccess.MANAGE
    return ReportAccess.NONE


def report_shows_person(*, user, report, session=None):
    """Whether the report's page may name its person: exactly when the person policy
    lets the user read the person's file."""
    return person_access(user=user, person=report.person, session=session).may_read


def unit_workers(*, unit):
    """The active social workers of ``unit``."""
    return get_user_model().objects.filter(
        unit=unit, groups__name=Role.SOCIAL_WORKER.value, is_active=True
    )


def assignable_workers(*, report):
    """The workers a manager may assign ``report`` to: its unit's social workers.

    A protected person's report goes only to workers already assigned to
    the person: assigning anyone else would show them the name.
    """
    workers = unit_workers(unit=report.unit_id)
    if not report.person.protected_identity:
        return workers
    return workers.filter(assigned_to_person(report.person))
