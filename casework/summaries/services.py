"""What a summary writes: only the access-log event that it was shown."""

from audit.services import access_event_record


def summary_viewed(request, *, object_type, detail):
    """Log that a summary (or its export) was shown: no person in it, but who
    looked at what is still the log's business. Side effects: one event."""
    access_event_record(
        action="view", request=request, object_type=object_type, object_id="", detail=detail
    )
