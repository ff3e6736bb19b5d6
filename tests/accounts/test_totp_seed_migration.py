import importlib

import pytest
from django.apps import apps
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuthenticatorDevice
from tests.factories import totp_code

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0004_encrypt_totp_seeds")


def test_existing_devices_move_to_encrypted_storage(worker):
    old = TOTPDevice.objects.create(user=worker, name="phone", confirmed=True, tolerance=1)
    old_key = old.key
    migration.move_devices(apps, None)

    assert not TOTPDevice.objects.exists()
    moved = AuthenticatorDevice.objects.get(user=worker)
    assert moved.key == old_key
    assert moved.confirmed
    assert moved.verify_token(totp_code(moved))
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatordevice")
        stored = cursor.fetchone()[0]
    assert stored.startswith("tg1:") and old_key not in stored


def test_seeds_are_encrypted_under_the_system_key(worker):
    from vault.models import DataKey

    device = AuthenticatorDevice.objects.create(user=worker, name="app", confirmed=True)
    stored = AuthenticatorDevice.objects.get(pk=device.pk)
    assert stored.key == device.key
    assert DataKey.objects.filter(purpose="system").count() == 1
