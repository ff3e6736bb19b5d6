"""Security events.

Until the hash-chained access log lands (issue 3), events go to the
``trygg.security`` logger with pseudonymous ids only: user ids, never names
or typed usernames.
"""

import logging

logger = logging.getLogger("trygg.security")


def client_address(request):
    # REMOTE_ADDR is set by gunicorn from the connection; a proxy in front
    # must be configured to pass the real one (see README).
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def security_event_record(
    *, action, request=None, actor=None, subject_user=None, outcome="ok", reason=""
):
    """Record a sign-in or account event. Side effects: one log line."""
    logger.info(
        "security_event action=%s outcome=%s actor=%s subject_user=%s address=%s reason=%s",
        action,
        outcome,
        getattr(actor, "pk", None),
        getattr(subject_user, "pk", None),
        client_address(request),
        reason,
    )
