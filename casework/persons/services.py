import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import access_events_record_many
from casework.errors import ApplicationError, ChangedMeanwhile
from casework.events import event_record
from casework.persons.access import OPENED_WITH_REASON, PersonAccess, person_access
from casework.persons.cases import person_is_shielded
from casework.persons.identity_numbers import parse_identity_number
from casework.persons.models import Person, identity_number_index
from casework.persons.selectors import (
    person_find_by_identity_number,
    person_names_match,
    persons_search_for_user,
)
from vault.models import DataKey

PERSON_OBJECT = "casework.person"
EDITABLE_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "gender",
    "address",
    "guardians",
    "district",
    "protected_identity",
)


def _changed_meanwhile(latest):
    """Someone saved the file after the user opened it; ``extra["latest"]`` is
    their history row."""
    return ChangedMeanwhile(
        _(
            "%(user)s changed this file at %(time)s while you were editing. Your "
            "changes are not saved; check the file and save again."
        )
        % {
            "user": latest.history_user or _("Someone"),
            "time": timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M"),
        },
        code="changed_meanwhile",
        latest=latest,
    )


def person_version(person):
    """The id of the person's newest history row: what an edit form saw."""
    latest = person.history.order_by("-history_date").values_list("history_id", flat=True)
    return str(latest.first() or "")


def _set_identity_number(person, raw):
    if not raw:
        person.identity_number = ""
        person.identity_number_index = None
        return
    number = parse_identity_number(raw)
    index = identity_number_index(number.digits12)
    if identity_number_taken(index, person):
        raise _already_registered()
    person.identity_number = number.digits12
    person.identity_number_index = index
    if person.date_of_birth is None:
        person.date_of_birth = number.birth_date
    elif person.date_of_birth != number.birth_date:
        raise ApplicationError(
            _("The date of birth does not match the identity number."),
            code="date_of_birth_mismatch",
            field="date_of_birth",
        )


def identity_number_taken(index, person):
    return Person.objects.filter(identity_number_index=index).exclude(pk=person.pk).exists()


def _already_registered():
    return ApplicationError(
        _("A person with this identity number is already registered. Search for them."),
        code="already_registered",
        field="identity_number",
    )


def _save_person(person):
    """Save; a number registered by someone else since the check (the unique
    blind index) is the same form error as one found by the check."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        index = person.identity_number_index
        if index and Person.objects.filter(identity_number_index=index).exists():
            raise _already_registered() from None
        raise


def person_register(*, by, request=None, identity_number="", **values):
    """Register a person under a new data key of their own.

    Side effects: a data key, the person row and its history row, name
    tokens, an access-log event.
    """
    if not by.has_perm("casework.register_person"):
        raise PermissionDenied
    return _person_create(
        by=by,
        request=request,
        identity_number=identity_number,
        responsible_unit=by.unit,
        **values,
    )


def _person_create(*, by, request, identity_number, responsible_unit, **values):
    with transaction.atomic():
        person = Person(
            data_key=DataKey.create(),
            responsible_unit=responsible_unit,
            created_by=by,
            **{name: values.get(name) for name in EDITABLE_FIELDS if name in values},
        )
        if person.guardians is None:
            person.guardians = []
        _set_identity_number(person, identity_number)
        person.research_birthday_refresh()
        person._history_user = by
        _save_person(person)
        person.refresh_name_tokens()
        event_record("create", person, by=by, request=request)
    return person


def person_identify(*, by, request=None, identity_number, given_names, family_name):
    """The person a programme's case is about, found by identity number, for a
    user who never sees the person's file (an SSPF member raising a concern).

    Found: the typed names must fit the registered ones (compared by blind
    index, never decrypted), and a protected person is refused with a
    message that names nothing. Not found: None, and the caller registers
    the youth with ``person_register_unassigned`` in its own transaction.
    The caller checks its own permission first. Refusals are
    ApplicationError with ``code`` ``names_needed``,
    ``check_identity_number`` or ``not_here``; call it outside a
    transaction, so that the refusal's access-log event stays.
    """
    if not (given_names.strip() and family_name.strip()):
        raise ApplicationError(
            _("Enter the youth's given names and family name."),
            code="names_needed",
            field="given_names",
        )
    person = person_find_by_identity_number(identity_number)
    if person is None:
        return None
    if person.is_erased or person_is_shielded(person):
        event_record(
            "access_denied",
            person,
            by=by,
            request=request,
            outcome="denied",
            flagged=True,
            detail="person_identify",
        )
        raise ApplicationError(
            _("A concern about this youth cannot be raised here. Contact social services."),
            code="not_here",
            field="identity_number",
        )
    if not person_names_match(person, given_names=given_names, family_name=family_name):
        raise ApplicationError(
            _(
                "The identity number belongs to a person registered with other names. "
                "Check the number and the names."
            ),
            code="check_identity_number",
            field="identity_number",
        )
    return person


@dataclass(frozen=True)
class RegistrationWords:
    """What ``person_reach_for_registration`` says, in the programme's words."""

    names_needed: str
    not_here: str
    reason_needed: str
    check_names: str


