"""Verify every hash chain of the access log; exit non-zero at the first broken event.

Every chain from 0 to AUDIT_CHAIN_COUNT - 1, and every number up to the
highest chain that has a head or events, must have a head row: a chain
deleted together with its head is reported as broken, even with no events.
What is checked along each chain is in audit/verification.py.

``--checkpoint`` names a checkpoint file or a directory of them (the newest
is taken; default AUDIT_CHECKPOINT_DIR): each chain must still reach the
sequence the checkpoint recorded, with the same hash there, so a tail cut
off together with its head moved back is found (audit/checkpoints.py).
Prints the chain heads and the rate on success.
"""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import CheckpointInvalid, checkpoint_find
from audit.models import AccessEvent, AuditChain
from audit.verification import ChainBroken, chains_verify


class Command(BaseCommand):
    help = "Verify the access log's hash chains; exits non-zero naming the first broken event."

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            default=settings.AUDIT_CHECKPOINT_DIR or None,
            help="a checkpoint file, or a directory of them (the newest is used); "
            "default AUDIT_CHECKPOINT_DIR",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="segments verified side by side, each on a connection of its own "
            "(default: the cores, at most 4)",
        )

    def handle(self, *args, checkpoint, jobs, **options):
        started = time.perf_counter()
        pinned = self._checkpoint(checkpoint)
        numbers = set(range(settings.AUDIT_CHAIN_COUNT))
        numbers |= set(AuditChain.objects.values_list("number", flat=True))
        numbers |= set(AccessEvent.objects.values_list("chain", flat=True).distinct())
        if pinned is not None:
            numbers |= set(pinned.heads)
        # Chains are numbered from 0 without gaps; a lowered AUDIT_CHAIN_COUNT
        # leaves the higher ones, so a hole below the highest is a deleted chain.
        numbers |= set(range(max(numbers) + 1))
        failures = []
        total = 0
        for verified in chains_verify(sorted(numbers), checkpoint=pinned, jobs=max(1, jobs)):
            if isinstance(verified, ChainBroken):
                failures.append(str(verified))
                self.stderr.write(f"BROKEN {verified}")
                continue
            total += verified.count
            self.stdout.write(
                f"chain {verified.number}: {verified.count} events, head {verified.head_hash}"
            )
        if failures:
            raise CommandError(
                f"The access log is broken at {failures[0]}"
                + (f" ({len(failures)} chains broken)" if len(failures) > 1 else "")
            )
        seconds = time.perf_counter() - started
        rate = total / seconds if seconds > 0 else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {total} events in {len(numbers)} chains verified in {seconds:.2f} s "
                f"({rate:,.0f} events/s)."
            )
        )

    def _checkpoint(self, location):
        if not location:
            self.stdout.write(
                "No checkpoint given (--checkpoint or AUDIT_CHECKPOINT_DIR): events cut off "
                "the end of a chain together with its head cannot be found."
            )
            return None
        try:
            pinned = checkpoint_find(location)
        except CheckpointInvalid as error:
            raise CommandError(f"The checkpoint is not valid: {error}") from None
        except OSError as error:
            raise CommandError(f"The checkpoint cannot be read: {error}") from None
        if pinned is None:
            self.stdout.write(f"No checkpoint in {location} yet.")
            return None
        self.stdout.write(
            f"Checked against the checkpoint of {pinned.written_at} ({pinned.path})."
        )
        return pinned
