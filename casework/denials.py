"""One way to refuse an object (log the attempt, then 404), and one to show an erased one."""

import functools

from django.http import Http404
from django.shortcuts import render

from casework.persons import selectors as person_selectors
from casework.persons import services as person_services
from casework.persons.access import Erased
from casework.refusals import object_refusal_record


def load_or_refuse(request, *, object_type, pk, load):
    """``load()`` the object; if it raises Http404, log a denied access first.

    404 rather than 403, so a guessed id does not confirm that something
    exists; the log still shows who guessed.
    """
    try:
        return load()
    except Http404:
        object_refusal_record(
            by=request.user, request=request, object_type=object_type, object_id=pk
        )
        raise


def person_for_request(request, pk):
    """Load a person through the access rules; a refusal is logged, then 404."""
    return load_or_refuse(
        request,
        object_type=person_services.PERSON_OBJECT,
        pk=pk,
        load=lambda: person_selectors.person_get_for_user(
            user=request.user, pk=pk, session=request.session
        ),
    )


def erased_aware(view):
    """Answer an erased person or report the user would reach with a 410 page
    that says so, instead of a crash or a 404 that suggests a wrong link."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Erased as erased:
            context = {"erased": erased.obj, "kind": erased.obj._meta.verbose_name}
            return render(request, "casework/erased.html", context, status=410)

    return wrapper
