"""Issue 18, "Who is this about?": the assigned worker's lists name the child of each
report, with age and police reference, and log that read; the unit manager's lists name
nobody; a person's page lists their reports."""

import datetime
import itertools

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AccessEvent
from casework.dates import age_in_years
from casework.models import ReportState
from casework.persons.demo import identity_number
from casework.persons.services import PERSON_OBJECT, person_register
from casework.reports import selectors as report_selectors
from casework.reports.deadlines import report_deadline
from casework.reports.services import (
    report_register,
    report_take_step,
    reports_show_identifiers,
)
from tests.conftest import sign_in
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

POLICE_REFERENCE = "5000-K123456-26"
WORKER_LISTS = ["accounts:start", "casework:report-list"]
MANAGER_LISTS = ["accounts:start", "casework:unit-reports"]
SERIALS = itertools.count(300)


@pytest.fixture
def district(db):
    return DistrictFactory(name="Hjällbo")


def born():
    """A child of 13 or 14 today, who was 12 at the offence (offence_date())."""
    return datetime.date(timezone.localdate().year - 14, 1, 15)


def offence_date():
    return datetime.date(born().year + 12, 7, 1)


def child(by, given_names="Åsa", family_name="Lindqvist", *, protected=False):
    return person_register(
        by=by,
        identity_number=identity_number(born(), next(SERIALS)),
        given_names=given_names,
        family_name=family_name,
        protected_identity=protected,
    )


def report(by, person, district, *, hours_ago=3, police_reference=POLICE_REFERENCE):
    return report_register(
        by=by,
        person=person,
        police_reference=police_reference,
        offence_category="theft",
        offence_date=offence_date(),
        received_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        district=district,
    )


def detail(case):
    return reverse("casework:report-detail", kwargs={"pk": case.pk})


def person_page(person):
    return reverse("casework:person-detail", kwargs={"pk": person.pk})


def row_of(page, reference):
    """The HTML of the one table row that shows ``reference``."""
    rows = [row for row in page.split("<tr>") if reference in row]
    assert len(rows) == 1, f"{reference} is in {len(rows)} rows"
    return rows[0].split("</tr>")[0]


def names_read(user):
    return AccessEvent.objects.filter(
        actor=user, action="view", object_type=PERSON_OBJECT, detail="report_list"
    )


@pytest.mark.parametrize("url_name", WORKER_LISTS)
def test_the_assigned_worker_sees_the_childs_name_age_today_and_police_reference(
    client, worker, district, url_name
):
    person = child(worker)
    case = report(worker, person, district)
    age_today = age_in_years(born(), timezone.localdate())
    assert age_today != case.age_at_offence  # the test tells the two apart
    sign_in(client, worker)
    row = row_of(client.get(reverse(url_name)).content.decode(), case.reference)
    assert f'<a href="{detail(case)}">Åsa Lindqvist</a>' in row
    assert f"<td>{age_today}</td>" in row
    assert f"<td>{case.age_at_offence}</td>" not in row
    assert POLICE_REFERENCE in row


@pytest.mark.parametrize("url_name", WORKER_LISTS)
def test_the_assigned_worker_sees_the_name_of_a_protected_child(
    client, worker, district, url_name
):
    # The policy lets the workers assigned to a protected person read the file.
    case = report(worker, child(worker, "Skyddad", "Persson", protected=True), district)
    sign_in(client, worker)
    row = row_of(client.get(reverse(url_name)).content.decode(), case.reference)
    assert "Skyddad Persson" in row
    assert POLICE_REFERENCE in row


@pytest.mark.parametrize("url_name", MANAGER_LISTS)
def test_the_unit_managers_lists_show_neither_name_nor_police_reference(
    client, worker, manager, district, url_name
):
    case = report(worker, child(worker), district)
    sign_in(client, manager)
    page = client.get(reverse(url_name)).content.decode()
    assert case.reference in page
    for text in ("Åsa", "Lindqvist", POLICE_REFERENCE):
        assert text not in page
    assert not names_read(manager).exists()


