"""Who reaches an exit case, by role and object; a protected case or a person
with a protected identity is hidden from everyone but the assigned worker
and the unit manager: in lists, search, look-ups, registration and counts.

The expected answers are literal tables read from the issue and DESIGN.md
("Gang-exit programme"); nothing here is computed from avhopp/access.py.
"""

import datetime
import html
import uuid

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from audit.models import AccessEvent
from avhopp.models import ExitCase
from avhopp.services import REGISTRATION_WORDS, exit_case_registration
from casework.errors import ApplicationError
from casework.models import Person
from casework.persons.demo import identity_number
from casework.persons.services import person_update, persons_search
from tests.avhopp.conftest import BORN, register, to_active
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

USERS = ("worker", "unit_mate", "colleague", "sspf_member", "manager", "auditor", "administrator")
OBJECTS = ("own", "mates", "protected", "protected_person", "other_unit", "guessed")

# object -> (registered by, protected case, protected identity, given, family, serial)
SPECS = {
    "own": ("worker", False, False, "Tindra", "Avhoppsdotter", 601),
    "mates": ("unit_mate", False, False, "Liv", "Kamratsdotter", 602),
    "protected": ("unit_mate", True, False, "Hemlig", "Skyddsfallsson", 603),
    "protected_person": ("unit_mate", False, True, "Dold", "Identitetsson", 604),
    "other_unit": ("colleague", False, False, "Elias", "Kortedalsson", 605),
}

OK, NOT_FOUND, FORBIDDEN = 200, 404, 403
NOBODY = (NOT_FOUND,) * 6

