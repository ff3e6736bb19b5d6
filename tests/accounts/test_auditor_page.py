"""The auditor's access-log page: the person filter in sight, and a CSV for Swedish Excel.

Through the real identity-number look-up (casework's, AUDIT_PERSON_LOOKUP),
so the person is found by blind index as in production.
"""

import csv
import io
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AccessEvent
from audit.services import access_event_record
from casework.models import identity_number_index
from tests.conftest import sign_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")
IDENTITY_NUMBER = "201203042385"
TYPED_NUMBER = "20120304-2385"


@pytest.fixture
def person(db):
    # The blind index as person_register writes it, without that service's own events.
    return PersonFactory(
        given_names="Kim",
        family_name="Berg",
        identity_number=IDENTITY_NUMBER,
        identity_number_index=identity_number_index(IDENTITY_NUMBER),
    )


@pytest.fixture
def events(worker, colleague, person):
    """Two events about the person (one by each user), and one about someone else."""
    for user in (worker, colleague):
        access_event_record(
            action="view",
            actor=user,
            object_type="casework.person",
            object_id=str(person.pk),
            person_ref=person.pk,
        )
    access_event_record(
        action="view",
        actor=colleague,
        object_type="casework.person",
        object_id="other",
        person_ref=uuid.uuid4(),
    )


@pytest.fixture
def auditor_client(client, auditor):
    return sign_in(client, auditor)


def rows(response):
    return list(response.context["page"].object_list)


def views(response):
    """The listed events the fixture wrote (not the auditor's own search or export)."""
    return [event for event in rows(response) if event.action == "view"]


def search_for_person(client, **fields):
    """Posts a search by identity number and follows it to the result page."""
    response = client.post(LIST, {"identity_number": TYPED_NUMBER, **fields})
    assert response.status_code == 302
    return client.get(response["Location"])


def remove_link(content):
    """The href of the "Remove person filter" link in the person-filter block."""
    block = content.split('id="person-filter"', 1)[1].split("</div>", 1)[0]
    return block.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def export_text(response):
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf"), "the byte-order mark Excel needs for å, ä and ö"
    return raw.decode("utf-8-sig")


def test_it_shows_the_active_person_filter_by_reference_only(auditor_client, events, person):
    response = search_for_person(auditor_client)
    content = response.content.decode()
    assert 'id="person-filter"' in content
    assert str(person.pk)[:8] in content.split('id="person-filter"', 1)[1]
    assert len(views(response)) == 2
    assert {event.person_ref for event in rows(response)} == {person.pk}
    for secret in (IDENTITY_NUMBER, TYPED_NUMBER, "Kim", "Berg"):
        assert secret not in content


def test_the_page_keeps_no_hidden_person_field(auditor_client, events):
    content = search_for_person(auditor_client).content.decode()
    assert 'name="person"' not in content
    assert 'type="hidden" name="person"' not in content


def test_the_remove_link_returns_the_same_search_without_the_person(
    auditor_client, events, person
):
    response = search_for_person(auditor_client, username="colleague")
    link = remove_link(response.content.decode())
    path, query = urlsplit(link).path, parse_qs(urlsplit(link).query)
    assert path == LIST
    assert query == {"username": ["colleague"]}

    response = auditor_client.get(link)
    assert 'id="person-filter"' not in response.content.decode()
    listed = rows(response)
    assert len(listed) == 2
    assert {event.actor_username for event in listed} == {"colleague"}
    assert {event.person_ref for event in listed} != {person.pk}


def test_the_remove_link_with_nothing_else_searched_is_the_bare_page(auditor_client, events):
    response = search_for_person(auditor_client)
    assert remove_link(response.content.decode()) == LIST


def test_posting_with_the_identity_number_cleared_returns_everyones_events(
    auditor_client, events, person
):
    search_for_person(auditor_client)
    # As a page from before this change would post it: the old hidden field too.
    response = auditor_client.post(LIST, {"identity_number": "", "person": str(person.pk)})
    assert response.status_code == 302
    assert "person=" not in response["Location"]
    response = auditor_client.get(response["Location"])
    assert len(views(response)) == 3
    assert len({event.person_ref for event in views(response)}) == 2
    assert 'id="person-filter"' not in response.content.decode()


def test_posting_other_fields_without_a_number_drops_the_person(auditor_client, events, person):
    response = auditor_client.post(
        LIST, {"identity_number": "", "person": str(person.pk), "username": "colleague"}
    )
    assert response["Location"] == f"{LIST}?username=colleague"
    assert len(rows(auditor_client.get(response["Location"]))) == 2


