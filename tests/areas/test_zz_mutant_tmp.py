import pytest
from tests.areas.test_area_access_matrix import *  # noqa


@pytest.fixture(autouse=True)
def _mutant(monkeypatch, request):
    import os
    from areas import selectors, views

    m = os.environ["MUTANT"]
    if m == "report":
        monkeypatch.setattr(
            selectors.AreaAccess, "may_report_on", lambda self, measure, user: True
        )
    if m == "owning":
        monkeypatch.setattr(views, "_owning", lambda access: None)
    if m == "reads":
        monkeypatch.setattr(
            selectors, "_readable", lambda user, cd: selectors.AreaAccess(owns=False, reads=True)
        )
    if m == "owns_all":
        monkeypatch.setattr(
            selectors,
            "area_access",
            lambda *, user, city_district: selectors.AreaAccess(owns=True, reads=True),
        )
