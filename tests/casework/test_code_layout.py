"""casework is split by concept, and its layers keep their places (issue 20).

Read from the source with ``ast``, not by importing: a rule broken in a
module no test imports is still found.

- ``casework.persons`` imports nothing of ``casework.reports`` or
  ``casework.journal``, directly or through another casework module: SSPF
  and avhopp build on persons without the under-15 programme.
- No view module, nor a module that only views use, writes to the access
  log: every access event is written by a service.
- No module imports a view module, except the URL configurations.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "audit", "casework", "sspf", "avhopp", "areas", "vault", "config")
# The view layer: views, and the modules that draw pages for them.
VIEW_LAYER = {"views.py", "pages.py", "panels.py", "web.py", "denials.py"}
AUDIT_WRITES = {"access_event_record", "access_events_record_many"}


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


MODULES = {_module_name(path): path for path in _source_files()}


def _imports(path):
    """(module, name or None) for every import in the file, relative ones resolved."""
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = (package or _module_name(path)).split(".")
                kept = base[: len(base) - node.level + 1]
                module = ".".join([*kept, module] if module else kept)
            found.extend((module, alias.name) for alias in node.names)
    return found


def _imported_modules(path):
    """The modules a file imports: ``from a import b`` is ``a.b`` when that is a module."""
    modules = set()
    for module, name in _imports(path):
        submodule = f"{module}.{name}" if name else None
        modules.add(submodule if submodule in MODULES else module)
    return modules


def _reached_from(start):
    """Every project module ``start`` reaches through imports, itself included."""
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        if module in seen or module not in MODULES:
            continue
        seen.add(module)
        todo.extend(_imported_modules(MODULES[module]))
    return seen


PERSON_MODULES = sorted(name for name in MODULES if name.startswith("casework.persons"))


def test_the_walk_sees_the_packages():
    # Guards the guards: a walk that read nothing would pass every rule below.
    assert "casework.persons.services" in PERSON_MODULES
    assert "casework.reports.services" in _reached_from("casework.reports.views")
    assert "casework.journal.services" in _reached_from("casework.journal.views")


@pytest.mark.parametrize("module", PERSON_MODULES)
def test_persons_know_nothing_of_reports_or_the_journal(module):
    reached = _reached_from(module)
    leaks = sorted(
        name
        for name in reached
        if name.startswith(("casework.reports", "casework.journal"))
        # casework.models gathers every concept's models for Django; persons
        # never import it.
        or name == "casework.models"
    )
    assert leaks == [], f"{module} reaches {leaks}"


VIEW_MODULES = sorted(name for name, path in MODULES.items() if path.name in VIEW_LAYER)


def test_the_view_layer_is_found():
    assert {
        "casework.persons.views",
        "casework.reports.views",
        "casework.journal.views",
        "casework.denials",
        "accounts.views",
        "accounts.auditing.views",
    } <= set(VIEW_MODULES)


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_no_view_writes_to_the_access_log(module):
    imports = _imports(MODULES[module])
    writes = sorted(
        f"{imported}.{name}" if name else imported
        for imported, name in imports
        if imported == "audit.services" and (name is None or name in AUDIT_WRITES or name == "*")
    )
    assert writes == [], f"{module} writes access events itself: {writes}; call a service"


def test_no_module_imports_a_view_module():
    view_modules = {name for name, path in MODULES.items() if path.name == "views.py"}
    offenders = []
    for name, path in MODULES.items():
        if path.name == "urls.py":
            continue  # a URL configuration is where views are named
        offenders.extend(
            f"{name} imports {imported}"
            for imported in _imported_modules(path) & view_modules
            if imported != name
        )
    assert offenders == []
