"""The arrows point one way (docs/design.md, STYLE.md): accounts, audit and
vault import nothing of casework, sspf or avhopp; casework nothing of sspf
or avhopp. Read from the source, through every project module reached."""

import pytest

from tests.casework.test_code_layout import MODULES, _reached_from

HIGHER = {
    "accounts": ("casework", "sspf", "avhopp", "areas", "intake"),
    "audit": ("accounts", "casework", "sspf", "avhopp", "areas", "intake"),
    "vault": ("accounts", "audit", "casework", "sspf", "avhopp", "areas", "intake"),
    "casework": ("sspf", "avhopp", "areas", "intake"),
    "sspf": ("areas", "intake"),
    "avhopp": ("areas", "intake"),
}
CASES = [
    (module, HIGHER[module.split(".")[0]])
    for module in sorted(MODULES)
    if module.split(".")[0] in HIGHER
]


@pytest.mark.parametrize(("module", "forbidden"), CASES, ids=[c[0] for c in CASES])
def test_no_lower_app_imports_a_higher_one(module, forbidden):
    leaks = sorted(name for name in _reached_from(module) if name.split(".")[0] in forbidden)
    assert leaks == [], f"{module} reaches {leaks}"


def test_the_demo_of_accounts_seeds_no_sspf_data():
    assert "sspf.models" not in _reached_from("accounts.demo")


# The area work reads the programmes only through what they publish: their
# summaries (suppressed figures); of casework it shares the helpers every
# concept uses (the refusal error and its page, the access-log event of a
# service or a refused object, form widgets); never a case, a person or a
# journal module.
AREAS_MAY_IMPORT = (
    "casework.reports.summary_views",
    "sspf.summary_views",
    "avhopp.summary_views",
    "avhopp.scales",
    "casework.summaries.",
    "casework.errors",
    "casework.events",
    "casework.refusals",
    "casework.web",
    "casework.form_fields",
)
AREA_MODULES = sorted(name for name in MODULES if name.split(".")[0] == "areas")


def test_the_area_modules_are_found():
    assert {"areas.views", "areas.services", "areas.figures"} <= set(AREA_MODULES)


@pytest.mark.parametrize("module", AREA_MODULES)
def test_the_area_work_imports_only_what_the_programmes_publish(module):
    from tests.casework.test_code_layout import _imported_modules

    programmes = ("casework", "sspf", "avhopp")
    leaks = sorted(
        name
        for name in _imported_modules(MODULES[module])
        if name.split(".")[0] in programmes
        and not any(name == allowed or name.startswith(allowed) for allowed in AREAS_MAY_IMPORT)
    )
    assert leaks == [], f"{module} imports {leaks}"
