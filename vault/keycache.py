"""Unwrapped data keys, kept for one request or one batch: never longer, never across users.

Decrypting a page of values under one key would otherwise unwrap that key
(an AES operation under the master key) once per value. Inside
``data_key_cache()`` each data key is unwrapped once; outside it, every
use unwraps afresh. The cache lives in a context variable, so concurrent
requests (threads, async tasks) each see only their own, and it is dropped
when the block ends: a key destroyed in one request is gone in the next.

A destroyed key is never served from the cache: ``raw_key`` checks the key
row it is given before looking up, so an erasure within the same request
takes effect for every row loaded after it.
"""

import contextlib
import contextvars

_cache = contextvars.ContextVar("trygg_unwrapped_data_keys", default=None)


@contextlib.contextmanager
def data_key_cache():
    """Cache unwrapped keys until the block ends (a request, a batch of a command)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def raw_key(data_key):
    """The raw bytes of ``data_key`` (a vault.models.DataKey), unwrapped once per cache."""
    cache = _cache.get()
    if cache is None or data_key.is_destroyed:
        return data_key.unwrap()  # raises KeyDestroyed for a destroyed key
    entry = (data_key.id, data_key.master_key_version)
    raw = cache.get(entry)
    if raw is None:
        raw = cache[entry] = data_key.unwrap()
        cache[data_key.id] = data_key
    return raw


def remember(data_keys):
    """Keep these key rows for the cache's lifetime (keys an import has just made)."""
    cache = _cache.get()
    if cache is not None:
        for data_key in data_keys:
            cache[data_key.id] = data_key


def known_key(key_id):
    """The key row with ``key_id`` if this cache has seen it, else None.

    Rows built in bulk (history rows, say) carry only the key's id; without
    this, sealing each of them would fetch its key row again.
    """
    cache = _cache.get()
    return None if cache is None or key_id is None else cache.get(key_id)


def forget(key_id):
    """Drop a key from the cache (it was destroyed)."""
    cache = _cache.get()
    if cache is not None:
        stale = [e for e in cache if e == key_id or (isinstance(e, tuple) and e[0] == key_id)]
        for entry in stale:
            del cache[entry]


class DataKeyCacheMiddleware:
    """One key cache per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with data_key_cache():
            return self.get_response(request)
