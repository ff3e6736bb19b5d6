"""``audit`` and ``vault`` import none of the project's other apps (STYLE.md: the
arrows point one way), so every app can use them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {"accounts", "audit", "casework", "sspf", "avhopp", "vault", "statistics", "areas"}


def imported_apps(package):
    """{(file, app)} for every import of another of our apps anywhere in ``package``."""
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in APPS and top != package:
                    found.add((str(path.relative_to(ROOT)), top))
    return found


@pytest.mark.parametrize("package", ["audit", "vault"])
def test_it_imports_nothing_of_ours(package):
    assert imported_apps(package) == set()


def test_the_check_sees_an_import_when_there_is_one():
    # casework uses accounts, audit and vault: the walk must find them.
    assert {"accounts", "audit", "vault"} <= {app for _, app in imported_apps("casework")}
