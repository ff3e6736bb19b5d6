"""The access-log event of a casework service, about one object."""

from audit.services import access_event_record


def event_record(action, obj, *, by, request, **details):
    """Log ``action`` by ``by`` on ``obj`` (a person, a case, a contact or note,
    or an object about nobody, such as a meeting).

    The event's object type and id follow from ``obj``, and so does whom it
    concerns: the person, the person of the case or record, or nobody. ``details``:
    the rest of ``access_event_record``'s fields (reason, flagged, detail ...).
    """
    access_event_record(
        action=action,
        request=request,
        actor=by,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        person_ref=obj.pk if obj._meta.model_name == "person" else getattr(obj, "person_id", None),
        **details,
    )
