"""Data keys in bulk, for imports: the same keys ``DataKey.create`` makes, in one INSERT."""

import uuid

from django.db import transaction

from vault import crypto, keycache
from vault.keyring import key_ring
from vault.models import DataKey, KeyRingCheck, master_keys_outdated_refuse


@transaction.atomic
def data_keys_create(*, purpose, count):
    """``count`` new data keys of ``purpose``, wrapped under the newest master key, saved.

    Like ``DataKey.create``: refused in a process whose MASTER_KEYS lacks a
    newer version the database knows, and holding the check row's lock until
    the keys are saved (rotate_keys waits for it).
    """
    version = key_ring().newest_version
    master_keys_outdated_refuse(version)
    KeyRingCheck.ensure(version)
    keys = []
    for _ in range(count):
        key_id = uuid.uuid4()
        version, wrapped = crypto.data_key_wrap(key_id=key_id, raw_key=crypto.data_key_new())
        keys.append(
            DataKey(id=key_id, purpose=purpose, master_key_version=version, wrapped_key=wrapped)
        )
    keys = DataKey.objects.bulk_create(keys)
    keycache.remember(keys)
    return keys