# The case's page (and every page under it): GET, per user, in the order of OBJECTS.
CASE_PAGE = {
    "worker": (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "unit_mate": (OK, OK, OK, OK, NOT_FOUND, NOT_FOUND),
    "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND),
    "sspf_member": NOBODY,
    # The manager has the unit's list (no names), never the case's content.
    "manager": NOBODY,
    "auditor": NOBODY,
    "administrator": NOBODY,
}
# Which objects' persons each user finds by name in the person search.
FOUND_BY_NAME = {
    "worker": {"own", "mates"},
    "unit_mate": {"own", "mates", "protected", "protected_person"},
    "colleague": {"other_unit"},
}
# Which objects' references each list shows: the worker's own list and the manager's.
WORKER_LIST = {"worker": {"own"}, "unit_mate": {"mates", "protected", "protected_person"}}
UNIT_LIST = {"own", "mates", "protected", "protected_person"}


@pytest.fixture
def users(worker, colleague, sspf_member, manager, auditor, administrator, unit):
    return {
        "worker": worker,
        "unit_mate": UserFactory(username="unit_mate", role=Role.SOCIAL_WORKER, unit=unit),
        "colleague": colleague,
        "sspf_member": sspf_member,
        "manager": manager,
        "auditor": auditor,
        "administrator": administrator,
    }


@pytest.fixture
def cases(users):
    made = {}
    for name, (by, protected, protected_identity, given, family, serial) in SPECS.items():
        case = register(users[by], serial=serial, given=given, family=family, protected=protected)
        if protected_identity:
            person_update(
                person=Person.objects.get(pk=case.person_id), by=users[by], protected_identity=True
            )
        made[name] = ExitCase.objects.get(pk=case.pk)
    return made


def _pk(cases, name):
    return cases[name].pk if name in cases else uuid.uuid4()


@pytest.mark.parametrize("user_name", USERS)
def test_the_case_page_answers_each_role_as_the_table_says(client, users, cases, user_name):
    sign_in(client, users[user_name])
    got = tuple(
        client.get(reverse("avhopp:case-detail", kwargs={"pk": _pk(cases, name)})).status_code
        for name in OBJECTS
    )
    assert got == CASE_PAGE[user_name]


@pytest.mark.parametrize("user_name", ["worker", "colleague", "manager"])
@pytest.mark.parametrize(
    "url_name",
    ["avhopp:measurement-create", "avhopp:contact-create"],
)
def test_pages_under_the_case_answer_as_the_case_page(client, users, cases, user_name, url_name):
    sign_in(client, users[user_name])
    for name, expected in zip(OBJECTS, CASE_PAGE[user_name], strict=True):
        response = client.get(reverse(url_name, kwargs={"pk": _pk(cases, name)}))
        # A case in inquiry has no measurement to record: back to its page.
        assert response.status_code == (
            302 if expected == OK and "measurement" in url_name else expected
        )


@pytest.mark.parametrize("user_name", ["worker", "unit_mate", "colleague"])
def test_the_person_search_finds_exactly_the_persons_the_table_says(users, cases, user_name):
    found = set()
    for name, case in cases.items():
        results, outside = persons_search(
            by=users[user_name], request=None, text=f"{SPECS[name][3]} {SPECS[name][4]}"
        )
        assert outside is None
        if results:
            found.add(name)
    assert found == FOUND_BY_NAME[user_name]


@pytest.mark.parametrize("name", ["protected", "protected_person"])
def test_a_number_look_up_of_a_shielded_person_says_nothing_to_another_worker(users, cases, name):
    number = identity_number(BORN, SPECS[name][5])
    for user_name in ("worker", "colleague"):
        results, outside = persons_search(by=users[user_name], request=None, text=number)
        assert (results, outside) == ([], None)


@pytest.mark.parametrize("name", ["protected", "protected_person"])
def test_registering_a_case_on_a_shielded_number_is_refused_without_the_name(
    client, users, cases, name
):
    worker = users["worker"]
    before = AccessEvent.objects.filter(flagged=True, outcome="denied").count()
    with pytest.raises(ApplicationError) as refused:
        exit_case_registration(
            by=worker,
            request=None,
            identity_number=identity_number(BORN, SPECS[name][5]),
            given_names="",
            family_name="",
            track="exit",
            referral_source="self",
            inquiry_at=cases["own"].inquiry_at,
            open_reason="emergency",
        )
    assert refused.value.code == "not_here"
    assert SPECS[name][3] not in refused.value.message
    assert AccessEvent.objects.filter(flagged=True, outcome="denied").count() == before + 1
    # Through the page: the name is nowhere in the answer.
    sign_in(client, worker)
    response = client.post(
        reverse("avhopp:case-create"),
        {
            "identity_number": identity_number(BORN, SPECS[name][5]),
            "track": "exit",
            "referral_source": "self",
            "inquiry_at": "2026-12-01 10:00",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert SPECS[name][3] not in page and SPECS[name][4] not in page
    with translation.override("sv"):
        said = str(REGISTRATION_WORDS.not_here)
    assert said != "" and said in html.unescape(page)


@pytest.mark.parametrize("name", ["protected", "protected_person"])
def test_the_file_cannot_be_opened_with_a_reason(client, users, cases, name):
    sign_in(client, users["worker"])
    person_pk = cases[name].person_id
    assert (
        client.get(reverse("casework:person-detail", kwargs={"pk": person_pk})).status_code == 404
    )
    response = client.post(
        reverse("casework:person-open", kwargs={"pk": person_pk}),
        {"reason": "emergency", "explanation": "Akut."},
    )
    assert response.status_code == 404


def test_the_lists_show_exactly_the_cases_the_table_says(client, users, cases):
    for user_name, expected in WORKER_LIST.items():
        sign_in(client, users[user_name])
        page = client.get(reverse("avhopp:case-list")).content.decode()
        shown = {name for name, case in cases.items() if case.reference in page}
        assert shown == expected, user_name
    sign_in(client, users["manager"])
    page = client.get(reverse("avhopp:unit-cases")).content.decode()
    assert {name for name, case in cases.items() if case.reference in page} == UNIT_LIST
    # The manager's list names nobody.
    for name in UNIT_LIST:
        assert SPECS[name][3] not in page and SPECS[name][4] not in page


def test_every_access_to_a_shielded_case_is_flagged(client, users, cases):
    mate = users["unit_mate"]
    sign_in(client, mate)
    for name in ("protected", "protected_person", "mates"):
        client.get(reverse("avhopp:case-detail", kwargs={"pk": cases[name].pk}))
    views = {
        event.object_id: event.flagged
        for event in AccessEvent.objects.filter(
            actor=mate, action="view", object_type="avhopp.exitcase"
        )
    }
    assert views == {
        str(cases["protected"].pk): True,
        str(cases["protected_person"].pk): True,
        str(cases["mates"].pk): False,
    }
    # Another worker's try is refused, logged with who tried.
    sign_in(client, users["worker"])
    client.get(reverse("avhopp:case-detail", kwargs={"pk": cases["protected"].pk}))
    assert AccessEvent.objects.filter(
        actor=users["worker"], object_id=str(cases["protected"].pk), outcome="denied"
    ).exists()


def test_a_shielded_case_is_assigned_only_to_workers_already_with_the_person(
    client, users, cases, unit
):
    newcomer = UserFactory(username="newcomer", role=Role.SOCIAL_WORKER, unit=unit)
    sign_in(client, users["manager"])
    response = client.post(
        reverse("avhopp:case-assign", kwargs={"pk": cases["protected_person"].pk}),
        {"assigned_to": newcomer.pk},
    )
    assert response.status_code == 302
    assert ExitCase.objects.get(pk=cases["protected_person"].pk).assigned_to == users["unit_mate"]
    response = client.post(
        reverse("avhopp:case-assign", kwargs={"pk": cases["mates"].pk}),
        {"assigned_to": newcomer.pk},
    )
    assert ExitCase.objects.get(pk=cases["mates"].pk).assigned_to == newcomer


def test_the_start_page_names_only_the_workers_own_persons(client, users, cases):
    for name in ("own", "protected"):
        to_active(cases[name], users[SPECS[name][0]])
    # Due today (a column the services keep; set straight for the test).
    QuerySet.update(ExitCase.objects.all(), next_due_on=datetime.date.today())
    sign_in(client, users["worker"])
    page = client.get(reverse("accounts:start")).content.decode()
    assert "Tindra" in page
    assert cases["protected"].reference not in page and "Hemlig" not in page


# The programme's pages without an object, per user (GET): SSPF members are
# told 404, as for pages that do not exist; other roles without the page 403.
LIST_PAGES = {
    "avhopp:case-list": {"worker": OK, "manager": FORBIDDEN, "sspf_member": NOT_FOUND},
    "avhopp:case-create": {"worker": OK, "manager": FORBIDDEN, "sspf_member": NOT_FOUND},
    "avhopp:unit-cases": {"worker": FORBIDDEN, "manager": OK, "sspf_member": NOT_FOUND},
}


@pytest.mark.parametrize("url_name", sorted(LIST_PAGES))
def test_the_list_pages_answer_each_role(client, users, url_name):
    expected = {**LIST_PAGES[url_name], "auditor": FORBIDDEN, "administrator": FORBIDDEN}
    got = {}
    for user_name in expected:
        sign_in(client, users[user_name])
        got[user_name] = client.get(reverse(url_name)).status_code
    assert got == expected
