"""Every programme's cases about a person, without persons knowing the programmes.

A case model (settings.CASEWORK_CASE_MODELS) has ``person``, ``unit``,
``assigned_to`` and ``erased_at`` fields and an ``erase(by=)`` method. A
worker holding one of a person's cases is assigned to the person; a unit
with one of them reaches the person; erasing a person erases each case.
"""

from django.apps import apps
from django.conf import settings


def case_models():
    return [apps.get_model(label) for label in settings.CASEWORK_CASE_MODELS]
