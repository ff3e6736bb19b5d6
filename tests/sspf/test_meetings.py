"""SSPF meetings: an agenda from open referrals and open actions, reorderable;
minutes and agreed actions; overdue actions marked; a printout that names a
youth only where consent holds for every organisation in the group."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from casework.errors import ApplicationError
from sspf.models import AgendaItem, AgreedAction
from sspf.services import (
    action_agree,
    action_done,
    agenda_item_minute,
    agenda_item_move,
    consent_record,
    meeting_schedule,
    referral_raise,
    referral_take_step,
)
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.sspf.conftest import YOUTH

pytestmark = pytest.mark.django_db


def schedule(group, by, days=7):
    return meeting_schedule(
        by=by, group=group, starts_at=timezone.now() + datetime.timedelta(days=days), venue="Rum 4"
    )


def agenda(meeting):
    return [item.referral_id for item in meeting.items.order_by("position")]


def test_the_agenda_is_the_groups_open_referrals(group, school, youth_referral, place_referral):
    closed = referral_raise(
        by=school, group=group, category="other", concern="Klart.", place="Parken"
    )
    closed = referral_take_step(referral=closed, step="review", by=school)
    referral_take_step(referral=closed, step="close", by=school, close_reason="resolved")
    meeting = schedule(group, school)
    assert agenda(meeting) == [youth_referral.pk, place_referral.pk]


def test_open_actions_come_first_on_the_next_agenda(
    group, school, police, youth_referral, place_referral
):
    first = schedule(group, school, days=1)
    item = first.items.get(referral=place_referral)
    action = action_agree(
        item=item,
        by=school,
        description="Fältgruppen går förbi torget på fredagar.",
        responsible_member=police,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    assert action.responsible_organisation == "police"
    second = schedule(group, school, days=14)
    assert agenda(second) == [place_referral.pk, youth_referral.pk]
    action_done(action=action, by=police)
    third = schedule(group, school, days=21)
    assert agenda(third) == [youth_referral.pk, place_referral.pk]


def test_items_are_reordered(group, school, youth_referral, place_referral):
    meeting = schedule(group, school)
    second = meeting.items.get(referral=place_referral)
    agenda_item_move(item=second, by=school, up=True)
    assert agenda(meeting) == [place_referral.pk, youth_referral.pk]
    agenda_item_move(item=AgendaItem.objects.get(pk=second.pk), by=school, up=True)
    assert agenda(meeting) == [place_referral.pk, youth_referral.pk]


def test_minutes_and_actions_are_kept_under_the_referrals_key(group, school, youth_referral):
    meeting = schedule(group, school)
    item = meeting.items.get()
    item = agenda_item_minute(item=item, by=school, discussion="Skolan kallar till möte.")
    assert AgendaItem.objects.get(pk=item.pk).discussion == "Skolan kallar till möte."
    assert item.data_key_id == youth_referral.data_key_id


def test_the_responsible_member_must_be_in_the_group(group, school, outsider, youth_referral):
    item = schedule(group, school).items.get()
    with pytest.raises(ApplicationError) as refused:
        action_agree(
            item=item,
            by=school,
            description="X",
            responsible_member=outsider,
            due_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert refused.value.field == "responsible_member"
    assert not AgreedAction.objects.exists()


def test_an_overdue_action_is_marked_on_the_group_page_and_the_start_page(
    client, group, school, police, place_referral
):
    meeting = meeting_schedule(
        by=school, group=group, starts_at=timezone.now() - datetime.timedelta(days=10)
    )
    action_agree(
        item=meeting.items.get(),
        by=school,
        description="Kontakta fastighetsägaren om belysningen.",
        responsible_member=police,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    sign_in(client, police)
    for url in (reverse("sspf:group-detail", kwargs={"pk": group.pk}), reverse("accounts:start")):
        html = client.get(url).content.decode()
        assert "Kontakta fastighetsägaren" in html
        assert "badge--overdue" in html, url


def test_the_printout_names_only_where_consent_covers_every_organisation(
    client, group, school, police, youth_referral
):
    meeting = schedule(group, school)
    url = reverse("sspf:meeting-print", kwargs={"pk": meeting.pk})
    consent_record(
        referral=youth_referral,
        by=school,
        granted=True,
        method="written",
        given_on=timezone.localdate(),
        organisations=["school"],
        guardian_one=True,
    )
    sign_in(client, school)
    # The school may see the name on its pages, but the police are present too.
    assert YOUTH["family_name"] not in client.get(url).content.decode()
    consent_record(
        referral=youth_referral,
        by=school,
        granted=True,
        method="written",
        given_on=timezone.localdate(),
        organisations=["school", "police"],
        guardian_one=True,
    )
    assert YOUTH["family_name"] in client.get(url).content.decode()


@pytest.mark.parametrize("name", ["meeting-detail", "meeting-print"])
def test_meetings_are_for_the_groups_members_only(
    client, group, school, outsider, youth_referral, name
):
    meeting = schedule(group, school)
    url = reverse(f"sspf:{name}", kwargs={"pk": meeting.pk})
    sign_in(client, outsider)
    assert client.get(url).status_code == 404
    sign_in(client, UserFactory(username="ss", role=Role.SOCIAL_WORKER))
    assert client.get(url).status_code == 403
    sign_in(client, school)
    assert client.get(url).status_code == 200


def test_a_meeting_through_the_pages(client, group, school, police, youth_referral):
    sign_in(client, school)
    starts = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        reverse("sspf:meeting-create", kwargs={"pk": group.pk}),
        {"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "venue": "Rum 4"},
    )
    meeting = group.meetings.get()
    assert response["Location"] == reverse("sspf:meeting-detail", kwargs={"pk": meeting.pk})
    item = meeting.items.get()
    response = client.post(
        reverse("sspf:action-create", kwargs={"pk": meeting.pk, "item_pk": item.pk}),
        {f"a-{item.pk}-description": "", f"a-{item.pk}-responsible_member": police.pk},
    )
    assert response.status_code == 400  # the form comes back, with what was typed
    response = client.post(
        reverse("sspf:action-create", kwargs={"pk": meeting.pk, "item_pk": item.pk}),
        {
            f"a-{item.pk}-description": "Ringa vårdnadshavaren.",
            f"a-{item.pk}-responsible_member": police.pk,
            f"a-{item.pk}-due_on": (timezone.localdate() + datetime.timedelta(days=9)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert AgreedAction.objects.get().responsible_member == police
