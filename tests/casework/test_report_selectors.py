"""Which under-15 reports each user sees, in what order, and a report's timeline."""

import datetime
import itertools
import uuid
from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from casework.journal.services import contact_record, journal_entry_sign, journal_entry_write
from casework.models import AssessmentDecision, ReportState, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.selectors import (
    report_get_for_user,
    reports_for_user,
    reports_open_for_unit,
    reports_open_for_worker,
)
from casework.reports.services import report_assign, report_register, report_take_step
from casework.reports.timeline import report_timeline
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

SERIALS = itertools.count(400)


@pytest.fixture
def unit_mate(unit):
    return UserFactory(username="unit_mate", role=Role.SOCIAL_WORKER, unit=unit)


def person(by, **values):
    born = datetime.date(timezone.localdate().year - 13, 1, 1)
    return person_register(
        by=by,
        identity_number=identity_number(born, next(SERIALS)),
        given_names="Alva",
        family_name="Ek",
        **values,
    )


def register(by, *, child=None, received_at=None, district="Hjällbo"):
    received_at = received_at or timezone.now() - timedelta(days=1)
    return report_register(
        by=by,
        person=child or person(by),
        police_reference="5000-K100400-26",
        offence_category="threat",
        offence_date=timezone.localtime(received_at).date() - timedelta(days=1),
        received_at=received_at,
        district=DistrictFactory(name=district),
    )


def take(report, step, by, at, **values):
    report_take_step(report=report, step=step, by=by, at=at, **values)
    return Under15Report.objects.get(pk=report.pk)


# --- Who sees which report ------------------------------------------------------------


@pytest.fixture
def reports(worker, unit_mate, colleague):
    return {
        "own": register(worker),
        "unit_mates": register(unit_mate),
        "other_units": register(colleague),
        # Protected identity: assigned to the unit mate, so the worker's unit
        # membership alone is not enough.
        "protected": register(unit_mate, child=person(unit_mate, protected_identity=True)),
    }


VISIBLE = {
    "worker": {"own", "unit_mates"},
    "unit_mate": {"own", "unit_mates", "protected"},
    "colleague": {"other_units"},
    # The manager assigns the unit's reports, protected ones included.
    "manager": {"own", "unit_mates", "protected"},
    "sspf_member": set(),
    "auditor": set(),
    "administrator": set(),
}
MATRIX = [
    (role, report, report in visible)
    for role, visible in VISIBLE.items()
    for report in ("own", "unit_mates", "other_units", "protected")
]


@pytest.mark.parametrize(("role", "report", "visible"), MATRIX)
def test_who_sees_which_report(request, reports, role, report, visible):
    user = request.getfixturevalue(role)
    pk = reports[report].pk
    assert reports_for_user(user=user).filter(pk=pk).exists() is visible
    if visible:
        assert report_get_for_user(user=user, pk=pk).pk == pk
    else:
        with pytest.raises(Http404):
            report_get_for_user(user=user, pk=pk)


@pytest.mark.parametrize("role", list(VISIBLE))
def test_each_user_sees_exactly_their_reports(request, reports, role):
    user = request.getfixturevalue(role)
    expected = {reports[name].pk for name in VISIBLE[role]}
    assert set(reports_for_user(user=user).values_list("pk", flat=True)) == expected


def test_an_unknown_report_is_not_found(worker, reports):
    with pytest.raises(Http404):
        report_get_for_user(user=worker, pk=uuid.uuid4())


def test_a_worker_who_moves_unit_keeps_the_reports_assigned_to_them(worker, unit_mate, other_unit):
    own = register(worker)
    unit_mates = register(unit_mate)
    worker.unit = other_unit
    worker.save(update_fields=["unit"])
    visible = set(reports_for_user(user=worker).values_list("pk", flat=True))
    assert own.pk in visible
    assert unit_mates.pk not in visible


