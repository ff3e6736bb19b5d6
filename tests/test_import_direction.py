"""The arrows point one way (docs/design.md, STYLE.md): accounts, audit and
vault import nothing of casework, sspf or avhopp; casework nothing of sspf
or avhopp. Read from the source, through every project module reached."""

import pytest

from tests.casework.test_code_layout import MODULES, _reached_from

HIGHER = {
    "accounts": ("casework", "sspf", "avhopp"),
    "audit": ("accounts", "casework", "sspf", "avhopp"),
    "vault": ("accounts", "audit", "casework", "sspf", "avhopp"),
    "casework": ("sspf", "avhopp"),
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
