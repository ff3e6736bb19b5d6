"""Signed checkpoints of the chain heads, kept outside the database.

The keyed hashes (audit/keys.py) stop anyone without the audit key from
forging or rewriting events, but a database owner can still cut the last
events of a chain and move its head back: what is left verifies. A
checkpoint pins, for every chain, the sequence and hash its head had at a
moment; verify_audit_chain given the checkpoint finds a chain that no longer
reaches that sequence, or has another event there.

``audit_checkpoint`` (cron, every few minutes) writes one to a file in
AUDIT_CHECKPOINT_DIR, a directory on other storage that the database's
owners cannot change (append-only: ``chattr +a``, or a write-once bucket),
and e-mails it to the auditors. A checkpoint is JSON, signed with HMAC-SHA-256
under the newest audit key; it holds chain numbers, sequence numbers, hashes
and times, nothing about anyone.
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from django.db.models import OuterRef, Subquery

from audit.keys import current_version, seal
from audit.models import TIME_FORMAT, AccessEvent, AuditChain

FORMAT = 1
FILE_PREFIX = "audit-checkpoint-"
# Separates a checkpoint's signature from an event's HMAC under the same key.
SIGNATURE_DOMAIN = b"trygg-audit-checkpoint\x1f"


class CheckpointInvalid(Exception):
    """A checkpoint that cannot be read, or whose signature does not match."""


@dataclass(frozen=True)
class Head:
    chain: int
    sequence: int
    hash: str
    occurred_at: str | None


@dataclass(frozen=True)
class Checkpoint:
    written_at: str
    key_version: int
    heads: dict  # chain number -> Head
    path: Path | None = None

    def body(self):
        return {
            "trygg_audit_checkpoint": FORMAT,
            "written_at": self.written_at,
            "key_version": self.key_version,
            "chains": [
                {
                    "chain": head.chain,
                    "sequence": head.sequence,
                    "hash": head.hash,
                    "occurred_at": head.occurred_at,
                }
                for head in sorted(self.heads.values(), key=lambda head: head.chain)
            ],
        }

    def signature(self):
        return _sign(self.key_version, self.body())

    def as_json(self):
        return json.dumps({**self.body(), "signature": self.signature()}, indent=1) + "\n"


def _sign(key_version, body):
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return seal(key_version, SIGNATURE_DOMAIN + canonical.encode("ascii"))


def current_heads():
    """Every chain head now, with the time of the event it names: one query."""
    last_event_time = AccessEvent.objects.filter(
        chain=OuterRef("number"), sequence=OuterRef("last_sequence")
    ).values("occurred_at")[:1]
    rows = AuditChain.objects.annotate(occurred_at=Subquery(last_event_time)).values_list(
        "number", "last_sequence", "last_hash", "occurred_at"
    )
    return {
        number: Head(
            number,
            sequence,
            last_hash,
            occurred_at.astimezone(UTC).strftime(TIME_FORMAT) if occurred_at else None,
        )
        for number, sequence, last_hash, occurred_at in rows
    }


def checkpoint_take(*, now):
    """A checkpoint of the current heads, signed under the newest audit key."""
    return Checkpoint(
        written_at=now.astimezone(UTC).strftime(TIME_FORMAT),
        key_version=current_version(),
        heads=current_heads(),
    )


def checkpoint_write(checkpoint, directory):
    """Write ``checkpoint`` to a new file in ``directory``; never overwrites one.

    Read-only for its owner, flushed to disk with the directory entry, so a
    crash cannot leave a checkpoint half-written under its final name.
    """
    directory = Path(directory)
    stamp = checkpoint.written_at.replace("-", "").replace(":", "").replace(".", "")
    path = directory / f"{FILE_PREFIX}{stamp}.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o440)
    try:
        os.write(descriptor, checkpoint.as_json().encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    directory_descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_descriptor)
    finally:
        os.close(directory_descriptor)
    return path


def checkpoint_read(path):
    """The checkpoint in the file ``path``; CheckpointInvalid if unreadable or its
    signature does not match under the audit key it names."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="ascii"))
        signature = data.pop("signature")
        if data.get("trygg_audit_checkpoint") != FORMAT:
            raise CheckpointInvalid(f"{path}: not a checkpoint in format {FORMAT}")
        heads = {
            int(item["chain"]): Head(
                int(item["chain"]), int(item["sequence"]), str(item["hash"]), item["occurred_at"]
            )
            for item in data["chains"]
        }
        checkpoint = Checkpoint(
            written_at=str(data["written_at"]),
            key_version=int(data["key_version"]),
            heads=heads,
            path=path,
        )
    except CheckpointInvalid:
        raise
    except (OSError, UnicodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise CheckpointInvalid(f"{path}: cannot be read as a checkpoint ({error})") from None
    if checkpoint.body() != data or checkpoint.signature() != signature:
        raise CheckpointInvalid(
            f"{path}: the signature does not match (the checkpoint was changed, or signed "
            "under another audit key)"
        )
    return checkpoint


def checkpoint_latest(directory):
    """The newest checkpoint file in ``directory`` (names sort by time), or None."""
    files = sorted(Path(directory).glob(f"{FILE_PREFIX}*.json"))
    return checkpoint_read(files[-1]) if files else None


def checkpoint_find(path):
    """``path`` is a checkpoint file, or a directory of them (the newest is taken)."""
    path = Path(path)
    if path.is_dir():
        return checkpoint_latest(path)
    return checkpoint_read(path)


def heads_moved_back(checkpoint, heads):
    """The chains whose head is now at a lower sequence than in ``checkpoint``."""
    return [
        (old, heads.get(number))
        for number, old in sorted(checkpoint.heads.items())
        if number not in heads or heads[number].sequence < old.sequence
    ]
