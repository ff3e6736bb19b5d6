"""Writes for contacts and journal notes, on any programme's case.

A case is any model with ``person_id`` and ``data_key_id`` (the notes are
sealed under the case's key). Each service is atomic, checks the named
permission, and writes the access-log event in the same transaction.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import ApplicationError
from casework.events import event_record
from casework.fsm import may_take
from casework.journal.models import Contact, ContactKind, JournalEntry

JOURNAL_OBJECT = "casework.journalentry"
CONTACT_OBJECT = "casework.contact"


def journal_entry_record_view(*, entry, by, request):
    """Log that a page showed a journal note's text. Side effects: an access-log event."""
    event_record("view", entry, by=by, request=request)


def contact_record(*, case, by, request=None, occurred_at, kind, participants=""):
    """Log a contact (meeting, call, visit ...) against a case. Side effects: row, event."""
    if not by.has_perm("casework.add_contact"):
        raise PermissionDenied
    if occurred_at > timezone.now():
        raise ApplicationError(_("A contact cannot be in the future."), field="occurred_at")
    if kind not in ContactKind.values:
        raise ApplicationError(_("Choose the kind of contact."), field="kind")
    with transaction.atomic():
        contact = _case_record_create(
            Contact,
            case=case,
            by=by,
            occurred_at=occurred_at,
            kind=kind,
            participants=participants,
        )
        event_record("create", contact, by=by, request=request)
    return contact


def _case_record_create(model, *, case, by, **values):
    """Save a new contact or note of ``case``, sealed under the case's key,
    with its history row."""
    record = model(
        person_id=case.person_id,
        data_key_id=case.data_key_id,
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        created_by=by,
        **values,
    )
    record._history_user = by
    record.save()
    return record


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
        raise ApplicationError(_("Only a signed note is corrected; edit the draft instead."))
    with transaction.atomic():
        entry = _case_record_create(
            JournalEntry, case=case, by=by, contact=contact, text=text, corrects=corrects
        )
        event_record(
            "create", entry, by=by, request=request, detail="correction" if corrects else ""
        )
    return entry


def contact_record_with_note(*, case, by, request=None, note="", **contact):
    """Log a contact and, if ``note`` is given, its journal note (a draft), together."""
    with transaction.atomic():
        logged = contact_record(case=case, by=by, request=request, **contact)
        if note:
            journal_entry_write(case=case, by=by, request=request, text=note, contact=logged)
    return logged


def journal_entry_revise(*, case, entry, by, request=None, text):
    """Change a draft; a signed note gets a correction, a new draft that points to it."""
    if entry.is_signed:
        return journal_entry_write(case=case, by=by, request=request, text=text, corrects=entry)
    return journal_entry_edit(entry=entry, by=by, request=request, text=text)


def journal_entry_edit(*, entry, by, request=None, text):
    """Change a draft. A signed note is never edited: write a correction."""
    with transaction.atomic():
        locked = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.is_signed:
            raise ApplicationError(
                _("The note is signed and cannot be changed. Write a correction instead.")
            )
        if locked.created_by_id != by.pk:
            raise PermissionDenied
        locked.text = text
        locked.updated_at = timezone.now()
        locked._history_user = by
        locked.save()
        event_record("change", locked, by=by, request=request)
    return locked


def journal_entry_sign(*, entry, by, request=None):
    """Sign a draft: from now on it is never edited. Side effects: history, event."""
    if entry.created_by_id != by.pk or not may_take(entry.sign, entry, by):
        raise PermissionDenied
    with transaction.atomic():
        # Sign the note as stored now, not a copy from before the last edit.
        entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        entry.sign(by=by, at=timezone.now())
        entry._history_user = by
        entry.save()
        event_record("transition", entry, by=by, request=request, detail="sign")
    return entry
