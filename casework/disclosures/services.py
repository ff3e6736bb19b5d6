"""Recording a disclosure: called by every path through which data leaves the system."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.disclosures.models import Disclosure, DisclosureKind, LegalGround
from casework.errors import ApplicationError
from casework.events import event_record


def disclosure_record(
    *,
    person,
    by,
    kind,
    recipient,
    legal_ground,
    content,
    decided_by=None,
    disclosed_at=None,
    request=None,
):
    """Record that data about ``person`` left the system.

    ``decided_by`` is who decided (by default ``by``, who records it).
    Side effects: the disclosure and its history row, an access-log event
    (action export: data left the system), in the caller's transaction.
    """
    if kind not in DisclosureKind.values:
        raise ApplicationError(_("Choose what kind of disclosure it was."), field="kind")
    if legal_ground not in LegalGround.values:
        raise ApplicationError(_("Choose the legal ground."), field="legal_ground")
    if not (recipient or "").strip():
        raise ApplicationError(_("Name the recipient."), field="recipient")
    if not (content or "").strip():
        raise ApplicationError(_("Say what was disclosed."), field="content")
    disclosed_at = disclosed_at or timezone.now()
    if disclosed_at > timezone.now():
        raise ApplicationError(_("A disclosure cannot be in the future."), field="disclosed_at")
    with transaction.atomic():
        disclosure = Disclosure(
            person=person,
            kind=kind,
            legal_ground=legal_ground,
            recipient=recipient.strip(),
            content=content.strip(),
            decided_by=decided_by or by,
            disclosed_at=disclosed_at,
            recorded_by=by,
        )
        disclosure._history_user = by
        disclosure.save()
        event_record("export", disclosure, by=by, request=request, detail=f"disclosure:{kind}")
    return disclosure
