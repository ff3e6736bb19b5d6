"""A report's timeline is ordered and paged in SQL, newest first: a page costs the
same queries whatever the report's length."""

import datetime
import itertools
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from casework.journal.services import contact_record, journal_entry_write
from casework.models import Contact, JournalEntry, ReportState, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_assign, report_register, report_take_step
from casework.reports.timeline import TIMELINE_PER_PAGE, report_timeline, report_timeline_page
from tests.conftest import sign_in, swedish
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

SERIALS = itertools.count(700)


@pytest.fixture
def unit_mate(unit):
    return UserFactory(username="unit_mate", role=Role.SOCIAL_WORKER, unit=unit)


def register(by, *, received_at=None):
    received_at = received_at or timezone.now() - timedelta(days=5)
    child = person_register(
        by=by,
        identity_number=identity_number(datetime.date(2014, 1, 1), next(SERIALS)),
        given_names="Alva",
        family_name="Ek",
    )
    return report_register(
        by=by,
        person=child,
        police_reference="5000-K700-26",
        offence_category="threat",
        offence_date=timezone.localtime(received_at).date() - timedelta(days=1),
        received_at=received_at,
        district=DistrictFactory(name="Hjällbo"),
    )


def take(report, step, by, at=None, **values):
    report_take_step(report=report, step=step, by=by, at=at, **values)
    return Under15Report.objects.get(pk=report.pk)


def contacts_and_notes(report, by, pairs):
    """``pairs`` contacts and as many notes of their own: twice as many entries.
    (A note written with its contact is part of the contact's entry.)"""
    for _ in range(pairs):
        contact_record(
            case=report, by=by, occurred_at=timezone.now(), kind="phone", participants="Mamma"
        )
        journal_entry_write(case=report, by=by, text="Samtal")


def key(entry):
    """What an entry shows, comparable across calls."""
    return (entry["kind"], entry["object"].pk, entry["at"])


def every_page(report, *, per_page, with_records=True):
    pages = []
    number = 1
    while True:
        page = report_timeline_page(
            report, with_records=with_records, page=number, per_page=per_page
        )
        pages.append(page)
        if not page.has_older:
            return pages
        number = page.older_page_number


def detail(report, **query):
    return reverse("casework:report-detail", kwargs={"pk": report.pk}), query


# --- Order and pages ------------------------------------------------------------------


def test_it_pages_every_kind_newest_first_without_losing_or_repeating(worker, unit_mate, manager):
    now = timezone.now()
    report = register(worker, received_at=now - timedelta(days=5))
    early_call = contact_record(
        case=report, by=worker, occurred_at=now - timedelta(days=4), kind="phone"
    )
    # Typed in now, dated three days back: placed by its date, not by when it was saved.
    report = take(
        report, "assess_protection", worker, now - timedelta(days=3), protection_needed=False
    )
    visit = contact_record(
        case=report, by=worker, occurred_at=now - timedelta(days=2), kind="home_visit"
    )
    first_note = journal_entry_write(case=report, by=worker, text="Ringde mamma.")
    report = report_assign(report=report, to_user=unit_mate, by=manager)
    meeting = contact_record(case=report, by=unit_mate, occurred_at=timezone.now(), kind="meeting")
    report = take(report, "record_first_contact", unit_mate)
    last_note = journal_entry_write(case=report, by=unit_mate, text="Träffade Alva.")

    pages = every_page(Under15Report.objects.get(pk=report.pk), per_page=2)

    shown = [(entry["kind"], entry["object"].pk) for page in pages for entry in page.entries]
    history = {(record.state, record.assigned_to_id): record.pk for record in report.history.all()}
    assert shown == [
        ("journal", last_note.pk),
        ("state", history[(ReportState.FIRST_CONTACT, unit_mate.pk)]),
        ("contact", meeting.pk),
        ("assignment", history[(ReportState.PROTECTION_ASSESSED, unit_mate.pk)]),
        ("journal", first_note.pk),
        ("contact", visit.pk),
        ("state", history[(ReportState.PROTECTION_ASSESSED, worker.pk)]),
        ("contact", early_call.pk),
        ("state", history[(ReportState.RECEIVED, worker.pk)]),
    ]
    every = [key(entry) for page in pages for entry in page.entries]
    assert every == [key(entry) for entry in reversed(report_timeline(report))]
    assert [len(page.entries) for page in pages] == [2, 2, 2, 2, 1]
    assert pages[1].entries[1]["assignee"] == unit_mate
    assert pages[1].entries[1]["by"] == manager


