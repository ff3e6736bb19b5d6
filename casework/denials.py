"""One way to refuse an object: log the attempt, then answer 404."""

from django.http import Http404

from audit.services import access_event_record


def load_or_refuse(request, *, object_type, pk, load):
    """``load()`` the object; if it raises Http404, log a denied access first.

    404 rather than 403, so a guessed id does not confirm that something
    exists; the log still shows who guessed.
    """
    try:
        return load()
    except Http404:
        access_event_record(
            action="access_denied",
            request=request,
            actor=request.user,
            object_type=object_type,
            object_id=str(pk),
            outcome="denied",
        )
        raise
