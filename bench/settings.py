"""Production settings plus the bare comparison views; used only by bench/load.py."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
