"""Reads of persons, through the access policy (casework/persons/access.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404

from casework.persons.access import Erased, PersonAccess, person_access, persons_for_user
from casework.persons.identity_numbers import normalise_identity_number
from casework.persons.models import Person, identity_number_index, name_token_index, name_tokens


def person_get_for_user(*, user, pk, session=None):
    """The person and how the user reaches them; 404 if they may not at all,
    ``Erased`` if they would but the person's data was erased."""
    person = (
        Person.objects.select_related("data_key", "district", "responsible_unit")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    access = person_access(user=user, person=person, session=session)
    if access is PersonAccess.NONE:
        raise Http404
    if access is PersonAccess.ERASED:
        raise Erased(person)
    return person, access


def person_find_by_identity_number(raw):
    """The person with this identity number, found through the blind index.

    For services that then ask the policy; never show the result to a user
    without that. Raises ValidationError with a message for the user if the
    number is invalid.
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


def person_names_match(person, *, given_names, family_name):
    """Whether typed names fit the person's, compared by blind index, never decrypted.

    Every word of the typed family name must be one of the person's words,
    and at least one word of the given names ("Anna" fits "Anna Maria").
    """
    family, given = name_tokens(family_name), name_tokens(given_names)
    if not family or not given:
        return False
    stored = set(person.name_tokens.values_list("token", flat=True))
    family_ok = all(name_token_index(token) in stored for token in family)
    return family_ok and any(name_token_index(token) in stored for token in given)


def persons_search_for_user(*, user, text):
    """Visible persons whose name has every word of ``text``, by blind index."""
    tokens = name_tokens(text)
    persons = persons_for_user(user=user)
    if not tokens:
        return persons.none()
    for token in tokens:
        persons = persons.filter(name_tokens__token=name_token_index(token))
    return persons.select_related("district", "data_key")[: settings.PERSON_SEARCH_LIMIT]


PERSON_HISTORY_SHOWN = 50


def person_history(person):
    """Who changed the file, what and when, newest first: field names only,
    the values stay in the file."""
    records = list(
        person.history.select_related("history_user").order_by("-history_date")[
            :PERSON_HISTORY_SHOWN
        ]
    )
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changed = []
        if previous is not None and record.history_type == "~":
            changed = [
                str(person._meta.get_field(change.field).verbose_name)
                for change in record.diff_against(previous).changes
            ]
        entries.append({"record": record, "changed": changed})
    return entries
