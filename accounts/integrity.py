"""Stored data that does not verify, seen from a request (vault/integrity.py).

Each value that does not verify is recorded once per request: a flagged
``integrity_failed`` access event naming table, column and row (never the
value) and an error line in the security log for monitoring. A read that
cannot be shown with a placeholder ends the request with the integrity page:
the file's data could not be verified and the system administrator has been
told. The rest of the site, ``/health/`` included, is unaffected.

Here rather than in vault or audit, which use none of ours: this is where
both are known, and where the request's user is.
"""

import contextvars
import logging

from django.dispatch import receiver
from django.shortcuts import render

from audit.models import Action, Outcome
from audit.services import access_event_record
from vault.integrity import value_unverifiable
from vault.models import DecryptionFailed

logger = logging.getLogger("trygg.security")
_request = contextvars.ContextVar("trygg_integrity_request", default=None)
# Conflict: the stored data conflicts with its seal. Not a 500: the server did
# what it should, and a 5xx would read as an outage to monitoring.
STATUS = 409


def _person_ref(instance):
    person_id = getattr(instance, "person_id", None)
    if person_id is not None:
        return person_id
    # A person's own row: its id is the person reference.
    return instance.pk if instance._meta.model_name == "person" else None


@receiver(value_unverifiable, dispatch_uid="accounts.integrity.value_unverifiable_record")
def value_unverifiable_record(sender, *, instance, field, row, problem, **kwargs):
    request = _request.get()
    where = (instance._meta.db_table, field.column, str(row))
    if request is not None:
        seen = request.__dict__.setdefault("_integrity_failures", set())
        if where in seen:
            return
        seen.add(where)
    logger.error(
        "integrity_failed table=%s column=%s row=%s user=%s problem=%s",
        *where,
        getattr(getattr(request, "user", None), "pk", None),
        problem,
    )
    access_event_record(
        action=Action.INTEGRITY_FAILED,
        request=request,
        object_type=instance._meta.label_lower,
        object_id=row,
        person_ref=_person_ref(instance),
        detail=f"{where[0]}.{where[1]}",
        outcome=Outcome.DENIED,
        flagged=True,
    )


def integrity_page(request):
    return render(request, "integrity.html", status=STATUS)


class IntegrityMiddleware:
    """Knows the request for the receiver; turns DecryptionFailed into the integrity page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, DecryptionFailed):
            # The view's transaction is rolled back by now; this event stays.
            if not request.__dict__.get("_integrity_failures"):
                logger.error(
                    "integrity_failed path_kind=%s user=%s problem=%s",
                    getattr(request.resolver_match, "view_name", ""),
                    getattr(request.user, "pk", None),
                    exception,
                )
            access_event_record(
                action=Action.INTEGRITY_FAILED,
                request=request,
                detail=getattr(request.resolver_match, "view_name", "")[:200],
                outcome=Outcome.DENIED,
                flagged=True,
            )
            return integrity_page(request)
        return None
