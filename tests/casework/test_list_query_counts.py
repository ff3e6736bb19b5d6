"""List pages are ordered, counted and paged in SQL: their cost does not grow with the
number of open reports behind them."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register
from tests.conftest import sign_in
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

SERIALS = itertools.count()


def unique_identity_number():
    """A new number each call: serials run 100-999, then the next birth day."""
    n = next(SERIALS)
    born = datetime.date(2014, 1, 1) + datetime.timedelta(days=n // 900)
    return identity_number(born, 100 + n % 900)


def open_reports(by, count):
    district = DistrictFactory(name="Hjällbo")
    now = timezone.now()
    for n in range(count):
        child = person_register(
            by=by,
            identity_number=unique_identity_number(),
            given_names="Alva",
            family_name="Ek",
        )
        received = now - datetime.timedelta(hours=n)
        report_register(
            by=by,
            person=child,
            police_reference="5000-K1-26",
            offence_category="theft",
            offence_date=timezone.localtime(received).date() - datetime.timedelta(days=1),
            received_at=received,
            district=district,
        )


def contacts_and_notes(report, by, count):
    """``count`` contacts on ``report``, each with a journal note."""
    from casework.journal.services import contact_record, journal_entry_write

    for _ in range(count):
        contact = contact_record(
            case=report, by=by, occurred_at=timezone.now(), kind="phone", participants="M"
        )
        journal_entry_write(case=report, by=by, text="Samtal", contact=contact)


def queries_for(client, url):
    """How many queries the page makes; each that fetches report rows fetches one page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    for query in captured:
        sql = query["sql"]
        if 'FROM "casework_under15report"' in sql and "COUNT(" not in sql:
            assert "LIMIT" in sql, f"loads every open report: {sql}"
    return len(captured)


@pytest.mark.parametrize(
    ("url_name", "user_name"),
    [
        ("accounts:start", "worker"),
        ("casework:report-list", "worker"),
        ("casework:unit-reports", "manager"),
        ("accounts:start", "manager"),
    ],
)
def test_a_list_page_costs_the_same_at_10_and_at_200_open_reports(
    client, worker, manager, url_name, user_name, settings
):
    settings.REPORTS_PER_PAGE = 5
    user = {"worker": worker, "manager": manager}[user_name]
    open_reports(worker, 10)
    sign_in(client, user)
    client.get(reverse(url_name))  # warm caches (content types, permissions)
    at_10 = queries_for(client, reverse(url_name))
    open_reports(worker, 190)
    assert Under15Report.objects.count() == 200
    at_200 = queries_for(client, reverse(url_name))
    assert at_10 == at_200


@pytest.mark.parametrize("url_name", ["accounts:start", "casework:report-list"])
def test_the_worker_lists_with_names_cost_the_same_at_1_and_at_a_full_page(
    client, worker, settings, url_name
):
    """Names, ages and police references come with the page's one query (the persons'
    and the reports' data keys joined); the read is logged in one INSERT.

    At the page size in settings (25): SQLite caps bind variables, so Django would
    split a batch of events much longer than that into two INSERTs.
    """
    from audit.models import AccessEvent

    url = reverse(url_name)
    sign_in(client, worker)

    def page_with_names():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode().count(">Alva Ek</a>")

    open_reports(worker, 1)
    client.get(url)  # warm caches (content types, permissions)
    at_1, named = page_with_names()
    assert named == 1
    open_reports(worker, settings.REPORTS_PER_PAGE + 5)
    at_full_page, named = page_with_names()
    assert named == settings.REPORTS_PER_PAGE
    assert at_full_page == at_1
    latest = AccessEvent.objects.filter(detail="report_list", actor=worker).order_by("-id")
    assert len({event.person_ref for event in latest[: settings.REPORTS_PER_PAGE]}) == named


def test_the_counts_cover_every_open_report_not_only_the_page(client, worker, settings):
    settings.REPORTS_PER_PAGE = 5
    open_reports(worker, 30)
    sign_in(client, worker)
    response = client.get(reverse("casework:report-list"))
    # Reports received 24 h ago and more are overdue for their protection assessment.
    overdue = Under15Report.objects.filter(
        received_at__lte=timezone.now() - datetime.timedelta(hours=24)
    ).count()
    assert response.context["overdue_count"] == overdue
    assert response.context["page"].paginator.count == 30
    assert len(response.context["rows"]) == 5


def test_the_report_page_costs_the_same_at_1_and_at_40_contacts_and_notes(client, worker):
    from casework.models import Under15Report

    open_reports(worker, 1)
    report = Under15Report.objects.get()
    sign_in(client, worker)
    url = reverse("casework:report-detail", kwargs={"pk": report.pk})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    contacts_and_notes(report, worker, 1)
    client.get(url)  # warm caches
    at_1 = queries()
    contacts_and_notes(report, worker, 39)
    assert queries() == at_1


# PostgreSQL: SQLite caps bind variables, so Django splits 50 events into two INSERTs.
@pytest.mark.postgres
def test_a_name_search_costs_the_same_with_5_and_with_50_results(client, worker, settings):
    from audit.models import AccessEvent

    settings.PERSON_SEARCH_LIMIT = 100
    sign_in(client, worker)
    url = reverse("casework:person-search")

    def search():
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, {"q": "Alva Ek"})
        assert response.status_code == 200
        return len(captured), response

    open_reports(worker, 5)
    client.post(url, {"q": "Alva Ek"})  # warm caches
    at_5, response = search()
    assert response.content.decode().count("Alva Ek") >= 5
    open_reports(worker, 45)
    at_50, response = search()
    assert at_50 == at_5
    # Every person shown is in the log, one event each.
    latest = AccessEvent.objects.filter(action="search", actor=worker).order_by("-id")[:50]
    assert len({event.person_ref for event in latest}) == 50


def test_logging_a_contact_costs_the_same_at_1_and_at_200_contacts_and_notes(client, worker):
    from casework.models import Contact, Under15Report

    open_reports(worker, 1)
    report = Under15Report.objects.get()
    sign_in(client, worker)
    url = reverse("casework:contact-create", kwargs={"pk": report.pk})
    form = {
        "kind": "phone",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "participants": "Mamma",
        "note": "Samtal om skolan",
    }

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, form)
        assert response.status_code == 302
        return len(captured)

    contacts_and_notes(report, worker, 1)
    client.post(url, form)  # warm caches
    at_1 = queries()
    contacts_and_notes(report, worker, 199)
    assert Contact.objects.filter(case_id=report.pk).count() > 200
    assert queries() == at_1
