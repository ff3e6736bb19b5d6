"""A youth whose data is erased: their referrals (sealed under their key) leave
every SSPF list, page, agenda and export, with no error."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Person
from casework.persons.services import person_erase
from sspf.services import action_agree, meeting_schedule
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_erased_youths_referral_is_gone_without_an_error(
    client, youth_referral, place_referral, school, police, group
):
    meeting = meeting_schedule(by=school, group=group, starts_at=timezone.now())
    action_agree(
        item=meeting.items.get(referral=youth_referral),
        by=school,
        description="Ringa hem.",
        responsible_member=police,
        due_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    person = Person.objects.get(pk=youth_referral.person_id)
    person_erase(person=person, by=UserFactory(username="radera"))
    for user in (school, police):
        sign_in(client, user)
        for url in (
            reverse("sspf:referral-list"),
            reverse("accounts:start"),
            reverse("sspf:referral-export"),
            reverse("sspf:group-detail", kwargs={"pk": group.pk}),
            reverse("sspf:meeting-detail", kwargs={"pk": meeting.pk}),
            reverse("sspf:meeting-print", kwargs={"pk": meeting.pk}),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert youth_referral.label not in response.content.decode(), url
            assert (
                place_referral.label in client.get(reverse("sspf:referral-list")).content.decode()
            )
    detail = reverse("sspf:referral-detail", kwargs={"pk": youth_referral.pk})
    assert client.get(detail).status_code == 404
