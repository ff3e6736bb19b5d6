"""Every call of the API is in the access log: accepted, replayed, refused."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from casework.persons.services import person_register
from casework.reports.services import report_register
from tests.intake.conftest import CHILD, URL, send

pytestmark = pytest.mark.django_db


def report_by_worker(worker, district):
    person = person_register(
        by=worker, identity_number="20120304-2385", given_names="Åsa", family_name="Lind"
    )
    return report_register(
        by=worker,
        person=person,
        police_reference="5000-K1-26",
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=1),
        received_at=timezone.now(),
        district=district,
    )


def events_since(start):
    return list(AccessEvent.objects.filter(pk__gt=start).order_by("pk"))


def last_event_id():
    return AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_an_accepted_notification_is_logged_as_the_senders_create(client, sender, token, district):
    start = last_event_id()
    response = send(client, token)
    report_id = response.json()["id"]
    events = events_since(start)
    report_event = [e for e in events if e.object_type == "casework.under15report"]
    assert [(e.action, e.object_id, e.detail) for e in report_event] == [
        ("create", report_id, "police_api")
    ]
    assert all(e.actor_id == sender.account_id for e in events)
    assert all(e.actor_username == sender.account.username for e in events)
    assert {e.action for e in events} == {"create"}  # the person and the report


def test_a_replay_is_logged(client, sender, token, district):
    report_id = send(client, token).json()["id"]
    start = last_event_id()
    send(client, token)
    [event] = events_since(start)
    assert (event.action, event.object_id, event.detail) == (
        "view",
        report_id,
        "police_api:replay",
    )
    assert event.actor_id == sender.account_id


@pytest.mark.parametrize(("header", "why"), [(None, "no_token"), ("Bearer wrong", "bad_token")])
def test_a_call_without_a_good_token_is_logged_flagged(client, sender, district, header, why):
    start = last_event_id()
    headers = {"Authorization": header} if header else {}
    client.post(URL, {}, content_type="application/json", headers=headers)
    [event] = events_since(start)
    assert event.action == "access_denied"
    assert event.outcome == "denied"
    assert event.flagged
    assert event.actor_id is None
    assert event.detail == f"police_api:{why}"


def test_an_inactive_senders_call_is_logged_flagged_as_the_sender(client, sender, token, district):
    sender.is_active = False
    sender.save()
    start = last_event_id()
    send(client, token)
    [event] = events_since(start)
    assert (event.action, event.flagged, event.detail) == (
        "access_denied",
        True,
        "police_api:inactive_sender",
    )
    assert (event.object_type, event.object_id) == ("intake.intakesender", str(sender.pk))


def test_a_refused_notification_is_logged_without_its_values(client, sender, token, district):
    start = last_event_id()
    send(client, token, given_names=None, police_reference=None)
    send(client, token, identity_number="19990101-0018")
    missing, bad_number = events_since(start)
    assert (missing.action, missing.outcome) == ("create", "denied")
    assert missing.detail == "police_api:refused:given_names,police_reference"
    assert bad_number.detail == "police_api:refused:identity_number"
    assert "1999" not in bad_number.detail


def test_a_refused_receipt_is_logged_flagged(client, token, district, worker):
    report = report_by_worker(worker, district)
    start = last_event_id()
    client.get(f"{URL}/{report.pk}", headers={"Authorization": f"Bearer {token}"})
    [event] = events_since(start)
    assert (event.action, event.object_id, event.flagged) == (
        "access_denied",
        str(report.pk),
        True,
    )


def test_no_event_holds_personal_data(client, token, district):
    send(client, token)
    send(client, token)
    send(client, token, identity_number=CHILD[:-1] + "0")
    for event in AccessEvent.objects.all():
        text = " ".join(
            str(value) for value in (event.detail, event.object_id, event.actor_username)
        )
        for secret in ("Alva", "Ekström", CHILD[:8], "5000-K123456"):
            assert secret not in text