def test_it_pages_entries_at_the_same_moment_once_each(worker):
    report = register(worker)
    moment = timezone.now() - timedelta(hours=1)
    for _ in range(7):
        contact_record(case=report, by=worker, occurred_at=moment, kind="phone")

    pages = every_page(report, per_page=3)

    every = [key(entry) for page in pages for entry in page.entries]
    assert len(every) == len(set(every)) == 8
    assert every == [key(entry) for entry in reversed(report_timeline(report))]


def test_it_says_which_pages_lie_on_either_side(worker):
    report = register(worker)
    contacts_and_notes(report, worker, 3)  # 6 entries and the registration: 7

    first, middle, last = (
        report_timeline_page(report, page=number, per_page=3) for number in (1, 2, 3)
    )

    assert (first.number, first.has_newer, first.has_older) == (1, False, True)
    assert (first.newer_page_number, first.older_page_number) == (None, 2)
    assert (middle.number, middle.has_newer, middle.has_older) == (2, True, True)
    assert (middle.newer_page_number, middle.older_page_number) == (1, 3)
    assert (last.number, last.has_newer, last.has_older) == (3, True, False)
    assert (last.newer_page_number, last.older_page_number) == (2, None)
    assert [len(page.entries) for page in (first, middle, last)] == [3, 3, 1]


def test_a_page_that_fills_exactly_has_nothing_older(worker):
    report = register(worker)
    contacts_and_notes(report, worker, 1)  # 3 entries
    page = report_timeline_page(report, per_page=3)
    assert len(page.entries) == 3
    assert not page.has_older


def test_a_page_past_the_end_is_empty_and_leads_back_to_the_first(worker):
    report = register(worker)
    page = report_timeline_page(report, page=5, per_page=3)
    assert page.entries == []
    assert (page.has_newer, page.has_older) == (True, False)
    assert page.newer_page_number == 1


@pytest.mark.parametrize("junk", [None, "", "abc", "0", "-3", "1.5", "2e3", " ", "\x00"])
def test_a_page_number_that_is_no_positive_integer_is_the_first_page(worker, junk):
    report = register(worker)
    contacts_and_notes(report, worker, 2)
    page = report_timeline_page(report, page=junk, per_page=3)
    assert page.number == 1
    assert [key(entry) for entry in page.entries] == [
        key(entry) for entry in reversed(report_timeline(report))
    ][:3]


def test_without_records_it_holds_no_contacts_or_notes(worker, unit_mate, manager):
    report = register(worker)
    contacts_and_notes(report, worker, 3)
    report = report_assign(report=report, to_user=unit_mate, by=manager)
    report = take(report, "assess_protection", unit_mate, protection_needed=True)

    pages = every_page(report, per_page=2, with_records=False)

    kinds = [entry["kind"] for page in pages for entry in page.entries]
    assert kinds == ["state", "assignment", "state"]
    assert len(pages) == 2
    # With the records, the same report runs to five pages of two.
    assert len(every_page(report, per_page=2)) == 5


def test_the_registration_is_dated_when_the_report_arrived(worker):
    received_at = timezone.now() - timedelta(days=2)
    report = register(worker, received_at=received_at)
    # Between the report's arrival and its registration (now): it comes after the arrival.
    call = contact_record(
        case=report, by=worker, occurred_at=received_at + timedelta(hours=1), kind="phone"
    )

    entries = report_timeline_page(report).entries

    assert [(entry["kind"], entry["object"].pk) for entry in entries] == [
        ("contact", call.pk),
        ("state", report.history.get().pk),
    ]
    assert entries[1]["at"] == received_at
    assert entries[1]["state"] == ReportState.RECEIVED.label
    assert entries[1]["by"] == worker


# --- The report page ------------------------------------------------------------------


