"""The demo shows a unit manager's day: two workers in the Angered unit, reports
assigned to each, and reports from the police import waiting to be assigned."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Unit
from accounts.roles import Role
from casework.models import ReportState, Under15Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_the_angered_unit_has_two_workers_with_reports_and_some_unassigned(seeded):
    angered = Unit.objects.get(name="Barn och unga Angered")
    workers = angered.members.filter(groups__name=Role.SOCIAL_WORKER.value)
    assert workers.count() == 2
    reports = Under15Report.objects.filter(unit=angered)
    assert {report.assigned_to for report in reports if report.assigned_to} == set(workers)
    assert reports.filter(assigned_to__isnull=True).count() >= 2


def test_demo_first_contacts_say_whom_the_worker_met(seeded):
    reached = Under15Report.objects.exclude(state=ReportState.RECEIVED).exclude(
        state=ReportState.PROTECTION_ASSESSED
    )
    assert reached.exists()
    for report in reached:
        assert report.first_contact is not None
        assert report.person.given_names in report.first_contact.participants


def test_seeding_twice_adds_no_reports(seeded):
    before = Under15Report.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Under15Report.objects.count() == before
