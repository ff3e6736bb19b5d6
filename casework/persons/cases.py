"""Every programme's cases about a person, without persons knowing the programmes.

A case model (settings.CASEWORK_CASE_MODELS) has ``person``, ``unit``,
``assigned_to`` and ``erased_at`` fields and an ``erase(by=)`` method. A
worker holding one of a person's cases is assigned to the person; a unit
with one of them reaches the person; erasing a person erases each case.

A case model may also have a ``protected`` flag (avhopp's exit case): a
person with a protected case is shielded like a person with a protected
identity — reached only by the workers assigned to them, never through a
unit, a stated reason, a search or a look-up by number.
"""

import functools
import operator

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, OuterRef, Q


def case_models():
    return [apps.get_model(label) for label in settings.CASEWORK_CASE_MODELS]


def _has_field(model, name):
    return any(field.name == name for field in model._meta.get_fields())


def cases_of_person(**filters):
    """Whether the person (the outer row) has a case of any programme matching ``filters``."""
    cases = [
        Exists(model.objects.filter(person=OuterRef("pk"), **filters)) for model in case_models()
    ]
    return functools.reduce(operator.or_, cases) if cases else Q(pk__in=[])


def shielded_persons():
    """Persons with a protected identity or a protected case (not erased)."""
    protected_cases = [
        Exists(model.objects.filter(person=OuterRef("pk"), protected=True, erased_at__isnull=True))
        for model in case_models()
        if _has_field(model, "protected")
    ]
    return functools.reduce(operator.or_, protected_cases, Q(protected_identity=True))


def person_is_shielded(person):
    from casework.persons.models import Person

    return Person.objects.filter(shielded_persons(), pk=person.pk).exists()


def assigned_to_person(person):
    """Whether a user (the outer row) works with ``person``: registered them,
    or holds one of their cases in any programme."""
    cases = [
        Exists(model.objects.filter(person_id=person.pk, assigned_to=OuterRef("pk")))
        for model in case_models()
    ]
    return functools.reduce(operator.or_, cases, Q(pk=person.created_by_id))
