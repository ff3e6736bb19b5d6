"""The export holds every seeded value of the person and nothing of another."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from subject_access.models import RequestState, one_month_after
from subject_access.services import item_withhold
from tests.conftest import sign_in
from tests.subject_access.conftest import OTHER, SEEDED

pytestmark = pytest.mark.django_db


def _json(client, access_request):
    response = client.get(reverse("subject_access:request-json", kwargs={"pk": access_request.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content.decode(), json.loads(response.content)


def test_it_exports_every_seeded_value_and_nothing_of_another_person(
    client, manager, access_request, other_person
):
    text, document = _json(sign_in(client, manager), access_request)
    values = json.dumps([s["items"] for s in document["sections"]], ensure_ascii=False)
    for name, value in SEEDED.items():
        # Identity numbers are kept as twelve digits.
        expected = value.replace("-", "") if name == "identity_number" else value
        assert expected in values, name
    for name, value in OTHER.items():
        assert value not in text, name
    titles = {section["title"] for section in document["sections"]}
    assert "Mål i avhopparplanen" in titles and "SSPF-ärende om oro" in titles


def test_a_withheld_item_shows_who_withheld_it_and_not_its_value(client, manager, access_request):
    sign_in(client, manager)
    _text, document = _json(client, access_request)
    item = next(
        item
        for section in document["sections"]
        for item in section["items"]
        if item.get("value") == SEEDED["participants"]
    )
    response = client.post(
        reverse("subject_access:item-withhold", kwargs={"pk": access_request.pk}),
        {"item_key": item["key"], "ground": "osl_26_5", "note": ""},
    )
    assert response.status_code == 302
    text, document = _json(client, access_request)
    assert SEEDED["participants"] not in text
    withheld = [i for s in document["sections"] for i in s["items"] if i["withheld"]]
    assert [(i["key"], i["decided_by"]) for i in withheld] == [
        (item["key"], manager.get_full_name() or manager.get_username())
    ]
    assert "26 kap. 5" in withheld[0]["ground"]
    printed = client.get(reverse("subject_access:request-print", kwargs={"pk": access_request.pk}))
    assert printed.status_code == 200
    assert SEEDED["participants"] not in printed.text
    assert SEEDED["journal"] in printed.text
    assert "Undantaget enligt" in printed.text


def test_it_refuses_to_withhold_a_key_that_is_not_in_the_file(manager, access_request):
    from casework.errors import ApplicationError

    with pytest.raises(ApplicationError):
        item_withhold(
            subject_access_request=access_request,
            by=manager,
            item_key="casework.person:00000000-0000-0000-0000-000000000000:address",
            ground="osl_26_5",
        )


def test_every_step_writes_an_access_event(client, manager, person):
    sign_in(client, manager)
    url = reverse("subject_access:person-requests", kwargs={"pk": person.pk})
    response = client.post(url, {"received_on": timezone.localdate().isoformat(), "note": "Brev"})
    assert response.status_code == 302
    access_request = person.subject_access_requests.get()
    detail = reverse("subject_access:request-detail", kwargs={"pk": access_request.pk})
    assert client.get(detail).status_code == 200
    _text, document = _json(client, access_request)
    key = document["sections"][0]["items"][0]["key"]
    client.post(
        reverse("subject_access:item-withhold", kwargs={"pk": access_request.pk}),
        {"item_key": key, "ground": "osl_26_1"},
    )
    client.get(reverse("subject_access:request-print", kwargs={"pk": access_request.pk}))
    response = client.post(
        reverse("subject_access:request-deliver", kwargs={"pk": access_request.pk}),
        {"method": "post"},
    )
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.state == RequestState.DELIVERED
    assert access_request.delivery_method == "post"
    events = AccessEvent.objects.filter(actor=manager, person_ref=person.pk)
    steps = {(e.action, e.detail, e.flagged) for e in events}
    assert ("create", "subject_access", False) in steps
    assert ("view", "subject_access", True) in steps
    assert ("change", "subject_access_withheld", False) in steps
    assert ("export", "subject_access_json", False) in steps
    assert ("export", "subject_access_print", False) in steps
    assert ("change", "subject_access_delivered", False) in steps
    assert ("export", "disclosure:subject_access", False) in steps
    assert person.disclosures.get().kind == "subject_access"


def test_the_due_date_is_one_month_after_receipt_and_overdue_is_shown(client, manager, person):
    from subject_access.services import subject_access_request_register

    assert one_month_after(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
    assert one_month_after(datetime.date(2026, 12, 15)) == datetime.date(2027, 1, 15)
    received = timezone.localdate() - datetime.timedelta(days=40)
    old = subject_access_request_register(person=person, by=manager, received_on=received)
    assert old.due_on == one_month_after(received)
    assert old.is_overdue()
    fresh = subject_access_request_register(
        person=person, by=manager, received_on=timezone.localdate()
    )
    assert not fresh.is_overdue()
    response = sign_in(client, manager).get(
        reverse("subject_access:person-requests", kwargs={"pk": person.pk})
    )
    assert response.text.count("badge--overdue") == 1, response.text
    assert old.due_on.isoformat() in response.text
