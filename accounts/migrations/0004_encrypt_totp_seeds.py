"""Move TOTP devices from django-otp's table, where seeds sit in clear, into
AuthenticatorDevice, where they are encrypted under the system data key.
The old rows are deleted: a seed left behind would still be a second factor."""

import uuid

from django.db import migrations


def move_devices(apps, schema_editor):
    OldDevice = apps.get_model("otp_totp", "TOTPDevice")
    NewDevice = apps.get_model("accounts", "AuthenticatorDevice")
    for old in OldDevice.objects.all().iterator():
        NewDevice.objects.create(
            row_id=uuid.uuid4(),
            user_id=old.user_id,
            name=old.name,
            confirmed=old.confirmed,
            key=old.key,
            step=old.step,
            t0=old.t0,
            digits=old.digits,
            tolerance=old.tolerance,
            drift=old.drift,
            last_t=old.last_t,
            throttling_failure_timestamp=old.throttling_failure_timestamp,
            throttling_failure_count=old.throttling_failure_count,
            created_at=old.created_at,
            last_used_at=old.last_used_at,
        )
    OldDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_add_authenticator_device"),
        ("otp_totp", "0003_add_timestamps"),
        ("vault", "0001_initial"),
    ]

    # Not reversible: moving seeds back into a plaintext column is not a
    # step we want to be able to take by accident.
    operations = [migrations.RunPython(move_devices)]
