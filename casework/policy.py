"""Who may see and change what in casework: the one access decision.

Every selector, service and view of casework asks here; nothing else
decides access by role. The rules (docs/design.md, "Users and what each may see"):

- A social worker works the persons and reports of their unit and the ones
  assigned to them. A person is *assigned* to a worker who registered them
  or who holds one of their reports; a person is the unit's when the unit is
  responsible for them or has one of their reports.
- Protected identity narrows a person to the workers assigned to them: not
  the rest of the unit, and not with a stated reason either. Their unit
  manager sees the report in the unit's list by reference, never the name.
- Any other person's file opens only with a stated reason, for a while,
  flagged in the access log (``PersonAccess.NEEDS_REASON`` until then).
- A unit manager sees the unit's reports with minimal identifiers and
  assigns them; no person's file, no journal.
- Auditors, administrators and SSPF members see no casework content.
- Erased persons and erased reports are in no list; opening one shows that
  it was erased.

Each rule also needs the role's named permission (accounts.roles), so a
role without e.g. ``casework.view_person_file`` reaches nothing here even
if a selector forgot to ask.
"""

import enum
import time

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from accounts.roles import Role
from casework.models import Person, Under15Report

OPENED_WITH_REASON = "persons_opened_with_reason"


class Erased(Exception):
    """The user would reach ``obj`` (a person or a report), but its data was erased."""

    def __init__(self, obj):
        super().__init__(f"{obj} was erased")
        self.obj = obj


class PersonAccess(enum.Enum):
    NONE = "none"
    ASSIGNED = "assigned"
    # Outside the assignment: needs a stated reason first.
    NEEDS_REASON = "needs_reason"
    WITH_REASON = "with_reason"
    # Would be reachable, but the person's data was erased.
    ERASED = "erased"

    @property
    def may_read(self):
        return self in (PersonAccess.ASSIGNED, PersonAccess.WITH_REASON)


class ReportAccess(enum.Enum):
    NONE = "none"
    # The assigned worker or a colleague in the unit: the whole report.
    WORK = "work"
    # The unit manager: reference, state and deadlines; assignment.
    MANAGE = "manage"


def _is_worker(user):
    return user.has_role(Role.SOCIAL_WORKER) and user.has_perm("casework.view_person_file")


def _reports_of_person(**filters):
    return Under15Report.objects.filter(person=OuterRef("pk"), **filters)


def _persons_reachable(user):
    """Persons the worker reaches without a reason, erased ones included."""
    if not _is_worker(user):
        return Person.objects.none()
    assigned = Q(created_by=user) | Exists(_reports_of_person(assigned_to=user))
    if user.unit_id is None:
        return Person.objects.filter(assigned)
    units = Q(responsible_unit_id=user.unit_id) | Exists(_reports_of_person(unit_id=user.unit_id))
    return Person.objects.filter(assigned | (Q(protected_identity=False) & units))


def persons_for_user(*, user):
    """Persons whose files the user may open without stating a reason."""
    return _persons_reachable(user).filter(erased_at__isnull=True)


def _opened_with_reason(session, person):
    entry = (session or {}).get(OPENED_WITH_REASON, {}).get(str(person.pk))
    return entry is not None and entry["expires"] > time.time()


def person_access(*, user, person, session=None):
    """How ``user`` reaches ``person``'s file (``session``: files opened with a reason)."""
    if not _is_worker(user):
        return PersonAccess.NONE
    if _persons_reachable(user).filter(pk=person.pk).exists():
        return PersonAccess.ERASED if person.is_erased else PersonAccess.ASSIGNED
    if person.is_erased or person.protected_identity:
        return PersonAccess.NONE
    if _opened_with_reason(session, person):
        return PersonAccess.WITH_REASON
    return PersonAccess.NEEDS_REASON


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


def may_see_case_records(user):
    """Contacts and journal notes of a case the user works."""
    return user.has_perms(["casework.view_contact", "casework.view_journalentry"])


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
    assigned_to_person = Under15Report.objects.filter(
        person_id=report.person_id, assigned_to=OuterRef("pk")
    )
    return workers.filter(Q(pk=report.person.created_by_id) | Exists(assigned_to_person))
