"""Raising a concern and taking its steps through the pages: clear messages,
nothing typed lost, a step someone else took first is a 409 that says who."""

import pytest
from django.urls import reverse

from casework.models import Person
from casework.persons.services import person_register
from sspf.models import ConcernReferral, ReferralState
from sspf.services import referral_take_step
from tests.conftest import sign_in, swedish
from tests.factories import UserFactory
from tests.sspf.conftest import YOUTH

pytestmark = pytest.mark.django_db

CREATE = reverse("sspf:referral-create")


def raise_form(group, **values):
    return {
        "group": group.pk,
        "about": "youth",
        "category": "truancy",
        "concern": "Borta varje fredag.",
        **YOUTH,
        **values,
    }


def test_a_member_raises_a_concern_about_a_new_youth(client, school, group):
    sign_in(client, school)
    response = client.post(CREATE, raise_form(group))
    referral = ConcernReferral.objects.get()
    assert response["Location"] == reverse("sspf:referral-detail", kwargs={"pk": referral.pk})
    assert referral.label.startswith("S-")
    assert referral.raised_for == "school"
    person = Person.objects.get(pk=referral.person_id)
    assert person.family_name == YOUTH["family_name"]
    assert person.responsible_unit is None
    # Under the youth's key: erasing the person shreds the referral's text.
    assert referral.data_key_id == person.data_key_id


def test_a_known_youth_is_found_by_number_when_the_names_fit(client, school, group, unit):
    worker = UserFactory(username="ss", role="social_worker", unit=unit)
    known = person_register(by=worker, **YOUTH)
    sign_in(client, school)
    client.post(CREATE, raise_form(group))
    assert ConcernReferral.objects.get().person_id == known.pk
    assert Person.objects.count() == 1


def test_other_names_for_a_known_number_are_refused_and_the_form_kept(client, school, group, unit):
    worker = UserFactory(username="ss", role="social_worker", unit=unit)
    person_register(by=worker, **YOUTH)
    sign_in(
        client,
        school,
    )
    response = client.post(CREATE, raise_form(group, family_name="Annansson"))
    assert response.status_code == 200
    assert "identity_number" in response.context["form"].errors
    assert 'value="Annansson"' in response.content.decode()
    assert not ConcernReferral.objects.exists()


def test_a_protected_youth_is_refused_without_a_name(client, school, group, unit):
    worker = UserFactory(username="ss", role="social_worker", unit=unit)
    person_register(by=worker, protected_identity=True, **YOUTH)
    sign_in(client, school)
    response = client.post(CREATE, raise_form(group, given_names="X", family_name="Y"))
    assert response.status_code == 200
    html = response.content.decode()
    assert YOUTH["family_name"] not in html
    assert not ConcernReferral.objects.exists()


def test_a_mistyped_number_is_a_message_in_swedish(client, school, group):
    sign_in(client, school)
    response = client.post(CREATE, raise_form(group, identity_number="20130399-4120"))
    assert response.status_code == 200
    assert response.context["form"].errors["identity_number"]


def test_a_place_concern_needs_the_place(client, school, group):
    sign_in(client, school)
    response = client.post(CREATE, raise_form(group, about="place", place=""))
    assert response.status_code == 200
    assert response.context["form"].errors["place"]
    response = client.post(CREATE, raise_form(group, about="place", place="Torget"))
    referral = ConcernReferral.objects.get()
    assert referral.person_id is None and referral.place == "Torget"


def test_a_step_someone_took_first_is_a_409_naming_them(client, youth_referral, school, police):
    sign_in(client, school)
    referral_take_step(referral=youth_referral, step="ask_consent", by=police)
    response = client.post(
        reverse(
            "sspf:referral-step", kwargs={"pk": youth_referral.pk, "step": "review_deidentified"}
        ),
        {"review_deidentified-expected_state": ReferralState.RAISED},
    )
    assert response.status_code == 409
    assert str(police) in response.content.decode()
    assert ConcernReferral.objects.get(pk=youth_referral.pk).state == ReferralState.CONSENT_PENDING


def test_closing_without_a_reason_keeps_the_page(client, place_referral, school):
    referral = referral_take_step(referral=place_referral, step="review", by=school)
    sign_in(client, school)
    response = client.post(
        reverse("sspf:referral-step", kwargs={"pk": referral.pk, "step": "close"}),
        {"close-expected_state": referral.state, "close-close_reason": ""},
    )
    assert response.status_code == 400
    assert ConcernReferral.objects.get(pk=referral.pk).state == ReferralState.IN_REVIEW


def test_the_pages_speak_swedish(client, youth_referral, school):
    sign_in(client, school)
    html = client.get(reverse("sspf:referral-detail", kwargs={"pk": youth_referral.pk})).content
    assert swedish("Ask the guardians for consent") in html.decode()
