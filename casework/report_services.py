"""Writes for under-15 reports, their contacts and journal.

Each service is atomic, checks the named permission, runs at most one
transition, saves, and writes the access-log event in the same transaction.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from audit.services import access_event_record
from casework.models import (
    AssessmentDecision,
    CloseReason,
    Contact,
    JournalEntry,
    ReportState,
    Under15Report,
)

REPORT_OBJECT = "casework.under15report"
JOURNAL_OBJECT = "casework.journalentry"
CONTACT_OBJECT = "casework.contact"

# The steps a worker can take, in order: transition method and the extra
# fields it needs.
STEPS = {
    "assess_protection": ("protection_needed",),
    "record_first_contact": (),
    "record_assessment": ("decision",),
    "start_investigation": (),
    "close_on_receipt": ("close_reason",),
    "close": ("close_reason",),
}


class ReportError(Exception):
    """A refused write; ``field`` names the form field, ``message`` is for the user."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def _may_take(method, instance, user):
    """The transition's named permission (the role) only.

    django-fsm's has_transition_perm() also checks the state and the
    conditions, before the user's answers are set: it would refuse every
    assessment and closing as PermissionDenied, and turn a report someone
    else moved into a 403 instead of TransitionNotAllowed.
    """
    return all(t.has_perm(instance, user) for t in method._django_fsm.transitions.values())


