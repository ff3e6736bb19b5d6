"""Who may open a person's file: the person half of casework's access decision.

The rules are those of casework/policy.py; a person's cases are every
programme's (casework/persons/cases.py), so this module knows no programme.
"""

import enum
import time

from django.db.models import Q

from accounts.roles import Role
from casework.persons.cases import cases_of_person, person_is_shielded, shielded_persons
from casework.persons.models import Person

OPENED_WITH_REASON = "persons_opened_with_reason"


class Erased(Exception):
    """The user would reach ``obj`` (a person or a case), but its data was erased."""

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


def _is_worker(user):
    return user.has_role(Role.SOCIAL_WORKER) and user.has_perm("casework.view_person_file")


def _persons_reachable(user):
    """Persons the worker reaches without a reason, erased ones included."""
    if not _is_worker(user):
        return Person.objects.none()
    assigned = Q(created_by=user) | cases_of_person(assigned_to=user)
    if user.unit_id is None:
        return Person.objects.filter(assigned)
    units = Q(responsible_unit_id=user.unit_id) | cases_of_person(unit_id=user.unit_id)
    return Person.objects.filter(assigned | (~shielded_persons() & units))


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
    if person.is_erased or person_is_shielded(person):
        return PersonAccess.NONE
    if _opened_with_reason(session, person):
        return PersonAccess.WITH_REASON
    return PersonAccess.NEEDS_REASON
