"""The area work's world: Angered (sub-areas Hjällbo and Hammarkullen) with
its coordinator, a police partner in its management group and a partner of
another body; Östra Göteborg (Kortedala) with its own coordinator. The
shared users of tests/conftest.py (worker, manager of the Hjällbo unit,
SSPF member, auditor) stand beside them."""

import datetime

import pytest

from accounts.roles import Role
from areas import services
from areas.models import (
    Body,
    BodyKind,
    BodyMembership,
    CityDistrict,
    MeasurePhase,
    Organisation,
    OrganisationKind,
    PictureSource,
    SubArea,
)
from tests.factories import DistrictFactory, UserFactory


@pytest.fixture
def police_org(db):
    return Organisation.objects.create(name="Polisen Angered", kind=OrganisationKind.POLICE)


@pytest.fixture
def district_org(db):
    return Organisation.objects.create(name="Stadsområde Nordost", kind=OrganisationKind.DISTRICT)


@pytest.fixture
def angered(unit):
    city_district = CityDistrict.objects.create(name="Angered")
    hjallbo = DistrictFactory(name="Hjällbo")
    unit.districts.add(hjallbo)  # the manager's unit works in Hjällbo
    SubArea.objects.create(city_district=city_district, district=hjallbo)
    SubArea.objects.create(
        city_district=city_district, district=DistrictFactory(name="Hammarkullen")
    )
    return city_district


@pytest.fixture
def ostra(db):
    city_district = CityDistrict.objects.create(name="Östra Göteborg")
    SubArea.objects.create(city_district=city_district, district=DistrictFactory(name="Kortedala"))
    return city_district


@pytest.fixture
def coordinator(angered):
    user = UserFactory(username="coordinator", first_name="Lena", role=Role.SAFETY_COORDINATOR)
    angered.coordinators.add(user)
    return user


@pytest.fixture
def other_coordinator(ostra):
    user = UserFactory(username="other_coordinator", role=Role.SAFETY_COORDINATOR)
    ostra.coordinators.add(user)
    return user


@pytest.fixture
def management_group(angered):
    return Body.objects.create(
        city_district=angered, kind=BodyKind.MANAGEMENT_GROUP, name="Ledningsgrupp Angered"
    )


@pytest.fixture
def police(management_group, police_org):
    user = UserFactory(username="police", first_name="Johan", role=Role.AREA_PARTNER)
    BodyMembership.objects.create(body=management_group, user=user, organisation=police_org)
    return user


@pytest.fixture
def partner(management_group, district_org):
    """Another partner in the same body: reads, but reports only on their own measures."""
    user = UserFactory(username="partner", role=Role.AREA_PARTNER)
    BodyMembership.objects.create(body=management_group, user=user, organisation=district_org)
    return user


@pytest.fixture
def picture(coordinator, angered):
    picture = services.picture_create(
        by=coordinator,
        city_district=angered,
        first_month=datetime.date(2026, 1, 1),
        last_month=datetime.date(2026, 6, 1),
    )
    services.contribution_add(
        by=coordinator,
        picture=picture,
        source=PictureSource.POLICE,
        reference="Polisens lägesbild",
        summary="Öppen narkotikahandel vid torget.",
    )
    return picture


@pytest.fixture
def problem(coordinator, picture):
    return services.problem_add(
        by=coordinator,
        picture=picture,
        title="Öppen narkotikahandel",
        sub_areas=list(SubArea.objects.filter(city_district=picture.city_district)),
    )


@pytest.fixture
def plan(coordinator, picture):
    return services.plan_create(by=coordinator, picture=picture, title="Handlingsplan Angered")


@pytest.fixture
def row(coordinator, plan, problem):
    return services.row_add(
        by=coordinator,
        plan=plan,
        problem=problem,
        cause_analysis="Torget är tomt på kvällen.",
        effect_goal="Ingen öppen handel.",
        sub_goals="",
        responsible="Polisen",
    )


@pytest.fixture
def measure(coordinator, row, police, police_org):
    return services.measure_add(
        by=coordinator,
        row=row,
        description="Mer närvaro av polis på torget",
        phase=MeasurePhase.REACTIVE,
        organisation=police_org,
        responsible=police,
        starts_on=datetime.date(2026, 3, 1),
    )