def person_reach_for_registration(
    *, person, by, request, given_names, family_name, open_reason, words, detail
):
    """Whether ``by`` may register a case about ``person`` (found by identity
    number), reached exactly as the person's file would be.

    A person the user does not work with is reached only when the typed
    names fit and with a stated reason (``open_reason``); a person the user
    may not reach at all (shielded) is refused with ``words.not_here``,
    which names nothing, and the refusal is a flagged access-log event
    (``detail``: which registration). Returns True when the file must be
    opened with the reason once the case stands. Refusals are
    ApplicationError with ``code`` ``not_here``, ``names_needed``,
    ``check_identity_number`` or ``reason_needed``. Call it outside the
    registration's transaction, so that a refusal's event stays.
    """
    names_typed = bool(given_names.strip() and family_name.strip())
    access = person_access(user=by, person=person, session=getattr(request, "session", None))
    if access is PersonAccess.NONE:
        event_record(
            "access_denied",
            person,
            by=by,
            request=request,
            outcome="denied",
            flagged=True,
            detail=detail,
        )
        raise ApplicationError(str(words.not_here), field="identity_number", code="not_here")
    if access is not PersonAccess.ASSIGNED and not names_typed:
        raise ApplicationError(str(words.names_needed), field="given_names", code="names_needed")
    if names_typed and not person_names_match(
        person, given_names=given_names, family_name=family_name
    ):
        raise ApplicationError(
            str(words.check_names), field="identity_number", code="check_identity_number"
        )
    if access is PersonAccess.NEEDS_REASON:
        if not open_reason:
            raise ApplicationError(
                str(words.reason_needed), field="open_reason", code="reason_needed"
            )
        return True
    return False


def person_register_unassigned(*, by, request=None, identity_number, given_names, family_name):
    """Register a youth another programme's case is about (``person_identify``
    found nobody), with no responsible unit. The caller checks its own
    permission. Side effects: those of ``person_register``."""
    return _person_create(
        by=by,
        request=request,
        identity_number=identity_number,
        given_names=given_names,
        family_name=family_name,
        guardians=[],
        responsible_unit=None,
    )


def person_update(*, person, by, request=None, seen_version=None, identity_number=None, **values):
    """Change a person's details.

    ``seen_version`` is ``person_version`` as the user's form saw it; if
    someone saved since, ChangedMeanwhile is raised and nothing is
    written. Side effects: the row and a history row, name tokens, an
    access-log event naming the changed fields (not their values). Returns
    the names of the changed fields; nothing is written when nothing changed.
    """
    with transaction.atomic():
        # Lock the row, then compare: two workers editing at once must not
        # both win, and the second must learn who saved first.
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if seen_version is not None and person_version(locked) != seen_version:
            raise _changed_meanwhile(
                locked.history.order_by("-history_date").select_related("history_user").first()
            )
        changed = []
        for name in EDITABLE_FIELDS:
            if name in values and getattr(locked, name) != values[name]:
                setattr(locked, name, values[name])
                changed.append(name)
        if identity_number is not None:
            normalised = parse_identity_number(identity_number).digits12 if identity_number else ""
            if normalised != (locked.identity_number or ""):
                _set_identity_number(locked, identity_number)
                changed.append("identity_number")
        if not changed:
            return []
        locked.research_birthday_refresh()
        locked._history_user = by
        _save_person(locked)
        if {"given_names", "family_name"} & set(changed):
            locked.refresh_name_tokens()
        event_record("change", locked, by=by, request=request, detail=",".join(changed))
    return changed


