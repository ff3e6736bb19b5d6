"""Senders and their tokens, and receiving a police notification from one.

A notification becomes an under-15 report the way the CSV import makes one
(casework/reports/imports.py), for a system instead of a worker: the
report lands in the sender's receiving unit, unassigned, for a unit manager
to assign (the unit's list shows unassigned reports first); it is
recognised by the import's keyed hash of identity number and police
reference, so a notification sent again, through the API or the import,
makes nothing twice. The rules are casework's: the registration form's
checks run in the API layer, ``report_values_check`` here, and the person is
found or registered as for any reporter who never sees the file
(``person_identify``, ``person_register_unassigned``).
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import access_event_record, security_event_record
from casework.errors import ApplicationError
from casework.events import event_record
from casework.persons import services as person_services
from casework.persons.identity_numbers import parse_identity_number
from casework.reports.deadlines import report_deadline
from casework.reports.imports import report_import_key
from casework.reports.models import ReportSource, Under15Report
from casework.reports.services import (
    guardians_add,
    open_reports_in_unit,
    report_values_check,
)
from intake.models import IntakeSender
from vault.keyring import blind_index
from vault.models import DataKey

TOKEN_INDEX = "intake-token"
# A recognisable prefix, so a token pasted where it does not belong is found
# by secret scanners.
TOKEN_PREFIX = "trygg_intake_"
# The access log's ``detail`` of every API call (technical words, never personal data).
DETAIL = "police_api"
SENDER_OBJECT = "intake.intakesender"


def token_digest(token):
    """The keyed hash a token is stored and looked up by (never the token itself)."""
    return blind_index(TOKEN_INDEX, token)


def _token_new():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def intake_sender_create(*, name, unit):
    """Make a sender receiving into ``unit``; returns (the sender, its token).

    The token is returned once and stored only as its keyed hash. Side
    effects: the sender's service account (inactive, no password, no role)
    and a ``user_created`` security event, the sender and its history row.
    """
    name = name.strip()
    if not name:
        raise ApplicationError(_("Name the sending system."), field="name")
    if IntakeSender.objects.filter(name=name).exists():
        raise ApplicationError(_("There is already a sender with this name."), field="name")
    token = _token_new()
    with transaction.atomic():
        account = get_user_model()(
            username=f"intake-{slugify(name) or secrets.token_hex(4)}"[:150],
            first_name=name[:150],
            is_active=False,
        )
        account.set_unusable_password()
        account.save()
        security_event_record(action="user_created", subject_user=account, reason=DETAIL)
        sender = IntakeSender.objects.create(
            name=name, unit=unit, account=account, token_hash=token_digest(token)
        )
    return sender, token


def intake_sender_token_replace(*, sender):
    """Give ``sender`` a new token; the old one stops working. Returns the new token.

    Side effects: the sender's token hash and a history row.
    """
    token = _token_new()
    with transaction.atomic():
        locked = IntakeSender.objects.select_for_update().get(pk=sender.pk)
        locked.token_hash = token_digest(token)
        locked.save(update_fields=["token_hash"])
    return token


def intake_sender_for_token(token):
    """The sender ``token`` belongs to, active or not; None for no sender."""
    if not token or len(token) > 200:
        return None
    return (
        IntakeSender.objects.filter(token_hash=token_digest(token))
        .select_related("account", "unit")
        .first()
    )


def intake_call_refused_record(*, request, sender, why):
    """Log a call refused before it reached an operation (no token, a bad one,
    an inactive sender): flagged, for the auditors. Side effects: one event."""
    event_record_for_sender(
        "access_denied",
        request=request,
        sender=sender,
        object_type=SENDER_OBJECT,
        object_id=str(sender.pk) if sender else "",
        outcome="denied",
        flagged=True,
        detail=f"{DETAIL}:{why}",
    )


def event_record_for_sender(action, *, request, sender, **fields):
    """An access-log event of an API call. The actor is the sender's service
    account, or nobody when the caller is not known (a bad token)."""
    access_event_record(
        action=action,
        request=request,
        # access_event_record would take the request's user otherwise (anonymous).
        actor=sender.account if sender else None,
        **fields,
    )


@dataclass(frozen=True)
class Receipt:
    report: Under15Report
    # False when the notification had been received before (a replay).
    created: bool

    @property
    def reference(self):
        return self.report.reference


def notification_receive(
    *,
    sender,
    request=None,
    identity_number,
    given_names,
    family_name,
    police_reference,
    offence_category,
    offence_date,
    received_at,
    district,
    summary="",
    guardians=(),
):
    """Receive one police notification from ``sender``; returns a Receipt.

    The values are those of a valid ``ReportRegistrationForm`` (the API layer
    checks them with it). A notification received before (the same child and
    police reference, from any sender or the import) returns its report and
    writes nothing but the call's event; so does the second of two sent at
    once (a unique column decides, not only the check). A person not yet
    registered is registered without a responsible unit (the report's unit
    reaches them through it); a protected person, or one whose registered
    names differ, is refused (``person_identify``: a message that names
    nothing, a flagged event). ``guardians`` not yet on the file are added.

    Refusals are ApplicationError (``code`` ``not_here``,
    ``check_identity_number``, ``names_needed`` or that of
    ``report_values_check``). Side effects: those of person_register_unassigned
    and person_update; the report, its data key and history row, an
    access-log event.
    """
    number = parse_identity_number(identity_number)
    key = report_import_key(number.digits12, police_reference)
    if (found := _received_before(key)) is not None:
        return _replayed(found, sender=sender, request=request)
    report_values_check(born=number.birth_date, offence_date=offence_date, received_at=received_at)
    by = sender.account
    # Outside the transaction: a refusal's access-log event must stay.
    person = person_services.person_identify(
        by=by,
        request=request,
        identity_number=number.digits12,
        given_names=given_names,
        family_name=family_name,
    )
    try:
        with transaction.atomic():
            if person is None:
                person = person_services.person_register_unassigned(
                    by=by,
                    request=request,
                    identity_number=number.digits12,
                    given_names=given_names,
                    family_name=family_name,
                )
            guardians_add(person=person, guardians=guardians, by=by, request=request)
            age = report_values_check(
                born=person.date_of_birth or number.birth_date,
                offence_date=offence_date,
                received_at=received_at,
            )
            report = Under15Report(
                data_key=DataKey.create(DataKey.Purpose.CASE),
                person=person,
                unit=sender.unit,
                # Unassigned: the unit manager assigns it.
                assigned_to=None,
                source=ReportSource.POLICE_UNDER15,
                police_reference=police_reference,
                offence_category=offence_category,
                offence_date=offence_date,
                received_at=received_at,
                district=district,
                age_at_offence=age,
                summary=summary,
                linked_report=open_reports_in_unit(person=person, unit=sender.unit).first(),
                import_key=key,
                created_by=by,
            )
            report.set_deadline(report_deadline(report))
            report._history_user = by
            report.save()
            event_record("create", report, by=by, request=request, detail=DETAIL)
    except (IntegrityError, ApplicationError) as error:
        # Sent twice at once: the other request's person or report stands
        # (a new person's unique identity number is refused as already
        # registered; a report's import key as a duplicate).
        code = getattr(error, "code", "already_registered")
        if code == "already_registered" and (found := _received_before(key)) is not None:
            return _replayed(found, sender=sender, request=request)
        raise
    return Receipt(report, created=True)


def _received_before(key):
    return Under15Report.objects.filter(import_key=key).first()


def _replayed(report, *, sender, request):
    event_record_for_sender(
        "view",
        request=request,
        sender=sender,
        object_type=report._meta.label_lower,
        object_id=str(report.pk),
        person_ref=report.person_id,
        detail=f"{DETAIL}:replay",
    )
    return Receipt(report, created=False)


def notification_refused_record(*, request, sender, why):
    """Log a notification refused for its content (``why``: the fields at
    fault or the refusal's code; never their values). Side effects: one event."""
    event_record_for_sender(
        "create",
        request=request,
        sender=sender,
        object_type=Under15Report._meta.label_lower,
        outcome="denied",
        detail=f"{DETAIL}:refused:{why}"[:200],
    )


def notification_receipt_get(*, sender, request, report_id):
    """The report ``sender`` itself sent with id ``report_id``, or None; nothing
    else is ever found (another sender's report, the import's, a worker's).

    Side effects: a ``view`` event, or a flagged ``access_denied`` naming the
    id asked for.
    """
    report = Under15Report.objects.filter(
        pk=report_id, created_by=sender.account, erased_at__isnull=True
    ).first()
    if report is None:
        event_record_for_sender(
            "access_denied",
            request=request,
            sender=sender,
            object_type=Under15Report._meta.label_lower,
            object_id=str(report_id),
            outcome="denied",
            flagged=True,
            detail=f"{DETAIL}:receipt",
        )
        return None
    event_record_for_sender(
        "view",
        request=request,
        sender=sender,
        object_type=report._meta.label_lower,
        object_id=str(report.pk),
        person_ref=report.person_id,
        detail=f"{DETAIL}:receipt",
    )
    return report
