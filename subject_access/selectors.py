"""Loading requests and persons for the unit manager who handles them (404 otherwise)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from casework.persons.cases import case_models, person_is_shielded
from casework.persons.models import Person
from retention.selectors import persons_of_unit
from subject_access.models import RequestState, SubjectAccessRequest

PERMISSION = "subject_access.handle_subject_access"


def _protected_elsewhere(person, unit):
    """Whether a protected case of ``person`` belongs to another unit: its
    content is for that unit's workers and manager only."""
    for model in case_models():
        if not any(field.name == "protected" for field in model._meta.get_fields()):
            continue
        others = model.objects.filter(
            person=OuterRef("pk"), protected=True, erased_at__isnull=True
        ).exclude(unit=unit)
        if Person.objects.filter(pk=person.pk).filter(Exists(others)).exists():
            return True
    return False


def person_for_subject_access_get(*, user, pk):
    """A person the user's unit answers for, not erased; a shielded person only
    when no protected case of theirs is another unit's. 404 for any other."""
    if not user.has_perm(PERMISSION):
        raise PermissionDenied
    if user.unit_id is None:
        raise Http404
    person = (
        Person.objects.filter(persons_of_unit(user.unit), erased_at__isnull=True)
        .filter(pk=pk)
        .select_related("district", "responsible_unit", "created_by")
        .first()
    )
    if person is None:
        raise Http404
    if person_is_shielded(person) and _protected_elsewhere(person, user.unit):
        raise Http404
    return person


def request_get_for_user(*, user, pk):
    subject_access_request = (
        SubjectAccessRequest.objects.filter(pk=pk).select_related("handled_by").first()
    )
    if subject_access_request is None:
        if not user.has_perm(PERMISSION):
            raise PermissionDenied
        raise Http404
    subject_access_request.person = person_for_subject_access_get(
        user=user, pk=subject_access_request.person_id
    )
    return subject_access_request


def open_requests_of_unit(unit):
    """Requests not yet answered about persons the unit answers for, the
    soonest due first (ordered and paged in SQL)."""
    return (
        SubjectAccessRequest.objects.filter(
            state=RequestState.RECEIVED,
            person__in=Person.objects.filter(persons_of_unit(unit), erased_at__isnull=True),
        )
        .select_related("person")
        .order_by("due_on", "received_on", "pk")
    )


def requests_of_person(person):
    return SubjectAccessRequest.objects.filter(person=person).order_by("-received_on", "-pk")
