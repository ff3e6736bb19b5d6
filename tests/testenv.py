"""Loaded with -p before pytest-django reads settings: a development environment.

Tests that need production settings override them or run a subprocess.
"""

import base64
import os

os.environ.setdefault("DEBUG", "1")
# Django empties the tables between transactional tests; the access log
# refuses that unless maintenance is allowed (tests/audit switch it off again).
os.environ.setdefault("AUDIT_ALLOW_MAINTENANCE", "1")

# Fresh keys for every run: the test databases are fresh too.
_random_key = lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()  # noqa: E731
os.environ.setdefault("MASTER_KEYS", f"1:{_random_key()}")
os.environ.setdefault("BLIND_INDEX_KEY", _random_key())