def looks_like_identity_number(text):
    digits = [ch for ch in text if ch.isdigit()]
    return len(digits) >= 10 and all(ch.isdigit() or ch in " -+" for ch in text.strip())


def persons_search(*, by, request, text):
    """What a worker's search for ``text`` (a name, or an identity number) shows.

    Returns (the persons the user may open, a person of someone else's the
    user may open only with a reason, or None). By number: the one person,
    or nobody, and someone else's person is said to exist; a protected
    person of someone else's is not. By name: the user's own persons whose
    names have every word. Every person shown is logged as a read
    (``persons_record_search``). Refuses an invalid number (code
    ``invalid_identity_number``, field ``q``).
    """
    if not looks_like_identity_number(text):
        results = list(persons_search_for_user(user=by, text=text))
        persons_record_search(persons=results, by=by, request=request)
        return results, None
    try:
        person = person_find_by_identity_number(text)
    except ValidationError as error:
        raise ApplicationError(
            " ".join(error.messages), code="invalid_identity_number", field="q"
        ) from None
    access = person_access(user=by, person=person) if person else PersonAccess.NONE
    if person is not None and access is not PersonAccess.NONE:
        persons_record_search(persons=[person], by=by, request=request)
    # Someone else's person: say they exist, open only with a reason.
    outside = person if access is PersonAccess.NEEDS_REASON else None
    return ([person] if access is PersonAccess.ASSIGNED else []), outside


def persons_record_search(*, persons, by, request):
    """Log that a search showed these persons (their names are a read of the file).

    Side effects: one access-log event per person shown, written together
    (one INSERT, whatever the number of results).
    """
    access_events_record_many(
        actor=by,
        request=request,
        events=[
            {
                "action": "search",
                "object_type": PERSON_OBJECT,
                "object_id": str(person.pk),
                "person_ref": person.pk,
            }
            for person in persons
        ],
    )


def person_record_view(*, person, by, request, access):
    """Log that a file was opened; flagged when outside the user's assignment
    or when the person is shielded (protected identity or a protected case)."""
    reason = ""
    if access is PersonAccess.WITH_REASON:
        reason = request.session[OPENED_WITH_REASON][str(person.pk)]["reason"]
    event_record(
        "view",
        person,
        by=by,
        request=request,
        reason=reason,
        # A protected person's file is always for the auditors' queue.
        flagged=access is PersonAccess.WITH_REASON or person_is_shielded(person),
    )


def person_open_with_reason(*, person, by, request, reason):
    """Open a file outside one's assignment, for a while, with a stated reason.

    Side effects: a note in the session, a flagged access-log event.
    """
    opened = request.session.get(OPENED_WITH_REASON, {})
    opened[str(person.pk)] = {
        "expires": time.time() + settings.OPENED_WITH_REASON_MINUTES * 60,
        "reason": reason,
    }
    request.session[OPENED_WITH_REASON] = opened
    event_record("open_with_reason", person, by=by, request=request, reason=reason, flagged=True)


def person_erase(*, person, by, request=None):
    """Crypto-shred a person's data (retention, or a court order).

    Side effects: the person's data key and the key of every case about
    them are destroyed, the encrypted columns of their rows emptied (a
    history row each), blind indexes dropped, an access-log event. Nothing
    of the person can be read afterwards; categorical columns stay.
    """
    with transaction.atomic():
        person.erase(by=by)
        event_record("erase", person, by=by, request=request)
