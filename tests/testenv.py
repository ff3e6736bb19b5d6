"""Loaded with -p before pytest-django reads settings: a development environment.

Tests that need production settings override them or run a subprocess.
"""

import os

os.environ.setdefault("DEBUG", "1")
