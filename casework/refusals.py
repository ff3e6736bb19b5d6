"""The service that logs a refused object, for every concept's views."""

from django.http import Http404

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


def object_refused(request, obj):
    """Log that the user may see ``obj`` but not the part of it they asked for
    (its documents without consent, a form they may not use), then 404."""
    object_refusal_record(
        by=request.user, request=request, object_type=obj._meta.label_lower, object_id=obj.pk
    )
    raise Http404
