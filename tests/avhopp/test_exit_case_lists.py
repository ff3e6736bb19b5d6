"""The exit-case lists are ordered, filtered and paged in SQL: the soonest
measurement due first, and the same queries for 3 cases as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from avhopp import selectors
from avhopp.models import ExitCase
from tests.avhopp.conftest import intake, register, step
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def cases_in_intake(worker, count, *, first_serial=100):
    """``count`` cases in intake assessment, started n days ago (baseline due n days sooner)."""
    made = []
    for n in range(count):
        case = register(worker, serial=first_serial + n, given="Kim", family="Ek")
        made.append(step(case, "start_intake", worker, days_ago=n + 1))
    return made


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["avhopp:case-list", "accounts:start"])
def test_a_list_costs_the_same_for_many_cases(client, worker, url_name):
    cases_in_intake(worker, 3)
    sign_in(client, worker)
    few = queries(client, reverse(url_name))
    cases_in_intake(worker, 27, first_serial=300)
    many = queries(client, reverse(url_name))
    assert many == few


def test_the_soonest_due_comes_first_and_paging_is_in_sql(worker):
    made = cases_in_intake(worker, 30)
    listing = selectors.worker_cases_listing(user=worker)
    shown = list(listing["page"])
    assert len(shown) == selectors.CASES_PER_PAGE
    due = [case.next_due_on for case in shown]
    assert due == sorted(due)
    # The case started 30 days ago waits longest for its baseline.
    assert shown[0].pk == made[-1].pk
    assert listing["overdue_count"] == 30 - 14  # started more than 14 days ago
    second = list(selectors.worker_cases_listing(user=worker, page=2)["page"])
    assert {c.pk for c in shown}.isdisjoint({c.pk for c in second})
    assert len(shown) + len(second) == 30


def test_the_start_page_lists_only_what_is_due_soon(client, worker, settings):
    settings.AVHOPP_DUE_SOON_DAYS = 5
    early, late = cases_in_intake(worker, 2)
    # Started 1 and 2 days ago: baselines due in 13 and 12 days.
    assert list(selectors.measurements_due_listing(user=worker)["page"]) == []
    intake(late, worker)
    step(late, "decline", worker, days_ago=0, decline_reason="other")
    settings.AVHOPP_DUE_SOON_DAYS = 13
    page = list(selectors.measurements_due_listing(user=worker)["page"])
    assert [case.pk for case in page] == [early.pk]
    assert ExitCase.objects.get(pk=late.pk).next_due_on is None


def test_the_unit_list_filters_by_state_and_track(manager, worker):
    cases_in_intake(worker, 2)
    register(worker, serial=900, track="prevention")
    listing = selectors.unit_cases_listing(user=manager, state="intake_assessment")
    assert len(listing["rows"]) == 2
    listing = selectors.unit_cases_listing(user=manager, track="prevention")
    assert [case.track for case, _workers in listing["rows"]] == ["prevention"]
    assert selectors.unit_case_counts(user=manager, today=timezone.localdate())["by_state"][0][
        1:
    ] == (0, 1)  # inquiry: exit 0, prevention 1
