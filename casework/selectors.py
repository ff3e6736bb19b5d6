"""Who may open which person's file.

A social worker opens the files of their own unit's persons. Any other
person's file opens only with a stated reason, is flagged in the access log
and lasts for OPENED_WITH_REASON_MINUTES. A person with protected identity
is reachable only by the workers assigned to them (for now: the one who
registered them) - not with a reason either. Everyone else gets 404.
"""

import enum
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.roles import Role
from casework.identity_numbers import normalise_identity_number
from casework.models import Person, identity_number_index, name_token_index, name_tokens

OPENED_WITH_REASON = "persons_opened_with_reason"


class PersonAccess(enum.Enum):
    NONE = "none"
    ASSIGNED = "assigned"
    # Outside the assignment: needs a stated reason first.
    NEEDS_REASON = "needs_reason"
    WITH_REASON = "with_reason"


def persons_for_user(*, user):
    """Persons whose files the user may open without stating a reason."""
    if not user.has_role(Role.SOCIAL_WORKER):
        return Person.objects.none()
    own_unit = Person.objects.filter(
        responsible_unit_id=user.unit_id, protected_identity=False, erased_at__isnull=True
    )
    if user.unit_id is None:
        own_unit = Person.objects.none()
    registered = Person.objects.filter(created_by=user, erased_at__isnull=True)
    return (own_unit | registered).distinct()


def _opened_with_reason(session, person):
    entry = session.get(OPENED_WITH_REASON, {}).get(str(person.pk))
    return entry is not None and entry["expires"] > time.time()


def person_access_for_user(*, user, person, session=None):
    if person.is_erased or not user.has_role(Role.SOCIAL_WORKER):
        return PersonAccess.NONE
    if persons_for_user(user=user).filter(pk=person.pk).exists():
        return PersonAccess.ASSIGNED
    if person.protected_identity:
        return PersonAccess.NONE
    if session is not None and _opened_with_reason(session, person):
        return PersonAccess.WITH_REASON
    return PersonAccess.NEEDS_REASON


def person_get_for_user(*, user, pk, session=None):
    """The person and how the user reaches them; 404 if they may not at all."""
    person = Person.objects.select_related("data_key", "district", "responsible_unit").filter(
        pk=pk
    )
    person = person.first()
    if person is None:
        raise Http404
    access = person_access_for_user(user=user, person=person, session=session)
    if access is PersonAccess.NONE:
        raise Http404
    return person, access


def person_find_by_identity_number(raw):
    """The person with this identity number, found through the blind index.

    Raises ValidationError with a message for the user if the number is invalid.
    """
    digits12 = normalise_identity_number(raw)
    return Person.objects.filter(identity_number_index=identity_number_index(digits12)).first()


def person_ref_for_identity_number(raw):
    """For the auditor's search: a person's pseudonymous id, without their file."""
    try:
        person = person_find_by_identity_number(raw)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None
    return person.pk if person else None


def persons_search_for_user(*, user, text):
    """Visible persons whose name has every word of ``text``, by blind index."""
    tokens = name_tokens(text)
    persons = persons_for_user(user=user)
    if not tokens:
        return persons.none()
    for token in tokens:
        persons = persons.filter(name_tokens__token=name_token_index(token))
    return persons.select_related("district")[: settings.PERSON_SEARCH_LIMIT]
