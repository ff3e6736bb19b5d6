"""What reading the access log writes to it: the auditors are logged too."""

from audit.models import Action
from audit.services import access_event_record

LOG_OBJECT = "audit.accessevent"


def access_log_use_record(*, action, by, request, person_ref):
    """Log that an auditor searched the log by a person's identity number
    (``Action.SEARCH``) or exported events (``Action.EXPORT``); ``person_ref``:
    the person searched for, or None. Side effects: an access-log event
    naming the person by ref only."""
    if action not in (Action.SEARCH, Action.EXPORT):
        raise ValueError(f"not a use of the log: {action}")
    access_event_record(
        action=action, request=request, actor=by, object_type=LOG_OBJECT, person_ref=person_ref
    )


REVIEW_REPORT_OBJECT = "audit.reviewitem"


def review_report_export_record(*, by, request, month):
    """Log that an auditor downloaded the monthly review report (``month``:
    "2026-11"). Counts only, but an export like any other. Side effects: an
    ``export`` access event, which enters the review queue as every export does."""
    access_event_record(
        action=Action.EXPORT,
        request=request,
        actor=by,
        object_type=REVIEW_REPORT_OBJECT,
        detail=f"review_report {month}",
    )
