"""Subject access: registering a request, reading and withholding, export, delivery.

Each step writes the access log (casework.events.event_record) in the same
transaction as its rows.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.disclosures.services import disclosure_record
from casework.errors import ApplicationError
from casework.events import event_record
from casework.persons.selectors import person_find_by_identity_number
from casework.persons.services import PERSON_OBJECT, persons_record_search
from casework.refusals import object_refusal_record
from subject_access.collect import item_keys, person_file_collect, withheld_applied
from subject_access.models import (
    DeliveryMethod,
    RequestState,
    SubjectAccessRequest,
    Withholding,
    WithholdingGround,
    one_month_after,
)
from subject_access.selectors import person_for_subject_access_get


def subject_access_person_find(*, by, identity_number, request=None):
    """The person with this identity number whose file ``by``'s unit answers
    for (``selectors.person_for_subject_access_get``'s rule).

    Refuses (ApplicationError, field ``identity_number``) an invalid number,
    and a number of nobody the unit answers for, in words that do not say
    whether someone else's file exists. Side effect: an access-log event
    (search) for the person found; a refused lookup of an existing person is
    logged as a denied access.
    """
    try:
        person = person_find_by_identity_number(identity_number)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="identity_number") from None
    found = None
    if person is not None:
        try:
            found = person_for_subject_access_get(user=by, pk=person.pk)
        except Http404:
            object_refusal_record(
                by=by, request=request, object_type=PERSON_OBJECT, object_id=person.pk
            )
    if found is None:
        raise ApplicationError(
            _("No file that your unit answers for has this identity number."),
            field="identity_number",
        )
    persons_record_search(persons=[found], by=by, request=request)
    return found


def subject_access_request_register(*, person, by, received_on, note="", request=None):
    """Register that ``person`` asked for their data on ``received_on``.

    Side effects: the request and its history row (due one month later), an
    access-log event (create).
    """
    if received_on > timezone.localdate():
        raise ApplicationError(
            _("A request cannot be received in the future."), field="received_on"
        )
    with transaction.atomic():
        subject_access_request = SubjectAccessRequest(
            person=person,
            received_on=received_on,
            due_on=one_month_after(received_on),
            note=note.strip() or None,
            registered_by=by,
            handled_by=by,
        )
        subject_access_request._history_user = by
        subject_access_request.save()
        event_record(
            "create", subject_access_request, by=by, request=request, detail="subject_access"
        )
    return subject_access_request


def _withholdings(subject_access_request):
    return list(subject_access_request.withholdings.select_related("decided_by"))


def subject_access_file_read(*, subject_access_request, by, request=None):
    """The person's whole file, decrypted, with withheld items marked.

    Side effect: an access-log event (view, flagged: the whole file is read).
    """
    sections = person_file_collect(subject_access_request.person)
    event_record(
        "view",
        subject_access_request.person,
        by=by,
        request=request,
        detail="subject_access",
        flagged=True,
    )
    return withheld_applied(sections, _withholdings(subject_access_request))


def _locked_open(subject_access_request):
    locked = SubjectAccessRequest.objects.select_for_update().get(pk=subject_access_request.pk)
    if not locked.is_open:
        raise ApplicationError(
            _("The request has been %(state)s; nothing more can be changed.")
            % {"state": locked.get_state_display().lower()},
            code="not_open",
        )
    locked.person = subject_access_request.person
    return locked


def item_withhold(*, subject_access_request, by, item_key, ground, note="", request=None):
    """Withhold one item of the export under secrecy.

    Side effects: the withholding and its history row, an access-log event
    (change, detail subject_access_withheld).
    """
    if ground not in WithholdingGround.values:
        raise ApplicationError(_("Choose the legal ground."), field="ground")
    if ground == WithholdingGround.OTHER and not note.strip():
        raise ApplicationError(_("Explain which provision applies."), field="note")
    with transaction.atomic():
        locked = _locked_open(subject_access_request)
        if item_key not in item_keys(person_file_collect(locked.person)):
            raise ApplicationError(_("There is no such item in the file."), code="no_such_item")
        if locked.withholdings.filter(item_key=item_key).exists():
            raise ApplicationError(_("The item is already withheld."), code="already_withheld")
        withholding = Withholding(
            request=locked,
            item_key=item_key,
            ground=ground,
            note=note.strip() or None,
            decided_by=by,
        )
        withholding._history_user = by
        withholding.save()
        event_record("change", locked, by=by, request=request, detail="subject_access_withheld")
    return withholding


def subject_access_document(*, subject_access_request, by, form, request=None):
    """The export as a plain structure (the JSON file; the print view renders it).

    ``form`` is "json" or "print". Side effect: an access-log event (export).
    """
    person = subject_access_request.person
    sections = withheld_applied(person_file_collect(person), _withholdings(subject_access_request))
    event_record(
        "export", subject_access_request, by=by, request=request, detail=f"subject_access_{form}"
    )
    return {
        "kind": "subject_access",
        "person": person.reference,
        "request": str(subject_access_request.pk),
        "received_on": subject_access_request.received_on.isoformat(),
        "due_on": subject_access_request.due_on.isoformat(),
        "produced_at": timezone.localtime().isoformat(timespec="minutes"),
        "produced_by": by.get_full_name() or by.get_username(),
        "sections": sections,
    }


def subject_access_deliver(*, subject_access_request, by, method, request=None):
    """Mark the request delivered to the person.

    Side effects: the request's state and its history row, an access-log
    event (change, detail subject_access_delivered), and the disclosure log
    (casework.disclosures), whose own event is an export.
    """
    if method not in DeliveryMethod.values:
        raise ApplicationError(_("Choose how it was delivered."), field="method")
    with transaction.atomic():
        locked = _locked_open(subject_access_request)
        person = locked.person
        sections = withheld_applied(person_file_collect(person), _withholdings(locked))
        items = [item for section in sections for item in section["items"]]
        withheld = sum(1 for item in items if item["withheld"])
        locked.state = RequestState.DELIVERED
        locked.delivered_at = timezone.now()
        locked.delivery_method = method
        locked.handled_by = by
        locked._history_user = by
        locked.save(update_fields=["state", "delivered_at", "delivery_method", "handled_by"])
        event_record("change", locked, by=by, request=request, detail="subject_access_delivered")
        disclosure_record(
            person=person,
            by=by,
            kind="subject_access",
            recipient=_("The person themselves (%(method)s)")
            % {"method": locked.get_delivery_method_display().lower()},
            legal_ground="subject_access",
            content=_("Subject access copy: %(shown)s items, %(withheld)s withheld.")
            % {"shown": len(items) - withheld, "withheld": withheld},
            request=request,
        )
    return locked
