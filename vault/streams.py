"""AES-256-GCM for files too large to hold in memory: sealed and opened in chunks.

The STREAM construction (Hoang, Reyhanitabar, Rogaway and Vizár, 2015):
each chunk is sealed on its own under one data key, with a nonce made of a
random prefix for the stream, the chunk's number and a flag on the last
chunk. So chunks cannot be reordered, dropped or cut off at the end without
the open failing, and every chunk carries the same binding as an encrypted
field (table, column, row, key), so a blob copied to another row does not
open. Written by hand because no well-kept library offers a streaming AEAD
over ``cryptography``'s AES-GCM; each chunk is an ordinary AESGCM call.

Format: ``TGS1`` ‖ data-key id (16) ‖ nonce prefix (7) ‖ chunks, each
``CHUNK_BYTES`` of plaintext sealed (+16 bytes tag), the last one shorter
(possibly empty).
"""

import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vault.crypto import CiphertextInvalid

MAGIC = b"TGS1"
PREFIX_BYTES = 7
TAG_BYTES = 16
CHUNK_BYTES = 64 * 1024
HEADER_BYTES = len(MAGIC) + 16 + PREFIX_BYTES


def _nonce(prefix, number, last):
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _read_full(source, size):
    """Up to ``size`` bytes: fewer only at the end (some streams return short reads)."""
    parts, wanted = [], size
    while wanted:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def stream_seal(*, raw_key, key_id, binding, source, sink):
    """Read plaintext from ``source`` (a binary file) and write the sealed
    stream to ``sink``, one chunk in memory at a time. Returns the number of
    plaintext bytes."""
    cipher = AESGCM(raw_key)
    prefix = os.urandom(PREFIX_BYTES)
    sink.write(MAGIC + key_id.bytes + prefix)
    total, number = 0, 0
    chunk = _read_full(source, CHUNK_BYTES)
    while True:
        following = _read_full(source, CHUNK_BYTES) if len(chunk) == CHUNK_BYTES else b""
        last = not following
        sink.write(cipher.encrypt(_nonce(prefix, number, last), chunk, binding))
        total += len(chunk)
        if last:
            return total
        chunk, number = following, number + 1
        if number >= 2**32:
            raise ValueError("the stream is too long")


def stream_key_id(header):
    """The data-key id a sealed stream names, from its first bytes."""
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        raise CiphertextInvalid("is not a sealed stream")
    return uuid.UUID(bytes=header[len(MAGIC) : len(MAGIC) + 16])


def stream_open(*, raw_key, key_id, binding, source):
    """Yield the plaintext chunks of a stream sealed by ``stream_seal``.

    Raises CiphertextInvalid at the first chunk that does not open: altered,
    reordered, cut short, moved from another row, or under another key. The
    first chunk is checked before anything is yielded, so a caller that
    takes one chunk before answering learns of a wrong binding in time.
    """
    header = _read_full(source, HEADER_BYTES)
    if stream_key_id(header) != key_id:
        raise CiphertextInvalid("was sealed under another data key")
    cipher = AESGCM(raw_key)
    prefix = header[-PREFIX_BYTES:]
    size = CHUNK_BYTES + TAG_BYTES
    number = 0
    sealed = _read_full(source, size)
    while True:
        following = _read_full(source, size) if len(sealed) == size else b""
        last = not following
        try:
            yield cipher.decrypt(_nonce(prefix, number, last), sealed, binding)
        except InvalidTag:
            raise CiphertextInvalid(
                "does not decrypt: altered, cut short, moved from another row, "
                "or sealed under another key"
            ) from None
        if last:
            return
        sealed, number = following, number + 1