def test_a_search_by_identity_number_is_logged_and_kept_out_of_urls(
    auditor_client, auditor, events, person
):
    response = auditor_client.post(LIST, {"identity_number": TYPED_NUMBER})
    assert IDENTITY_NUMBER not in response["Location"]
    assert TYPED_NUMBER not in response["Location"]
    content = auditor_client.get(response["Location"]).content.decode()
    assert IDENTITY_NUMBER not in content and TYPED_NUMBER not in content
    search = AccessEvent.objects.get(action="search")
    assert search.actor_id == auditor.pk
    assert search.person_ref == person.pk


def test_the_field_says_it_filters_on_the_personal_identity_number(auditor_client):
    field = auditor_client.get(LIST).context["form"].fields["identity_number"]
    with translation.override("en"):
        assert "personal identity number" in str(field.label).lower()
        assert "empty" in str(field.help_text)


def test_the_export_link_keeps_the_person_filter(auditor_client, events, person):
    content = search_for_person(auditor_client).content.decode()
    assert f'href="{EXPORT}?person={person.pk}"' in content
    # Said beside the link: the file is for Excel with Swedish settings.
    assert 'aria-describedby="export-format"' in content


def test_the_export_is_separated_by_semicolons(auditor_client, events):
    text = export_text(auditor_client.get(EXPORT))
    header = text.splitlines()[0]
    assert header.startswith("id;occurred_at;actor_username;")
    assert "," not in header
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert {len(row) for row in table} == {len(table[0])}
    # The three events and the export itself, logged before the first row.
    actions = [row["action"] for row in csv.DictReader(io.StringIO(text), delimiter=";")]
    assert actions == ["export", "view", "view", "view"]


def test_a_value_holding_a_semicolon_is_quoted(auditor_client, worker):
    access_event_record(action="view", actor=worker, object_type="a;b", detail='say "x;y"')
    text = export_text(auditor_client.get(EXPORT, {"username": "worker"}))
    assert '"a;b"' in text
    assert '"say ""x;y"""' in text
    (row,) = csv.DictReader(io.StringIO(text), delimiter=";")
    assert row["object_type"] == "a;b"
    assert row["detail"] == 'say "x;y"'
    assert row["actor_username"] == "worker"


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://example.org";"x")', "+1", "-1", "@SUM(A1)", "\t=1"]
)
def test_the_export_keeps_formulas_out_of_spreadsheets(auditor_client, worker, value):
    access_event_record(action="view", actor=worker, object_id=value)
    text = export_text(auditor_client.get(EXPORT, {"username": "worker"}))
    (row,) = csv.DictReader(io.StringIO(text), delimiter=";")
    assert row["object_id"] == "'" + value


def test_the_export_is_named_for_the_search(auditor_client, events, person):
    response = auditor_client.get(
        EXPORT, {"person": str(person.pk), "date_from": "2026-06-01", "date_to": "2026-06-30"}
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith(
        f'attachment; filename="access-log-person-{str(person.pk)[:8]}-2026-06-01-to-2026-06-30-'
    )
    assert disposition.endswith('.csv"')


def test_the_export_of_everything_is_named_by_its_time(auditor_client):
    disposition = auditor_client.get(EXPORT)["Content-Disposition"]
    name = disposition.removeprefix('attachment; filename="').removesuffix('.csv"')
    prefix, date, clock = name.rsplit("-", 2)
    assert prefix == "access-log"
    assert len(date) == 8 and date.isdigit()
    assert len(clock) == 4 and clock.isdigit()


def test_a_bad_person_ref_in_the_url_is_not_shown_as_a_filter(auditor_client, events):
    response = auditor_client.get(LIST, {"person": "not-a-uuid"})
    content = response.content.decode()
    assert 'id="person-filter"' not in content
    assert response.context["page"] is None


def test_it_names_the_objects_in_words_with_a_short_reference(auditor_client, events, person):
    with translation.override("sv"):
        page = auditor_client.get(LIST, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    reference = str(person.pk)[:8].upper()
    assert f">Person {reference}</span>" in page
    # The full type and id stay at hand for a precise search.
    assert f'title="casework.person {person.pk}"' in page
    # An id that is no UUID is shown whole.
    assert ">Person OTHER</span>" not in page and ">Person other</span>" in page
