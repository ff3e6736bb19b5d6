from django.apps import apps
from django.core import checks
from django.db import DatabaseError

from vault.querysets import TrackedQuerySet


def _is_tracked(model):
    from vault.fields import EncryptedTextField

    if model._meta.app_label in ("django_otp", "otp_totp"):
        return False
    has_encrypted = any(isinstance(f, EncryptedTextField) for f in model._meta.concrete_fields)
    has_state = any(type(f).__name__ == "FSMField" for f in model._meta.concrete_fields)
    has_history = hasattr(model, "history") and not model.__name__.startswith("Historical")
    return has_encrypted or has_state or has_history


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
