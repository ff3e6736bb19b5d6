from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from vault.keyring import key_ring
from vault.models import DataKey, KeyRingCheck, master_keys_outdated_refuse


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
    """Re-wrap live data keys under the newest master key until none is left under an older one.

    Resumable: each batch commits on its own and only keys still under an
    older version are picked, so a stopped run continues where it was.
    SKIP LOCKED lets two runs, or a run and live traffic, share the work;
    when only keys that other transactions hold are left, it waits for them
    one at a time instead of leaving them behind. When none is left, it
    waits for the transactions that may still be wrapping a new key under an
    older version (``_older_versions_quiet``) and looks again.

    Raises MasterKeysOutdated in a process whose MASTER_KEYS lacks a newer
    version the database knows. Returns the number of keys re-wrapped.
    """
    newest = key_ring().newest_version
    with transaction.atomic():
        # Refuse before any work; from here on every process whose newest
        # version is older refuses to wrap (vault.models.master_keys_outdated_refuse).
        master_keys_outdated_refuse(newest)
        KeyRingCheck.ensure(newest)
    pending = DataKey.objects.filter(destroyed_at__isnull=True).exclude(master_key_version=newest)
    total = pending.count()
    done = 0
    while True:
        with transaction.atomic():
            batch = list(pending.order_by("id").select_for_update(skip_locked=True)[:batch_size])
            if not batch:
                # Any key left is held by another transaction: wait for the first.
                batch = list(pending.order_by("id").select_for_update()[:1])
            for data_key in batch:
                data_key.rewrap()
        if batch:
            done += len(batch)
            if progress:
                progress(done, max(done, total))
            continue
        _older_versions_quiet(newest)
        if not pending.exists():
            return done


def _older_versions_quiet(newest):
    """Wait until no transaction that wrapped a key under a version before ``newest`` is open.

    Such a transaction holds a key-share lock on its version's check row
    (master_keys_outdated_refuse) until it ends; FOR UPDATE on those rows
    waits for all of them. Any wrap that starts later sees ``newest`` and is
    refused, so afterwards no new key can appear under an older version.
    """
    with transaction.atomic():
        # A first key under an older version may be inserting its check row
        # right now; inserting the same row waits for that transaction.
        for version in key_ring().versions:
            if version < newest:
                KeyRingCheck.ensure(version)
        list(KeyRingCheck.objects.filter(version__lt=newest).select_for_update())


def master_key_versions_removable():
    """The versions in MASTER_KEYS, other than the newest, that wrap no live data key."""
    ring = key_ring()
    in_use = set(master_key_versions_in_use())
    return [v for v in ring.versions if v < ring.newest_version and v not in in_use]


def master_key_versions_in_use():
    return sorted(
        set(
            DataKey.objects.filter(destroyed_at__isnull=True)
            .values_list("master_key_version", flat=True)
            .distinct()
        )
    )