def test_the_assigned_worker_sees_a_protected_report_of_another_unit(
    worker, unit_mate, manager, other_unit
):
    # The worker registered the person, so they already work with them: the
    # only kind of worker a protected person's report may be assigned to.
    report = register(unit_mate, child=person(worker, protected_identity=True))
    report_assign(report=report, to_user=worker, by=manager)
    worker.unit = other_unit
    worker.save(update_fields=["unit"])
    assert report_get_for_user(user=worker, pk=report.pk).pk == report.pk
    # The unit mate is no longer assigned, and protection narrows the unit to that.
    with pytest.raises(Http404):
        report_get_for_user(user=unit_mate, pk=report.pk)


# --- The worker's list ----------------------------------------------------------------


def test_the_workers_list_puts_overdue_first_then_by_due_time(worker, unit_mate):
    now = timezone.now()
    # Protection due 6 hours ago.
    protection_overdue = register(worker, received_at=now - timedelta(hours=30))
    # First contact due a day ago.
    contact_overdue = register(worker, received_at=now - timedelta(days=8))
    take(
        contact_overdue,
        "assess_protection",
        worker,
        now - timedelta(days=8),
        protection_needed=False,
    )
    # Protection due in 22 hours.
    fresh = register(worker, received_at=now - timedelta(hours=2))
    # First contact due in four days.
    contact_due = register(worker, received_at=now - timedelta(days=3))
    take(
        contact_due, "assess_protection", worker, now - timedelta(days=3), protection_needed=False
    )
    # Assessment due in five days.
    assessment_due = register(worker, received_at=now - timedelta(days=9))
    take(
        assessment_due,
        "assess_protection",
        worker,
        now - timedelta(days=9),
        protection_needed=True,
    )
    take(assessment_due, "record_first_contact", worker, now - timedelta(days=8))
    # No clock runs: last.
    assessed = register(worker, received_at=now - timedelta(days=5))
    take(assessed, "assess_protection", worker, now - timedelta(days=5), protection_needed=False)
    take(assessed, "record_first_contact", worker, now - timedelta(days=4))
    take(
        assessed,
        "record_assessment",
        worker,
        now - timedelta(days=3),
        decision=AssessmentDecision.REFER_SSPF,
    )
    # Left out: closed, and assigned to someone else.
    closed = register(worker, received_at=now - timedelta(days=40))
    take(closed, "close_on_receipt", worker, now - timedelta(days=39), close_reason="duplicate")
    register(unit_mate, received_at=now - timedelta(days=20))

    listed = reports_open_for_worker(user=worker)
    assert [report.pk for report in listed] == [
        contact_overdue.pk,
        protection_overdue.pk,
        fresh.pk,
        contact_due.pk,
        assessment_due.pk,
        assessed.pk,
    ]


def test_the_workers_list_filters_by_state_and_district(worker):
    now = timezone.now()
    hjallbo = register(worker, district="Hjällbo")
    gardsten = register(worker, district="Gårdsten")
    assessed = register(worker, district="Gårdsten", received_at=now - timedelta(days=2))
    take(assessed, "assess_protection", worker, now - timedelta(days=2), protection_needed=False)

    def pks(**filters):
        return [report.pk for report in reports_open_for_worker(user=worker, **filters)]

    assert set(pks()) == {hjallbo.pk, gardsten.pk, assessed.pk}
    assert pks(state=ReportState.PROTECTION_ASSESSED) == [assessed.pk]
    assert set(pks(state=ReportState.RECEIVED)) == {hjallbo.pk, gardsten.pk}
    assert set(pks(district=gardsten.district)) == {gardsten.pk, assessed.pk}
    assert pks(state=ReportState.RECEIVED, district=gardsten.district) == [gardsten.pk]
    assert pks(state=ReportState.INVESTIGATING) == []


def test_the_workers_list_is_empty_for_a_colleague_of_another_unit(worker, colleague):
    register(worker)
    assert list(reports_open_for_worker(user=colleague)) == []


# --- The unit's list ------------------------------------------------------------------


def unassigned(report):
    # Reports arrive assigned to whoever registers them; none of the services
    # unassigns one yet, so the fixture does it the only way it can.
    report = Under15Report.objects.get(pk=report.pk)
    report.assigned_to = None
    report.save(update_fields=["assigned_to"])
    return report


