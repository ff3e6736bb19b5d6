"""A test marked postgres skips on SQLite, except on CI, where it fails (tests/conftest.py).

The access log's triggers, roles and concurrency are tested only on
PostgreSQL; CI must not pass while those tests quietly did not run.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ONLY = "tests/audit/test_append_only.py::test_the_database_refuses_to_truncate_the_log"


def run_on_sqlite(tmp_path, **env):
    base = {
        name: value
        for name, value in os.environ.items()
        if name not in ("CI", "TRYGG_AUDIT_APPLICATION_ROLE") and not name.startswith("PYTEST")
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", POSTGRES_ONLY],
        cwd=ROOT,
        env={**base, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env},
        capture_output=True,
        text=True,
    )


def test_it_skips_without_ci(tmp_path):
    result = run_on_sqlite(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout


def test_it_fails_on_ci(tmp_path):
    result = run_on_sqlite(tmp_path, CI="true")
    assert result.returncode != 0
    assert "needs PostgreSQL" in result.stdout
    assert "CI must run it, not skip it" in result.stdout
