import base64
import time

import factory
import pyotp
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import AuthenticatorDevice, District, Unit
from casework.models import Person
from casework.persons.models import RESEARCH_BIRTH_DAYS
from sspf.models import Organisation, SspfGroup, SspfMembership
from vault.models import DataKey

PASSWORD = "correct-horse-battery"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"District {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Unit {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=str(extracted)))
        self.save()


class SspfGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SspfGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"SSPF {n}")
    district = factory.SubFactory(DistrictFactory)


class SspfMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SspfMembership

    group = factory.SubFactory(SspfGroupFactory)
    user = factory.SubFactory(UserFactory)
    organisation = Organisation.SCHOOL


def totp_device_for(user):
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = AuthenticatorDevice.objects.create(
            user=user, name="app", confirmed=True, tolerance=1
        )
    return device


def totp_code(device, at=None):
    """The code the user's phone shows now (or at ``at``, a Unix time)."""
    totp = pyotp.TOTP(base64.b32encode(device.bin_key).decode())
    return totp.at(time.time() if at is None else at)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    data_key = factory.LazyFunction(DataKey.create)
    given_names = factory.Faker("first_name", locale="sv_SE")
    family_name = factory.Faker("last_name", locale="sv_SE")
    guardians = factory.LazyFunction(list)
    born_on_research_day = factory.LazyAttribute(
        lambda person: (
            getattr(person, "date_of_birth", None) is not None
            and person.date_of_birth.day in RESEARCH_BIRTH_DAYS
        )
    )
