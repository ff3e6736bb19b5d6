from audit.models import AccessEvent


def access_events_search(
    *, actor_username=None, person_ref=None, since=None, until=None, flagged=None
):
    """Events matching every given filter, newest first.

    ``since`` is inclusive and ``until`` exclusive (aware datetimes).
    ``actor_username`` matches the username as it was when the event was
    written. ``flagged=None`` means flagged or not.
    """
    events = AccessEvent.objects.all()
    if actor_username:
        events = events.filter(actor_username=actor_username)
    if person_ref is not None:
        events = events.filter(person_ref=person_ref)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    if flagged is not None:
        events = events.filter(flagged=flagged)
    return events.order_by("-occurred_at", "-id")