def test_the_unit_list_puts_unassigned_reports_first(worker, unit_mate, colleague, manager):
    now = timezone.now()
    overdue = register(worker, received_at=now - timedelta(hours=30))
    due_later = register(unit_mate, received_at=now - timedelta(hours=3))
    unassigned_fresh = unassigned(register(worker, received_at=now - timedelta(hours=1)))
    unassigned_overdue = unassigned(register(unit_mate, received_at=now - timedelta(hours=40)))
    closed = register(worker, received_at=now - timedelta(days=3))
    take(closed, "close_on_receipt", worker, now - timedelta(days=2), close_reason="moved_away")
    register(colleague)

    listed = reports_open_for_unit(user=manager)
    assert [report.pk for report in listed] == [
        unassigned_overdue.pk,
        unassigned_fresh.pk,
        overdue.pk,
        due_later.pk,
    ]


def test_the_unit_list_is_empty_for_those_outside_it(worker, colleague, auditor, administrator):
    register(worker)
    for user in (colleague, auditor, administrator):
        assert list(reports_open_for_unit(user=user)) == []


# --- The timeline -----------------------------------------------------------------------


def entries(report):
    """(kind, what, who) of each timeline entry, in order."""
    rows = []
    for entry in report_timeline(Under15Report.objects.get(pk=report.pk)):
        if entry["kind"] == "state":
            rows.append(("state", entry["object"].state, entry["by"]))
        elif entry["kind"] == "assignment":
            rows.append(("assignment", entry["assignee"], entry["by"]))
        else:
            rows.append((entry["kind"], entry["object"].pk, entry["object"].created_by))
    return rows


def test_the_timeline_puts_steps_contacts_and_notes_in_time_order(worker, unit_mate, manager):
    now = timezone.now()
    report = register(worker, received_at=now - timedelta(hours=1))
    report = take(
        report, "assess_protection", worker, now - timedelta(minutes=50), protection_needed=False
    )
    between = now - timedelta(minutes=30)
    note = journal_entry_write(case=report, by=worker, text="Ringde mamma, inget svar.")
    journal_entry_sign(entry=note, by=worker)
    # Recorded after the note, but it happened before it.
    call = contact_record(case=report, by=unit_mate, occurred_at=between, kind="phone")
    # A reassignment is not a change of state, but it shows, with who did it.
    report = report_assign(report=report, to_user=unit_mate, by=manager)
    report = take(report, "record_first_contact", unit_mate, None)

    assert entries(report) == [
        ("state", ReportState.RECEIVED, worker),
        ("state", ReportState.PROTECTION_ASSESSED, worker),
        ("contact", call.pk, unit_mate),
        ("journal", note.pk, worker),
        ("assignment", unit_mate, manager),
        ("state", ReportState.FIRST_CONTACT, unit_mate),
    ]
    # Each entry is dated by when it happened, not when it was typed in.
    timeline = report_timeline(report)
    assert timeline[1]["at"] == report.protection_assessed_at
    assert timeline[2]["at"] == between
    assert timeline[3]["at"] == note.created_at
    assert timeline[5]["at"] == report.first_contact_at
    assert [entry.get("state") for entry in timeline if entry["kind"] == "state"] == [
        ReportState.RECEIVED.label,
        ReportState.PROTECTION_ASSESSED.label,
        ReportState.FIRST_CONTACT.label,
    ]


def test_the_timeline_keeps_other_reports_out(worker):
    report = register(worker)
    other = register(worker)
    contact_record(case=other, by=worker, occurred_at=timezone.now(), kind="meeting")
    journal_entry_write(case=other, by=worker, text="Annat ärende.")
    assert [kind for kind, _what, _who in entries(report)] == ["state"]


def test_the_timeline_starts_when_the_report_arrived(worker):
    report = register(worker, received_at=timezone.now() - timedelta(days=2))
    take(
        report,
        "assess_protection",
        worker,
        report.received_at + timedelta(hours=1),
        protection_needed=False,
    )
    assert [what for _kind, what, _who in entries(report)] == [
        ReportState.RECEIVED,
        ReportState.PROTECTION_ASSESSED,
    ]
