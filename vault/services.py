from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from vault.keyring import key_ring
from vault.models import DataKey, KeyRingCheck


def key_ring_problems():
    """What is wrong between MASTER_KEYS and the database, in words; empty if nothing."""
    ring = key_ring()
    problems = []
    for check in KeyRingCheck.objects.all():
        opens = check.opens()
        if opens is False:
            problems.append(
                f"Master key version {check.version} in MASTER_KEYS is not the key the data "
                "was written with."
            )
    used_versions = set(
        DataKey.objects.filter(destroyed_at__isnull=True)
        .values_list("master_key_version", flat=True)
        .distinct()
    )
    for version in sorted(used_versions - set(ring.versions)):
        count = DataKey.objects.filter(master_key_version=version).count()
        problems.append(
            f"Master key version {version} wraps {count} data keys but is missing from "
            "MASTER_KEYS."
        )
    return problems


def key_ring_verify():
    """Raise ImproperlyConfigured unless every key in use is present and correct.

    Called when a server process starts (config/wsgi.py) and by the health check.
    """
    problems = key_ring_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(problems))


def data_keys_rewrap(*, batch_size=500, progress=None):
    """Re-wrap every live data key under the newest master key, a batch at a time.

    Resumable: each batch commits on its own and only keys still under an
    older version are picked, so a stopped run continues where it was.
    SKIP LOCKED lets two runs, or a run and live traffic, share the work.
    Returns the number of keys re-wrapped.
    """
    ring = key_ring()
    KeyRingCheck.ensure(ring.newest_version)
    pending = DataKey.objects.filter(destroyed_at__isnull=True).exclude(
        master_key_version=ring.newest_version
    )
    total = pending.count()
    done = 0
    while True:
        with transaction.atomic():
            batch = list(pending.order_by("id").select_for_update(skip_locked=True)[:batch_size])
            for data_key in batch:
                data_key.rewrap()
        if not batch:
            break
        done += len(batch)
        if progress:
            progress(done, total)
    return done


def master_key_versions_in_use():
    return sorted(
        set(
            DataKey.objects.filter(destroyed_at__isnull=True)
            .values_list("master_key_version", flat=True)
            .distinct()
        )
    )
