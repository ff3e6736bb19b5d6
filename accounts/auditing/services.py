"""What reading the access log writes to it: the auditors are logged too."""

from audit.models import Action
from audit.services import access_event_record

LOG_OBJECT = "audit.accessevent"


def access_log_search_record(*, by, request, person_ref):
    """Log that an auditor searched the log by a person's identity number.
    Side effects: an access-log event naming the person by ref only."""
    access_event_record(
        action=Action.SEARCH,
        request=request,
        actor=by,
        object_type=LOG_OBJECT,
        person_ref=person_ref,
    )


def access_log_export_record(*, by, request, person_ref):
    """Log that an auditor exported events (``person_ref``: the person searched
    for, or None). Side effects: an access-log event."""
    access_event_record(
        action=Action.EXPORT,
        request=request,
        actor=by,
        object_type=LOG_OBJECT,
        person_ref=person_ref,
    )
