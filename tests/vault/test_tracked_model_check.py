import uuid

from django.db import models
from django.test.utils import isolate_apps
from django_fsm import FSMField

from vault.checks import tracked_models_refuse_bulk_writes
from vault.fields import EncryptedTextField
from vault.querysets import TrackedManager


def test_every_tracked_model_of_the_project_refuses_bulk_writes():
    assert tracked_models_refuse_bulk_writes() == []


@isolate_apps("vault", kwarg_name="isolated")
def test_it_flags_a_model_with_encrypted_fields_and_a_plain_manager(monkeypatch, isolated=None):
    class Careless(models.Model):
        id = models.UUIDField(primary_key=True, default=uuid.uuid4)
        secret = EncryptedTextField(key="system")

        class Meta:
            app_label = "vault"

    class Careful(models.Model):
        id = models.UUIDField(primary_key=True, default=uuid.uuid4)
        secret = EncryptedTextField(key="system")
        objects = TrackedManager()

        class Meta:
            app_label = "vault"
            base_manager_name = "objects"

    class StateOnly(models.Model):
        state = FSMField(default="new", protected=True)

        class Meta:
            app_label = "vault"

    monkeypatch.setattr("vault.checks.apps", isolated)
    flagged = {error.obj for error in tracked_models_refuse_bulk_writes()}
    assert Careless in flagged
    assert StateOnly in flagged
    assert Careful not in flagged
