"""Who reaches which SSPF page, and what of the youth it shows.

The expected answers are a literal table from the issue and docs/design.md:
members of the referral's group work it; a member of another group, social
workers (of the youth's unit or another), the unit manager, the auditor and
the administrator reach no referral; a guessed id is 404 to everyone.
"""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from casework.models import Person
from sspf.models import ConcernReferral
from sspf.services import consent_record
from tests.conftest import sign_in
from tests.factories import UnitFactory, UserFactory
from tests.sspf.conftest import YOUTH

pytestmark = pytest.mark.django_db

USERS = ("member", "other_group", "unit_worker", "other_worker", "manager", "auditor", "admin")
OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404

# page: (method, needs a referral); then one answer per user in USERS' order.
PAGES = {
    "referral-list": ("get", False),
    "referral-export": ("get", False),
    "referral-create": ("get", False),
    "referral-detail": ("get", True),
    "referral-step": ("post", True),
    "consent-create": ("get", True),
    "consent-withdraw": ("post", True),
}
EXPECTED = {
    "referral-list": (OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "referral-export": (OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "referral-create": (OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "referral-detail": (OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "referral-step": (REDIRECT, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "consent-create": (OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "consent-withdraw": (
        REDIRECT,
        NOT_FOUND,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
    ),
}


@pytest.fixture
def users(school, outsider, group):
    responsible = UnitFactory(name="Barn och unga Hammarkullen")
    responsible.districts.add(group.district)
    return {
        "member": school,
        "other_group": outsider,
        "unit_worker": UserFactory(
            username="socialsekreterare", role=Role.SOCIAL_WORKER, unit=responsible
        ),
        "other_worker": UserFactory(
            username="annan-socialsekreterare", role=Role.SOCIAL_WORKER, unit=UnitFactory()
        ),
        "manager": UserFactory(username="chef", role=Role.UNIT_MANAGER, unit=responsible),
        "auditor": UserFactory(username="granskare", role=Role.AUDITOR),
        "admin": UserFactory(username="forvaltare", role=Role.ADMINISTRATOR, is_staff=True),
    }


@pytest.fixture
def consented(youth_referral, school):
    """The referral with a consent covering every organisation: where a page
    still hides the youth, it is the access rule, not the consent."""
    consent = consent_record(
        referral=youth_referral,
        by=school,
        granted=True,
        method="written",
        given_on=timezone.localdate(),
        organisations=["school", "police", "social_services", "leisure"],
        guardian_one=True,
    )
    return ConcernReferral.objects.get(pk=youth_referral.pk), consent


def _url(name, referral, consent, guessed):
    if not PAGES[name][1]:
        return reverse(f"sspf:{name}")
    pk = uuid.uuid4() if guessed else referral.pk
    if name == "referral-step":
        return reverse("sspf:referral-step", kwargs={"pk": pk, "step": "review"})
    if name == "consent-withdraw":
        return reverse("sspf:consent-withdraw", kwargs={"pk": pk, "consent_pk": consent.pk})
    return reverse(f"sspf:{name}", kwargs={"pk": pk})


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("who", USERS)
def test_each_user_reaches_exactly_what_they_may(client, users, consented, name, who):
    referral, consent = consented
    sign_in(client, users[who])
    method = PAGES[name][0]
    data = {"review-expected_state": referral.state, "on": timezone.localdate().isoformat()}
    response = getattr(client, method)(_url(name, referral, consent, guessed=False), data)
    assert response.status_code == EXPECTED[name][USERS.index(who)]
    html = response.content.decode() if response.status_code == OK else ""
    if who != "member":
        assert YOUTH["family_name"] not in html
        assert YOUTH["identity_number"] not in html
        assert "Borta varje fredag" not in html


@pytest.mark.parametrize("name", [name for name, (_m, needs) in PAGES.items() if needs])
def test_a_guessed_id_is_404_and_logged(client, users, consented, name):
    referral, consent = consented
    sign_in(client, users["member"])
    method = PAGES[name][0]
    response = getattr(client, method)(_url(name, referral, consent, guessed=True), {})
    assert response.status_code == NOT_FOUND
    assert AccessEvent.objects.filter(
        action="access_denied", object_type="sspf.concernreferral", actor=users["member"]
    ).exists()


def test_a_social_worker_sees_nothing_of_the_referral_on_the_youths_file(client, users, consented):
    referral, _consent = consented
    worker = users["unit_worker"]
    sign_in(client, worker)
    person = Person.objects.get(pk=referral.person_id)
    client.post(
        reverse("casework:person-open", kwargs={"pk": person.pk}), {"reason": "assessment"}
    )
    html = client.get(reverse("casework:person-detail", kwargs={"pk": person.pk})).content
    html = html.decode()
    assert referral.label not in html
    assert "Borta varje fredag" not in html


def test_a_member_raises_a_concern_only_in_their_own_group(client, users, other_group):
    sign_in(client, users["member"])
    response = client.post(
        reverse("sspf:referral-create"),
        {
            "group": other_group.pk,
            "about": "place",
            "place": "Gårdstens torg",
            "category": "violence",
            "concern": "Bråk.",
        },
    )
    assert response.status_code == OK
    assert "group" in response.context["form"].errors


def _casework_urls():
    """Every casework URL pattern, with a made-up (and fixed) id for each argument."""
    from casework.urls import urlpatterns

    for pattern in urlpatterns:
        kwargs = {name: uuid.UUID(int=7) for name in pattern.pattern.converters}
        if "step" in kwargs:
            kwargs["step"] = "assess_protection"
        yield pattern.name, reverse(f"casework:{pattern.name}", kwargs=kwargs)


@pytest.mark.parametrize(("name", "url"), list(_casework_urls()))
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_sspf_member_gets_404_on_every_casework_url(client, school, name, url, method):
    """Not 403: school, police and leisure must not learn what social services hold."""
    sign_in(client, school)
    assert getattr(client, method)(url).status_code == NOT_FOUND, name


def test_a_social_worker_who_is_also_an_sspf_member_keeps_their_pages(client, group):
    from django.contrib.auth.models import Group as RoleGroup

    both = UserFactory(username="bada", role=Role.SOCIAL_WORKER, unit=UnitFactory())
    both.groups.add(RoleGroup.objects.get(name=Role.SSPF_MEMBER.value))
    sign_in(client, both)
    assert client.get(reverse("casework:report-list")).status_code == OK
    assert client.get(reverse("casework:person-search")).status_code == OK
    # A role that is not hidden is refused with 403 as before.
    sign_in(client, UserFactory(username="chef2", role=Role.UNIT_MANAGER))
    assert client.get(reverse("casework:report-list")).status_code == FORBIDDEN


def test_the_export_names_only_where_consent_covers_the_organisation(
    client, youth_referral, school, police, place_referral
):
    consent_record(
        referral=youth_referral,
        by=school,
        granted=True,
        method="written",
        given_on=timezone.localdate(),
        organisations=["school"],
        guardian_one=True,
    )
    url = reverse("sspf:referral-export")
    sign_in(client, school)
    school_csv = client.get(url).content.decode()
    assert f"{YOUTH['given_names']} {YOUTH['family_name']}" in school_csv
    assert "Hammarkullen centrum" in school_csv
    sign_in(client, police)
    police_csv = client.get(url)
    assert police_csv["Content-Type"].startswith("text/csv")
    text = police_csv.content.decode()
    assert youth_referral.label in text
    assert YOUTH["family_name"] not in text and YOUTH["identity_number"] not in text
    assert AccessEvent.objects.filter(
        actor=school, object_id=str(youth_referral.pk), detail__startswith="consent="
    ).exists()
