"""Retention runs and legal holds: the writes of this app."""

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import ApplicationError
from casework.events import event_record
from casework.persons.models import Person
from retention.models import Erasure, HoldReason, LegalHold
from retention.selectors import persons_due, persons_without_research_bit

RESEARCH_BIT_BATCH = 500


@dataclass(frozen=True)
class DueFile:
    """One file a run found due: nothing that identifies the person but their reference."""

    person_id: uuid.UUID
    reference: str
    rule: str
    last_entry_at: object


@dataclass
class RunResult:
    run: uuid.UUID
    due: list
    erased: int = 0


def research_bits_fill():
    """Work out ``born_on_research_day`` for persons registered before it
    existed (their date of birth is decrypted, one batch at a time).

    Returns how many persons were filled in. Not an erasure, so a dry run
    does it too: otherwise it could not tell what a real run would keep.
    """
    filled = 0
    while True:
        batch = list(persons_without_research_bit().order_by("pk")[:RESEARCH_BIT_BATCH])
        if not batch:
            return filled
        for person in batch:
            person.research_birthday_refresh()
            # The row is tracked; its history row records the derived bit only.
            person._history_user = None
            person.save(update_fields=["born_on_research_day"])
        filled += len(batch)


def retention_run(*, at=None, dry_run=False):
    """Find the files due for erasure at ``at`` (now) and, unless ``dry_run``,
    erase each by crypto-shredding.

    Each file is erased in a transaction of its own, after checking under a
    row lock that it is still due (a hold placed or an entry made since the
    list was read keeps it). Side effects per file: the person's data key and
    every case key destroyed (Person.erase: ciphertext, history rows and blind
    indexes), a tombstone (Erasure), an access-log event. Returns RunResult.
    """
    at = at or timezone.now()
    research_bits_fill()
    result = RunResult(run=uuid.uuid4(), due=[])
    for row in persons_due(at=at).values("pk", "rule", "last_entry_at").iterator():
        result.due.append(
            DueFile(
                person_id=row["pk"],
                reference=str(row["pk"])[:8].upper(),
                rule=row["rule"],
                last_entry_at=row["last_entry_at"],
            )
        )
    if dry_run:
        return result
    for due in result.due:
        if _erase_if_still_due(due, at=at, run=result.run):
            result.erased += 1
    return result


def _erase_if_still_due(due, *, at, run):
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=due.person_id).first()
        if person is None or person.is_erased:
            return False
        still = persons_due(at=at).filter(pk=person.pk).values("rule", "last_entry_at").first()
        if still is None:
            return False
        person.erase(by=None)
        Erasure.objects.create(
            person=person,
            rule=still["rule"],
            last_entry_at=still["last_entry_at"],
            erased_at=timezone.now(),
            run=run,
        )
        event_record("erase", person, by=None, request=None, detail=f"retention:{still['rule']}")
    return True


def legal_hold_place(*, person, by, reason, note="", request=None):
    """Stop the erasure of ``person``'s file. Refuses a second active hold.

    Side effects: the hold and its history row, an access-log event.
    """
    if reason not in HoldReason.values:
        raise ApplicationError(_("Choose a reason for the hold."), field="reason")
    if reason == HoldReason.OTHER and not note.strip():
        raise ApplicationError(_("Explain the hold in the note."), field="note")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.is_erased:
            raise ApplicationError(_("This file has already been erased."))
        if LegalHold.objects.filter(person=locked, lifted_at__isnull=True).exists():
            raise ApplicationError(_("This file is already on legal hold."), code="held")
        hold = LegalHold(person=locked, reason=reason, note=note.strip() or None, placed_by=by)
        hold._history_user = by
        hold.save()
        event_record("create", hold, by=by, request=request, detail=f"legal_hold:{reason}")
    return hold


def legal_hold_lift(*, hold, by, request=None):
    """Lift a hold: the file falls due again under its rule.

    Side effects: the hold's lifted columns and a history row, an access-log event.
    """
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if locked.lifted_at is not None:
            return locked
        locked.lifted_at = timezone.now()
        locked.lifted_by = by
        locked._history_user = by
        locked.save(update_fields=["lifted_at", "lifted_by"])
        event_record("change", locked, by=by, request=request, detail="legal_hold_lifted")
    return locked
