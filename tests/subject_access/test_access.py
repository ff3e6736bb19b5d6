"""Role matrix: only the manager of the unit that answers for the person reaches."""

import uuid

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.conftest import sign_in
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("subject_access:person-requests", "person", "get"),
    ("subject_access:request-detail", "request", "get"),
    ("subject_access:request-print", "request", "get"),
    ("subject_access:request-json", "request", "get"),
    ("subject_access:item-withhold", "request", "post"),
    ("subject_access:request-deliver", "request", "post"),
]
# Who gets what: the unit's manager reaches (200, or 302/400 for a POST);
# every other role is refused before any object is looked at.
REFUSED = {
    "worker": 403,
    "colleague": 403,
    "sspf_member": 404,
    "auditor": 403,
    "administrator": 403,
}


def _url(name, kind, person, access_request):
    pk = person.pk if kind == "person" else access_request.pk
    return reverse(name, kwargs={"pk": pk})


@pytest.mark.parametrize(("name", "kind", "method"), PAGES)
@pytest.mark.parametrize("role", [*REFUSED, "manager"])
def test_the_role_matrix_decides_who_may_produce_it(
    client, all_role_users, person, access_request, role, name, kind, method
):
    sign_in(client, all_role_users[role])
    url = _url(name, kind, person, access_request)
    response = getattr(client, method)(url, {})
    if role == "manager":
        assert response.status_code in ({200} if method == "get" else {302, 400})
    else:
        assert response.status_code == REFUSED[role]


@pytest.mark.parametrize(("name", "kind", "method"), PAGES)
def test_another_units_manager_gets_404(client, person, access_request, name, kind, method):
    stranger = UserFactory(role=Role.UNIT_MANAGER, unit=UnitFactory(name="Kortedala"))
    sign_in(client, stranger)
    response = getattr(client, method)(_url(name, kind, person, access_request), {})
    assert response.status_code == 404
    guessed = reverse(name, kwargs={"pk": uuid.uuid4()})
    assert getattr(client, method)(guessed, {}).status_code == 404


def test_an_erased_person_is_not_found(client, manager, person, access_request):
    person.erase(by=manager)
    response = sign_in(client, manager).get(
        reverse("subject_access:request-detail", kwargs={"pk": access_request.pk})
    )
    assert response.status_code == 404
