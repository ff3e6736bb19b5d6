import csv
import io
import uuid
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from audit.models import AccessEvent
from audit.services import access_event_record
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PERSON = uuid.UUID("0b4c8f5e-0000-4000-8000-000000000001")
KNOWN_NUMBER = "19121212-1212"


def fake_person_lookup(identity_number):
    """Stands in for casework's look-up by blind index."""
    if identity_number == KNOWN_NUMBER:
        return PERSON
    if not identity_number[:1].isdigit():
        raise ValueError("That is not an identity number.")
    return None


@pytest.fixture(autouse=True)
def _person_lookup(settings):
    settings.AUDIT_PERSON_LOOKUP = f"{__name__}.fake_person_lookup"


def shown(msgid):
    """What the (Swedish) page shows for msgid, translated or not yet."""
    with translation.override("sv"):
        return escape(translation.gettext(msgid))


def event_at(when, **fields):
    """An event written at ``when`` (the clock is the one thing tests may mock)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return access_event_record(**fields)


@pytest.fixture
def some_events(worker, colleague):
    access_event_record(
        action="view",
        actor=worker,
        object_type="casework.person",
        object_id="1",
        person_ref=PERSON,
    )
    access_event_record(
        action="view",
        actor=colleague,
        object_type="casework.person",
        object_id="1",
        person_ref=PERSON,
        reason="colleague_absent",
        flagged=True,
    )
    access_event_record(
        action="view",
        actor=colleague,
        object_type="casework.person",
        object_id="2",
        person_ref=uuid.uuid4(),
    )


def rows(response):
    return response.context["page"].object_list


@pytest.mark.parametrize(
    ("user_name", "status"),
    [
        ("worker", 403),
        ("manager", 403),
        ("sspf_member", 403),
        ("administrator", 403),
        ("auditor", 200),
    ],
)
@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_only_the_auditor_reaches_the_log(client, all_role_users, user_name, status, url):
    sign_in(client, all_role_users[user_name])
    assert client.get(url).status_code == status


def test_it_lists_events_newest_first(client, auditor, some_events):
    sign_in(client, auditor)
    response = client.get(LIST)
    assert response.status_code == 200
    listed = list(rows(response))
    assert len(listed) == 3
    assert listed == sorted(listed, key=lambda e: (e.occurred_at, e.pk), reverse=True)
    content = response.content.decode()
    assert "colleague" in content
    assert str(PERSON)[:8] in content


def test_it_finds_a_users_events(client, auditor, some_events):
    sign_in(client, auditor)
    response = client.get(LIST, {"username": "colleague"})
    assert {e.actor_username for e in rows(response)} == {"colleague"}
    assert len(rows(response)) == 2


def test_it_finds_only_flagged_events(client, auditor, some_events):
    sign_in(client, auditor)
    response = client.get(LIST, {"flagged": "on"})
    (event,) = rows(response)
    assert event.flagged
    assert event.reason == "colleague_absent"
    assert shown("Covering for an absent colleague") in response.content.decode()


def test_it_finds_whole_days_in_swedish_time(client, auditor, worker):
    # 23:30 in Stockholm on 1 June is 21:30 UTC: it belongs to 1 June here.
    late = event_at(datetime(2026, 6, 1, 23, 30, tzinfo=STOCKHOLM), action="view", actor=worker)
    event_at(datetime(2026, 6, 2, 0, 30, tzinfo=STOCKHOLM), action="view", actor=worker)
    event_at(datetime(2026, 5, 31, 23, 59, tzinfo=STOCKHOLM), action="view", actor=worker)
    sign_in(client, auditor)
    response = client.get(LIST, {"date_from": "2026-06-01", "date_to": "2026-06-01"})
    assert [e.pk for e in rows(response)] == [late.pk]
    assert "2026-06-01 23:30" in response.content.decode()


def test_a_posted_identity_number_becomes_a_person_ref_in_the_url(client, auditor, some_events):
    sign_in(client, auditor)
    response = client.post(LIST, {"identity_number": KNOWN_NUMBER, "username": "colleague"})
    assert response.status_code == 302
    assert KNOWN_NUMBER not in response["Location"]
    assert f"person={PERSON}" in response["Location"]
    response = client.get(response["Location"])
    (event,) = rows(response)
    assert event.person_ref == PERSON
    assert event.actor_username == "colleague"
    # The look-up itself is logged: it tells the auditor a person's file exists.
    search = AccessEvent.objects.get(action="search")
    assert search.actor_id == auditor.pk
    assert search.person_ref == PERSON


def test_an_unknown_identity_number_says_only_that_nothing_matches(client, auditor, some_events):
    sign_in(client, auditor)
    response = client.post(LIST, {"identity_number": "19000101-0016"})
    assert response.status_code == 200
    assert response.context["no_match"]
    assert shown("No events match the search.") in response.content.decode()


def test_the_look_up_s_message_for_a_bad_number_is_shown(client, auditor):
    sign_in(client, auditor)
    response = client.post(LIST, {"identity_number": "abc"})
    assert response.status_code == 200
    content = response.content.decode()
    assert escape("That is not an identity number.") in content
    assert 'value="abc"' in content


def test_an_identity_number_in_a_url_is_ignored(client, auditor, some_events):
    sign_in(client, auditor)
    response = client.get(LIST, {"identity_number": KNOWN_NUMBER})
    assert len(rows(response)) == 3
    assert f'value="{KNOWN_NUMBER}"' not in response.content.decode()


def test_without_a_look_up_there_is_no_identity_number_field(client, auditor, settings):
    settings.AUDIT_PERSON_LOOKUP = None
    sign_in(client, auditor)
    response = client.get(LIST)
    assert 'name="identity_number"' not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-45"},
        {"date_from": "yesterday"},
        {"date_from": "2026-06-02", "date_to": "2026-06-01"},
        {"date_to": "9999-12-31"},
        {"person": "not-a-uuid"},
    ],
)
def test_bad_input_re_renders_the_form_with_a_message(client, auditor, query):
    sign_in(client, auditor)
    for response in (client.get(LIST, query), client.post(LIST, query), client.get(EXPORT, query)):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        content = response.content.decode()
        assert shown("Correct the marked fields and search again.") in content
        assert 'class="field-error"' in content
        assert response.context["page"] is None
    if "date_from" in query:
        assert f'value="{query["date_from"]}"' in content


def test_the_date_order_message_is_clear(client, auditor):
    sign_in(client, auditor)
    response = client.get(LIST, {"date_from": "2026-06-02", "date_to": "2026-06-01"})
    assert shown("The to date must be on or after the from date.") in response.content.decode()


def test_it_pages_fifty_at_a_time_keeping_the_search(client, auditor, worker):
    for n in range(51):
        access_event_record(action="view", actor=worker, object_id=str(n))
    sign_in(client, auditor)
    response = client.get(LIST, {"username": "worker"})
    assert len(rows(response)) == 50
    assert "username=worker&amp;page=2" in response.content.decode()
    response = client.get(LIST, {"username": "worker", "page": "2"})
    assert len(rows(response)) == 1
    assert client.get(LIST, {"page": "many"}).status_code == 200


def test_the_export_holds_the_matching_rows_and_is_itself_logged(client, auditor, some_events):
    sign_in(client, auditor)
    response = client.get(EXPORT, {"username": "colleague"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(table) == 2
    assert {row["actor_username"] for row in table} == {"colleague"}
    assert {row["reason"] for row in table} == {"colleague_absent", ""}
    assert str(PERSON) in {row["person_ref"] for row in table}

    export = AccessEvent.objects.get(action="export")
    assert export.actor_id == auditor.pk
    assert export.object_type == "audit.accessevent"


def test_the_export_keeps_formulas_out_of_spreadsheets(client, auditor, worker):
    access_event_record(action="view", actor=worker, object_id="=HYPERLINK(1)")
    sign_in(client, auditor)
    text = b"".join(client.get(EXPORT).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_the_export_needs_its_own_permission(client, auditor):
    from django.contrib.auth.models import Group, Permission

    Group.objects.get(name="auditor").permissions.remove(
        Permission.objects.get(codename="export_accessevent")
    )
    sign_in(client, auditor)
    assert client.get(EXPORT).status_code == 403
    assert "audit:event-export" not in client.get(LIST).content.decode()
    assert EXPORT not in client.get(LIST).content.decode()


def test_the_start_page_links_the_auditor_to_the_log(client, auditor):
    sign_in(client, auditor)
    assert f'href="{LIST}"' in client.get(reverse("accounts:start")).content.decode()