def queries_for(client, url, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    records = (Contact._meta.db_table, JournalEntry._meta.db_table)
    for captured_query in captured:
        sql = captured_query["sql"]
        if any(f'FROM "{table}"' in sql for table in records):
            # The page's rows by id, or the one paging query: never the whole case.
            assert "LIMIT" in sql or " IN (" in sql, f"loads every record: {sql}"
    return len(captured), response


def test_the_report_page_costs_the_same_at_1_and_at_200_contacts_and_notes(client, worker):
    report = register(worker)
    sign_in(client, worker)
    url, query = detail(report)
    contacts_and_notes(report, worker, 1)
    client.get(url)  # warm caches (content types, permissions)

    at_1, response = queries_for(client, url, query)
    assert len(response.context["timeline"]) == 3

    contacts_and_notes(report, worker, 99)
    assert Contact.objects.count() + JournalEntry.objects.count() == 200
    at_200, response = queries_for(client, url, query)
    assert at_200 == at_1
    assert len(response.context["timeline"]) == TIMELINE_PER_PAGE
    assert response.context["timeline"][0]["object"] == JournalEntry.objects.latest("created_at")

    # An older page costs the same as the first.
    at_200_older, _response = queries_for(client, url, {"timeline": 3})
    assert at_200_older == at_1


def test_the_report_page_links_to_older_entries_past_one_page(client, worker):
    report = register(worker)
    sign_in(client, worker)
    older_link, newer_link = swedish("Older entries"), swedish("Newer entries")
    url, _query = detail(report)
    contacts_and_notes(report, worker, TIMELINE_PER_PAGE // 2)  # with the registration: 25
    page = client.get(url).content.decode()
    assert 'id="timeline"' in page
    assert older_link not in page
    assert newer_link not in page

    contacts_and_notes(report, worker, 1)
    page = client.get(url).content.decode()
    assert f'href="{url}?timeline=2#timeline"' in page
    assert older_link in page
    assert newer_link not in page

    older = client.get(url, {"timeline": 2})
    page = older.content.decode()
    assert [entry["kind"] for entry in older.context["timeline"]] == ["contact", "state"]
    assert f'href="{url}?timeline=1#timeline"' in page
    assert newer_link in page
    assert older_link not in page


def test_the_report_page_shows_the_newest_first(client, worker):
    report = register(worker)
    first = journal_entry_write(case=report, by=worker, text="Första anteckningen")
    second = journal_entry_write(case=report, by=worker, text="Andra anteckningen")
    assert first.created_at < second.created_at
    sign_in(client, worker)
    url, query = detail(report)
    page = client.get(url, query).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index("Andra anteckningen") < timeline.index("Första anteckningen")


@pytest.mark.parametrize(
    "junk", ["abc", "-3", "0", "1.5", "", "99999999999999999999", "9" * 5000, "%00", "\x00", "ä"]
)
def test_the_report_page_takes_any_timeline_value(client, worker, junk):
    report = register(worker)
    contacts_and_notes(report, worker, 1)
    sign_in(client, worker)
    url, _query = detail(report)
    response = client.get(url, {"timeline": junk})
    assert response.status_code == 200
    page = response.context["timeline_page"]
    assert page.number >= 1
    if page.number == 1:
        assert len(response.context["timeline"]) == 3
    else:
        # A page far past the end: empty, with the way back to the newest.
        assert response.context["timeline"] == []
        assert f'href="{url}?timeline=1#timeline"' in response.content.decode()


def test_the_report_page_leaves_out_records_the_user_may_not_read(client, worker):
    report = register(worker)
    contacts_and_notes(report, worker, TIMELINE_PER_PAGE)
    permission = Permission.objects.get(
        content_type__app_label="casework", codename="view_journalentry"
    )
    Group.objects.get(name=Role.SOCIAL_WORKER.value).permissions.remove(permission)
    sign_in(client, get_user_model().objects.get(pk=worker.pk))
    url, query = detail(report)

    response = client.get(url, query)

    assert [entry["kind"] for entry in response.context["timeline"]] == ["state"]
    assert "Older entries" not in response.content.decode()
