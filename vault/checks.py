from django.apps import apps
from django.core import checks
from django.db import DatabaseError
from django_fsm import FSMFieldMixin

from vault.querysets import TrackedQuerySet


def _is_tracked(model):
    """Encrypted fields, a state machine, or history: update() would bypass them."""
    from vault.fields import EncryptedTextField

    return hasattr(model, "history") or any(
        isinstance(field, EncryptedTextField | FSMFieldMixin)
        for field in model._meta.concrete_fields
    )


@checks.register()
def tracked_models_refuse_bulk_writes(app_configs=None, **kwargs):
    """Every model with encrypted fields, a state machine or history uses TrackedQuerySet."""
    errors = []
    for model in apps.get_models():
        if model.__name__.startswith("Historical") or not _is_tracked(model):
            continue
        for manager in (model._default_manager, model._base_manager, model.objects):
            if not issubclass(manager._queryset_class, TrackedQuerySet):
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{manager.name or 'manager'} must use "
                        "TrackedQuerySet: update() would bypass encryption and history",
                        obj=model,
                        id="vault.E003",
                    )
                )
                break
    return errors


@checks.register(checks.Tags.database)
def master_keys_open_the_database(app_configs=None, databases=None, **kwargs):
    """With --database: every master key in use is present and correct."""
    from vault.services import key_ring_problems

    if not databases:
        return []
    try:
        problems = key_ring_problems()
    except DatabaseError:
        return []  # not migrated yet
    return [checks.Error(problem, id="vault.E004") for problem in problems]
