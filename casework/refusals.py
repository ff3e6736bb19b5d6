"""The service that logs a refused object, for every concept's views."""

from audit.services import access_event_record


def object_refusal_record(*, by, request, object_type, object_id):
    """Log that ``by`` asked for an object they may not reach (a guessed id, an
    old link). Side effects: a denied access-log event."""
    access_event_record(
        action="access_denied",
        request=request,
        actor=by,
        object_type=object_type,
        object_id=str(object_id),
        outcome="denied",
    )
