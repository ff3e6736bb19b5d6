"""Who reaches an exit case (DESIGN: "Gang-exit programme").

- A social worker: the cases assigned to them, and the unit's other cases,
  except shielded ones (a protected case, or a person with a protected
  identity): those only their assigned worker.
- A unit manager: every case of their unit, shielded ones included, by
  reference, state and target group (never the name, never the content).
- Nobody else, SSPF members included.
"""

import enum

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.roles import Role
from avhopp.models import ExitCase
from casework.persons.cases import assigned_to_person


class CaseAccess(enum.Enum):
    NONE = "none"
    # The assigned worker or a colleague in the unit: the whole case.
    WORK = "work"
    # The unit manager: reference, state, target groups, measurements due; assignment.
    MANAGE = "manage"


def _cases_reachable(user, *, to_work=False):
    """Cases the user reaches, erased ones included; ``to_work``: as a social worker."""
    cases = ExitCase.objects.all()
    if not user.has_perm("avhopp.view_exitcase"):
        return cases.none()
    if user.has_role(Role.SOCIAL_WORKER):
        visible = Q(assigned_to=user)
        if user.unit_id:
            visible |= Q(unit_id=user.unit_id, protected=False, person__protected_identity=False)
        return cases.filter(visible)
    if user.has_role(Role.UNIT_MANAGER) and user.unit_id and not to_work:
        return cases.filter(unit_id=user.unit_id)
    return cases.none()


def cases_for_user(*, user, to_work=False):
    """Cases the user sees in lists and may open (``to_work``: the case's page);
    erased ones are left out."""
    return _cases_reachable(user, to_work=to_work).filter(erased_at__isnull=True)


def cases_assigned_to(*, user):
    """The cases assigned to the user (a social worker): one index walk."""
    if not (user.has_role(Role.SOCIAL_WORKER) and user.has_perm("avhopp.view_exitcase")):
        return ExitCase.objects.none()
    return ExitCase.objects.filter(assigned_to=user, erased_at__isnull=True)


def case_access(*, user, case):
    if _cases_reachable(user, to_work=True).filter(pk=case.pk).exists():
        return CaseAccess.WORK
    if _cases_reachable(user).filter(pk=case.pk).exists():
        return CaseAccess.MANAGE
    return CaseAccess.NONE


def assignable_workers(*, case):
    """The unit's active social workers; a case whose person has a protected
    identity goes only to workers already assigned to the person (assigning
    anyone else would show them the name)."""
    workers = get_user_model().objects.filter(
        unit=case.unit_id, groups__name=Role.SOCIAL_WORKER.value, is_active=True
    )
    if not case.person.protected_identity:
        return workers
    return workers.filter(assigned_to_person(case.person))
