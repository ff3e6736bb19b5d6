import datetime

import pytest

from accounts.roles import Role
from casework.persons.demo import identity_number
from sspf.models import Organisation
from sspf.services import referral_raise
from tests.factories import DistrictFactory, SspfGroupFactory, SspfMembershipFactory, UserFactory

BORN = datetime.date(2013, 3, 9)
YOUTH = {
    "identity_number": identity_number(BORN, 412),
    "given_names": "Ilona",
    "family_name": "Skolfrånvarosson",
}


def member_of(group, username, organisation):
    user = UserFactory(username=username, role=Role.SSPF_MEMBER)
    SspfMembershipFactory(user=user, group=group, organisation=organisation)
    return user


@pytest.fixture
def group(db):
    return SspfGroupFactory(
        name="SSPF Hammarkullen", district=DistrictFactory(name="Hammarkullen")
    )


@pytest.fixture
def other_group(db):
    return SspfGroupFactory(name="SSPF Gårdsten", district=DistrictFactory(name="Gårdsten"))


@pytest.fixture
def school(group):
    return member_of(group, "skola", Organisation.SCHOOL)


@pytest.fixture
def police(group):
    return member_of(group, "polis", Organisation.POLICE)


@pytest.fixture
def outsider(other_group):
    return member_of(other_group, "annan", Organisation.SCHOOL)


@pytest.fixture
def youth_referral(group, school):
    return referral_raise(
        by=school, group=group, category="truancy", concern="Borta varje fredag.", **YOUTH
    )


@pytest.fixture
def place_referral(group, school):
    return referral_raise(
        by=school,
        group=group,
        category="violence",
        concern="Bråk vid torget.",
        place="Hammarkullen centrum",
    )
