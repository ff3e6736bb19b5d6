"""A server process refuses to start with a master key that does not open the data."""

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def key():
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def run(code, env):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_wsgi_refuses_to_start_with_the_wrong_master_key(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MASTER_KEYS": f"1:{key()}",
        "BLIND_INDEX_KEY": key(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    setup = run(
        "import django; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from vault.models import DataKey; DataKey.create()",
        env,
    )
    assert setup.returncode == 0, setup.stderr
    assert run("import config.wsgi", env).returncode == 0

    wrong = run("import config.wsgi", {**env, "MASTER_KEYS": f"1:{key()}"})
    assert wrong.returncode != 0
    assert "not the key the data was written with" in wrong.stderr

    missing = run("import config.wsgi", {**env, "MASTER_KEYS": f"2:{key()}"})
    assert missing.returncode != 0
    assert "version 1 wraps 1 data keys but is missing" in missing.stderr
