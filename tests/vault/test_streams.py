"""Sealed streams (vault/streams.py): large files in chunks, bound like fields."""

import io
import os
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault.crypto import CiphertextInvalid, value_binding
from vault.streams import CHUNK_BYTES, HEADER_BYTES, TAG_BYTES, stream_open, stream_seal

KEY = os.urandom(32)
KEY_ID = uuid.uuid4()
BINDING = value_binding("casework_document", "content", uuid.uuid4(), KEY_ID)


def sealed(plaintext, binding=BINDING, key=KEY, key_id=KEY_ID):
    sink = io.BytesIO()
    stream_seal(
        raw_key=key, key_id=key_id, binding=binding, source=io.BytesIO(plaintext), sink=sink
    )
    return sink.getvalue()


def opened(blob, binding=BINDING, key=KEY, key_id=KEY_ID):
    return b"".join(
        stream_open(raw_key=key, key_id=key_id, binding=binding, source=io.BytesIO(blob))
    )


@settings(max_examples=30, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.integers(min_value=0, max_value=3).map(lambda n: os.urandom(n * CHUNK_BYTES)),
        st.integers(min_value=1, max_value=3).map(lambda n: os.urandom(n * CHUNK_BYTES + 7)),
    )
)
def test_it_gives_back_what_was_sealed_at_every_length(plaintext):
    assert opened(sealed(plaintext)) == plaintext


def test_the_stream_holds_no_plaintext_and_grows_by_a_tag_a_chunk():
    plaintext = b"Orosanmalan om Ilona. " * 10_000
    blob = sealed(plaintext)
    assert b"Ilona" not in blob
    chunks = -(-len(plaintext) // CHUNK_BYTES)
    assert len(blob) == HEADER_BYTES + len(plaintext) + chunks * TAG_BYTES


def test_a_stream_moved_to_another_row_does_not_open():
    other_row = value_binding("casework_document", "content", uuid.uuid4(), KEY_ID)
    with pytest.raises(CiphertextInvalid):
        opened(sealed(b"brev"), binding=other_row)


def test_a_stream_under_another_key_does_not_open():
    with pytest.raises(CiphertextInvalid):
        opened(sealed(b"brev"), key=os.urandom(32))
    with pytest.raises(CiphertextInvalid):
        opened(sealed(b"brev"), key_id=uuid.uuid4())


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda blob: blob[: HEADER_BYTES + CHUNK_BYTES + TAG_BYTES], id="cut-short"),
        pytest.param(lambda blob: blob[:-1], id="last-byte-gone"),
        pytest.param(
            lambda blob: (
                blob[:HEADER_BYTES]
                + blob[
                    HEADER_BYTES + CHUNK_BYTES + TAG_BYTES : HEADER_BYTES
                    + 2 * (CHUNK_BYTES + TAG_BYTES)
                ]
                + blob[HEADER_BYTES : HEADER_BYTES + CHUNK_BYTES + TAG_BYTES]
                + blob[HEADER_BYTES + 2 * (CHUNK_BYTES + TAG_BYTES) :]
            ),
            id="chunks-swapped",
        ),
        pytest.param(
            lambda blob: blob[:100] + bytes([blob[100] ^ 1]) + blob[101:], id="a-bit-flipped"
        ),
        pytest.param(lambda blob: b"", id="empty"),
        pytest.param(lambda blob: b"%PDF-1.7 not sealed at all", id="not-a-stream"),
    ],
)
def test_a_damaged_stream_does_not_open(damage):
    blob = sealed(os.urandom(3 * CHUNK_BYTES + 100))
    with pytest.raises(CiphertextInvalid):
        opened(damage(blob))