def age_in_years(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def open_reports_for_person(person):
    return Under15Report.objects.filter(person=person).exclude(state=ReportState.CLOSED)


def report_register(
    *,
    by,
    request=None,
    person,
    police_reference,
    offence_category,
    offence_date,
    received_at,
    district,
    summary="",
    linked_report=None,
):
    """Register a police report about a child under 15; the clock starts at ``received_at``.

    Side effects: the report and its history row, an access-log event. The
    registering worker is assigned; a manager can reassign.
    """
    if not by.has_perm("casework.register_report"):
        raise PermissionDenied
    if person.date_of_birth is None:
        raise ReportError(
            _("The person's date of birth is needed to check the age. Add it to the person."),
            field="identity_number",
        )
    today = timezone.localdate()
    if offence_date > today:
        raise ReportError(_("The offence date cannot be in the future."), field="offence_date")
    if received_at > timezone.now():
        raise ReportError(_("The report cannot have arrived in the future."), field="received_at")
    if timezone.localtime(received_at).date() < offence_date:
        raise ReportError(
            _("The report cannot have arrived before the offence."), field="received_at"
        )
    age = age_in_years(person.date_of_birth, offence_date)
    if age >= settings.UNDER15_MAX_AGE:
        raise ReportError(
            _(
                "The person was %(age)s at the offence. This workflow is for children "
                "under 15; register the matter as an ordinary report of concern."
            )
            % {"age": age},
            field="offence_date",
        )
    if by.unit_id is None:
        raise ReportError(_("You are not placed in a unit. Ask your administrator."))
    with transaction.atomic():
        report = Under15Report(
            person=person,
            unit_id=by.unit_id,
            assigned_to=by,
            police_reference=police_reference,
            offence_category=offence_category,
            offence_date=offence_date,
            received_at=received_at,
            district=district,
            age_at_offence=age,
            summary=summary,
            linked_report=linked_report,
            created_by=by,
        )
        report._history_user = by
        report.save()
        access_event_record(
            action="create",
            request=request,
            actor=by,
            object_type=REPORT_OBJECT,
            object_id=str(report.pk),
            person_ref=person.pk,
        )
    return report


def report_take_step(*, report, step, by, request=None, at=None, expected_state=None, **values):
    """Move the report one step (a transition), as ``by``, at time ``at``.

    ``expected_state`` is the state the user saw; if the report has moved
    since, TransitionNotAllowed or ConcurrentTransition is raised and nothing
    changes. Side effects: the report and a history row, an access-log event.
    """
    if step not in STEPS:
        raise ReportError(_("Unknown step."))
    method = getattr(report, step)
    if not _may_take(method, report, by):
        raise PermissionDenied
    at = at or timezone.now()
    if at > timezone.now():
        raise ReportError(_("The time cannot be in the future."), field="at")
    _check_answers(step, values)
    with transaction.atomic():
        # Work on the row as it is now, locked: a copy loaded earlier would
        # write back its stale fields (an assignment made meanwhile, say).
        # Under the lock, two requests for the same step are served one
        # after the other, and the second finds the state moved on.
        fresh = Under15Report.objects.select_for_update().get(pk=report.pk)
        if expected_state is not None and fresh.state != expected_state:
            raise TransitionNotAllowed(f"{fresh} is no longer {expected_state}")
        earliest = fresh.received_at
        for previous in (
            fresh.protection_assessed_at,
            fresh.first_contact_at,
            fresh.assessed_at,
            fresh.investigation_started_at,
        ):
            if previous and previous > earliest:
                earliest = previous
        if at < earliest:
            raise ReportError(
                _("The time cannot be before %(time)s, when the previous step was recorded.")
                % {"time": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M")},
                field="at",
            )
        for name in STEPS[step]:
            setattr(fresh, name, values.get(name))
        getattr(fresh, step)(by=by, at=at)
        fresh._history_user = by
        # ConcurrentTransitionMixin adds WHERE state = <old> to the UPDATE: a
        # belt to the lock's braces where select_for_update is a no-op (SQLite).
        fresh.save()
        access_event_record(
            action="transition",
            request=request,
            actor=by,
            object_type=REPORT_OBJECT,
            object_id=str(fresh.pk),
            person_ref=fresh.person_id,
            detail=step,
        )
    return fresh


def _check_answers(step, values):
    """The user's answers must be among the choices; anything else is refused."""
    fields = STEPS[step]
    if "protection_needed" in fields and not isinstance(values.get("protection_needed"), bool):
        raise ReportError(
            _("Answer whether there is an immediate need of protection."),
            field="protection_needed",
        )
    if "decision" in fields and values.get("decision") not in AssessmentDecision.values:
        raise ReportError(_("Choose a decision."), field="decision")
    if "close_reason" in fields and values.get("close_reason") not in CloseReason.values:
        raise ReportError(_("Choose a reason for closing."), field="close_reason")


def report_assign(*, report, to_user, by, request=None):
    """Assign the report to a worker of its unit. Side effects: history row, event."""
    if not by.has_perm("casework.assign_report") or by.unit_id != report.unit_id:
        raise PermissionDenied
    if to_user.unit_id != report.unit_id or not to_user.has_perm("casework.work_report"):
        raise ReportError(_("Choose a social worker in the report's unit."), field="assigned_to")
    with transaction.atomic():
        locked = Under15Report.objects.select_for_update().get(pk=report.pk)
        if locked.assigned_to_id == to_user.pk:
            return locked
        locked.assigned_to = to_user
        locked._history_user = by
        locked.save(update_fields=["assigned_to"])
        access_event_record(
            action="change",
            request=request,
            actor=by,
            subject_user=to_user,
            object_type=REPORT_OBJECT,
            object_id=str(locked.pk),
            person_ref=locked.person_id,
            detail="assigned_to",
        )
    return locked


def contact_record(*, case, by, request=None, occurred_at, kind, participants=""):
    """Log a contact (meeting, call, visit ...) against a case. Side effects: row, event."""
    if not by.has_perm("casework.add_contact"):
        raise PermissionDenied
    if occurred_at > timezone.now():
        raise ReportError(_("A contact cannot be in the future."), field="occurred_at")
    with transaction.atomic():
        contact = Contact(
            person_id=case.person_id,
            case_type=ContentType.objects.get_for_model(case),
            case_id=case.pk,
            occurred_at=occurred_at,
            kind=kind,
            participants=participants,
            created_by=by,
        )
        contact._history_user = by
        contact.save()
        access_event_record(
            action="create",
            request=request,
            actor=by,
            object_type=CONTACT_OBJECT,
            object_id=str(contact.pk),
            person_ref=case.person_id,
        )
    return contact


def journal_entry_write(*, case, by, request=None, text, contact=None, corrects=None):
    """A new draft note; with ``corrects``, a correction of a signed note."""
    if not by.has_perm("casework.write_journal"):
        raise PermissionDenied
    case_type = ContentType.objects.get_for_model(case)
    if corrects is not None:
        # As stored now: the caller's copy may predate the signing.
        corrects = JournalEntry.objects.get(pk=corrects.pk)
    for linked in (corrects, contact):
        if linked is not None and (linked.case_type_id, linked.case_id) != (case_type.pk, case.pk):
            raise PermissionDenied  # a note belongs to the case of what it refers to
    if corrects is not None and not corrects.is_signed:
        raise ReportError(_("Only a signed note is corrected; edit the draft instead."))
    with transaction.atomic():
        entry = JournalEntry(
            person_id=case.person_id,
            case_type=ContentType.objects.get_for_model(case),
            case_id=case.pk,
            contact=contact,
            text=text,
            corrects=corrects,
            created_by=by,
        )
        entry._history_user = by
        entry.save()
        access_event_record(
            action="create",
            request=request,
            actor=by,
            object_type=JOURNAL_OBJECT,
            object_id=str(entry.pk),
            person_ref=case.person_id,
            detail="correction" if corrects else "",
        )
    return entry


def journal_entry_edit(*, entry, by, request=None, text):
    """Change a draft. A signed note is never edited: write a correction."""
    with transaction.atomic():
        locked = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.is_signed:
            raise ReportError(
                _("The note is signed and cannot be changed. Write a correction instead.")
            )
        if locked.created_by_id != by.pk:
            raise PermissionDenied
        locked.text = text
        locked.updated_at = timezone.now()
        locked._history_user = by
        locked.save()
        access_event_record(
            action="change",
            request=request,
            actor=by,
            object_type=JOURNAL_OBJECT,
            object_id=str(locked.pk),
            person_ref=locked.person_id,
        )
    return locked


def journal_entry_sign(*, entry, by, request=None):
    """Sign a draft: from now on it is never edited. Side effects: history, event."""
    if entry.created_by_id != by.pk or not _may_take(entry.sign, entry, by):
        raise PermissionDenied
    with transaction.atomic():
        # Sign the note as stored now, not a copy from before the last edit.
        entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        entry.sign(by=by, at=timezone.now())
        entry._history_user = by
        entry.save()
        access_event_record(
            action="transition",
            request=request,
            actor=by,
            object_type=JOURNAL_OBJECT,
            object_id=str(entry.pk),
            person_ref=entry.person_id,
            detail="sign",
        )
    return entry