@pytest.mark.parametrize("url_name", WORKER_LISTS)
def test_the_names_shown_are_logged_for_the_persons_on_the_page(
    client, worker, district, settings, url_name
):
    settings.REPORTS_PER_PAGE = 2
    cases = [
        report(worker, child(worker, family_name=f"Ek{n}"), district, hours_ago=30 - n)
        for n in range(3)
    ]
    sign_in(client, worker)
    page = client.get(reverse(url_name)).content.decode()
    on_page = [case for case in cases if case.reference in page]
    assert len(on_page) == 2
    events = list(names_read(worker))
    assert sorted(str(event.person_ref) for event in events) == sorted(
        str(case.person_id) for case in on_page
    )
    assert all(event.object_id == str(event.person_ref) for event in events)


def test_a_child_the_user_may_not_read_is_not_named_nor_logged(worker, colleague, district):
    # The colleague's unit has no part in this person: the policy gives no read.
    case = report(worker, child(worker), district)
    loaded = report_selectors.reports_open_for_worker(user=worker).get(pk=case.pk)
    reports_show_identifiers(reports=[loaded], by=colleague, request=None)
    assert loaded.identifiers is None
    assert not names_read(colleague).exists()


def test_a_list_that_did_not_log_names_nobody(worker, district):
    # The table shows a name only where the service that logs the read set it.
    case = report(worker, child(worker), district)
    page = Paginator(report_selectors.reports_open_for_worker(user=worker), 25).get_page(1)
    rows = [(loaded, report_deadline(loaded)) for loaded in page]
    html = render_to_string("casework/_report_table.html", {"page": page, "rows": rows})
    assert case.reference in html
    assert "Lindqvist" not in html and POLICE_REFERENCE not in html


def test_the_person_page_lists_open_and_closed_reports_newest_first_with_links(
    client, worker, colleague, district
):
    person = child(worker)
    closed = report(worker, person, district, hours_ago=50)
    report_take_step(report=closed, step="close_on_receipt", by=worker, close_reason="duplicate")
    still_open = report(worker, person, district, hours_ago=2)
    # Another unit's report about the same child: not the worker's to open.
    elsewhere = report(colleague, person, district, hours_ago=1)
    sign_in(client, worker)
    page = client.get(person_page(person)).content.decode()
    assert f'<a href="{detail(still_open)}">{still_open.reference}</a>' in page
    assert f'<a href="{detail(closed)}">{closed.reference}</a>' in page
    assert page.index(still_open.reference) < page.index(closed.reference)
    with translation.override("sv"):
        assert str(ReportState.CLOSED.label) in row_of(page, closed.reference)
    assert elsewhere.reference not in page
    assert detail(elsewhere) not in page


def test_another_units_worker_sees_only_their_own_report_on_the_person_page(
    client, worker, colleague, district
):
    person = child(worker)
    ours = report(worker, person, district)
    # The colleague holds a report of the child, so reads the file; not our unit's report.
    theirs = report(colleague, person, district)
    sign_in(client, colleague)
    page = client.get(person_page(person)).content.decode()
    assert "Lindqvist" in page
    assert f'<a href="{detail(theirs)}">{theirs.reference}</a>' in page
    assert ours.reference not in page


def test_the_person_page_shows_the_newest_reports_up_to_the_cap(
    client, worker, district, monkeypatch
):
    monkeypatch.setattr(report_selectors, "PERSON_REPORTS_SHOWN", 2)
    person = child(worker)
    oldest, middle, newest = (report(worker, person, district, hours_ago=h) for h in (9, 5, 1))
    sign_in(client, worker)
    page = client.get(person_page(person)).content.decode()
    assert newest.reference in page and middle.reference in page
    assert oldest.reference not in page
    with translation.override("sv"):
        note = translation.ngettext(
            "Showing the newest report only.", "Showing the %(counter)s newest reports only.", 2
        ) % {"counter": 2}
    assert note in page


def test_the_person_page_costs_the_same_with_1_and_with_30_reports(client, worker, district):
    person = child(worker)
    cases = [report(worker, person, district)]
    sign_in(client, worker)
    url = person_page(person)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        assert all(f'<a href="{detail(case)}">' in page for case in cases)
        for query in captured:
            if query["sql"].startswith('SELECT "casework_under15report"'):
                assert "LIMIT" in query["sql"], "loads every report of the person"
        return len(captured)

    client.get(url)  # warm caches (content types, permissions)
    at_1 = queries()
    cases += [report(worker, person, district, hours_ago=h) for h in range(4, 33)]
    assert queries() == at_1
