"""Nothing about a person is silently left out of the export."""

from django.apps import apps

from subject_access import collect
from vault.fields import EncryptedTextField


def _about_a_person():
    """Models with a link to a person, or to a row of a collected model."""
    person = apps.get_model("casework", "Person")
    found = set()
    changed = True
    while changed:
        changed = False
        targets = {person} | {m for m in apps.get_models() if m._meta.label_lower in found}
        for model in apps.get_models():
            label = model._meta.label_lower
            if label in found or label.split(".")[1].startswith("historical"):
                continue
            if model._meta.app_label == "audit":
                continue
            if any(
                f.is_relation and f.related_model in targets for f in model._meta.concrete_fields
            ):
                found.add(label)
                changed = True
    return found | {"casework.person"}


def test_every_model_about_a_person_is_collected_or_excused():
    collected = {model._meta.label_lower for model in collect.collected_models()}
    missing = _about_a_person() - collected - set(collect.NOT_COLLECTED)
    assert not missing, f"neither exported nor excused in subject_access.collect: {missing}"


def test_every_field_is_exported_or_explicitly_excluded():
    for model, excluded in collect.EXCLUDED.items():
        names = {field.name for field in model._meta.concrete_fields}
        assert excluded <= names, f"{model.__name__}: stale exclusions {excluded - names}"
        exported = {field.name for field in collect.exported_fields(model)}
        assert exported | excluded == names
        assert not exported & excluded


def test_no_encrypted_field_is_excluded():
    # Encrypted fields are the person's data; only keys and indexes may stay out.
    for model, excluded in collect.EXCLUDED.items():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                assert field.name not in excluded, f"{model.__name__}.{field.name}"
