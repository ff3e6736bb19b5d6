import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from audit.models import AccessEvent
from casework.models import JournalEntry, ReportState, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register, report_take_step
from tests.conftest import sign_in, swedish

pytestmark = pytest.mark.django_db

NUMBER = "20120304-2385"


@pytest.fixture
def district(db):
    return District.objects.create(name="Hjällbo")


@pytest.fixture
def report(worker, district):
    person = person_register(
        by=worker, identity_number=NUMBER, given_names="Åsa", family_name="Lindqvist"
    )
    return report_register(
        by=worker,
        person=person,
        police_reference="5000-K123456-26",
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=3),
        district=district,
    )


def registration(district, **overrides):
    now = timezone.localtime()
    data = {
        "identity_number": NUMBER,
        "given_names": "Kim",
        "family_name": "Ekström",
        "police_reference": "5000-K654321-26",
        "offence_category": "violence",
        "offence_date": (now.date() - datetime.timedelta(days=1)).isoformat(),
        "received_at": now.strftime("%Y-%m-%dT%H:%M"),
        "district": district.pk,
    }
    data.update(overrides)
    return data


def step(report, name, **values):
    data = {f"{name}-expected_state": report.state, f"{name}-at": _now()}
    data.update({f"{name}-{key}": value for key, value in values.items()})
    return reverse("casework:report-step", kwargs={"pk": report.pk, "step": name}), data


def _now():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def detail(report):
    return reverse("casework:report-detail", kwargs={"pk": report.pk})


MATRIX = [
    ("worker", 200),
    ("colleague", 404),
    ("sspf_member", 404),
    ("manager", 404),
    ("auditor", 404),
    ("administrator", 404),
]


@pytest.mark.parametrize(("user_name", "status"), MATRIX)
def test_role_matrix_for_a_report(client, all_role_users, report, user_name, status):
    sign_in(client, all_role_users[user_name])
    response = client.get(detail(report))
    assert response.status_code == status
    if status == 404:
        assert "Lindqvist" not in response.content.decode()
        assert "5000-K123456-26" not in response.content.decode()


@pytest.mark.parametrize(("user_name", "status"), MATRIX)
def test_role_matrix_for_the_reports_writes(client, all_role_users, report, user_name, status):
    sign_in(client, all_role_users[user_name])
    url, data = step(report, "assess_protection", protection_needed="no")
    response = client.post(url, data)
    assert response.status_code == (302 if status == 200 else 404)
    journal = client.post(
        reverse("casework:journal-create", kwargs={"pk": report.pk}), {"text": "x"}
    )
    assert journal.status_code == (302 if status == 200 else 404)


@pytest.mark.parametrize(
    "user_name", ["worker", "colleague", "sspf_member", "manager", "auditor", "administrator"]
)
def test_a_guessed_report_id_gives_404(client, all_role_users, user_name):
    sign_in(client, all_role_users[user_name])
    assert (
        client.get(reverse("casework:report-detail", kwargs={"pk": uuid.uuid4()})).status_code
        == 404
    )


def test_opening_a_report_is_logged(client, worker, report):
    sign_in(client, worker)
    client.get(detail(report))
    event = AccessEvent.objects.filter(action="view", object_id=str(report.pk)).get()
    assert event.person_ref == report.person_id


def test_registering_creates_the_person_and_starts_the_clock(client, worker, district):
    sign_in(client, worker)
    response = client.post(reverse("casework:report-create"), registration(district))
    report = Under15Report.objects.get()
    assert response["Location"] == detail(report)
    assert report.person.family_name == "Ekström"
    assert report.assigned_to == worker
    assert report.state == ReportState.RECEIVED
    assert report.age_at_offence < 15


def test_registering_finds_an_existing_person_by_number(client, worker, district):
    person = person_register(
        by=worker, identity_number=NUMBER, given_names="Åsa", family_name="Lindqvist"
    )
    sign_in(client, worker)
    client.post(
        reverse("casework:report-create"),
        registration(district, identity_number="120304-2385", given_names="", family_name=""),
    )
    assert Under15Report.objects.get().person == person


def test_a_person_aged_15_is_refused_with_a_clear_message(client, worker, district):
    sign_in(client, worker)
    response = client.post(
        reverse("casework:report-create"),
        registration(district, identity_number=identity_number(datetime.date(2005, 5, 5), 123)),
    )
    assert response.status_code == 200
    assert not Under15Report.objects.exists()
    content = response.content.decode()
    assert 'value="Ekström"' in content
    assert (
        swedish(
            "The person was %(age)s at the offence. This workflow is for children "
            "under 15; register the matter as an ordinary report of concern."
        ).split("%")[0]
        in content
    )


def test_future_and_inconsistent_dates_are_refused_and_input_kept(client, worker, district):
    sign_in(client, worker)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("casework:report-create"), registration(district, offence_date=tomorrow)
    )
    assert response.status_code == 200
    assert "5000-K654321-26" in response.content.decode()
    earlier = (timezone.localtime() - datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("casework:report-create"), registration(district, received_at=earlier)
    )
    assert response.status_code == 200
    assert not Under15Report.objects.exists()


def test_an_unknown_district_is_a_form_error_not_a_500(client, worker, district):
    sign_in(client, worker)
    response = client.post(
        reverse("casework:report-create"), {**registration(district), "district": 999}
    )
    assert response.status_code == 200
    assert not Under15Report.objects.exists()


def test_an_open_report_for_the_same_person_is_flagged_and_can_be_linked(
    client, worker, district, report
):
    sign_in(client, worker)
    response = client.post(
        reverse("casework:report-create"),
        registration(district, given_names="", family_name=""),
    )
    assert response.status_code == 200
    assert report.reference in response.content.decode()
    assert Under15Report.objects.count() == 1
    response = client.post(
        reverse("casework:report-create"),
        registration(district, given_names="", family_name="", link_to_open_report="on"),
    )
    new = Under15Report.objects.exclude(pk=report.pk).get()
    assert new.linked_report == report


def test_a_step_saves_and_shows_in_the_timeline(client, worker, report):
    sign_in(client, worker)
    url, data = step(report, "assess_protection", protection_needed="yes")
    assert client.post(url, data)["Location"] == detail(report)
    report.refresh_from_db()
    assert report.state == ReportState.PROTECTION_ASSESSED
    assert report.protection_needed is True
    url, data = step(report, "record_first_contact", contact_kind="home_visit", met="child")
    client.post(url, data)
    report.refresh_from_db()
    assert report.reaction_time is not None
    page = client.get(detail(report)).content.decode()
    assert 'id="reaction-time"' in page


def test_a_step_someone_else_took_says_who_and_keeps_the_input(client, worker, report, unit):
    from accounts.roles import Role
    from tests.factories import UserFactory

    other = UserFactory(
        username="olle", first_name="Olle", last_name="Berg", unit=unit, role=Role.SOCIAL_WORKER
    )
    sign_in(client, worker)
    url, data = step(report, "assess_protection", protection_needed="yes")
    stale = Under15Report.objects.get(pk=report.pk)
    report_take_step(report=stale, step="assess_protection", by=other, protection_needed=False)
    response = client.post(url, data)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Olle Berg" in content
    assert Under15Report.objects.get(pk=report.pk).protection_needed is False


def test_a_time_in_the_future_is_refused_in_the_form(client, worker, report):
    sign_in(client, worker)
    url, data = step(report, "assess_protection", protection_needed="no")
    data["assess_protection-at"] = (timezone.localtime() + datetime.timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert Under15Report.objects.get(pk=report.pk).state == ReportState.RECEIVED


def test_first_contact_before_the_report_is_refused(client, worker, report):
    sign_in(client, worker)
    url, data = step(report, "assess_protection", protection_needed="no")
    data["assess_protection-at"] = (
        (report.received_at - datetime.timedelta(hours=2))
        .astimezone(timezone.get_current_timezone())
        .strftime("%Y-%m-%dT%H:%M")
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert Under15Report.objects.get(pk=report.pk).state == ReportState.RECEIVED


def test_journal_draft_sign_and_correct(client, worker, report):
    sign_in(client, worker)
    client.post(reverse("casework:journal-create", kwargs={"pk": report.pk}), {"text": "Första"})
    entry = JournalEntry.objects.get()
    edit_url = reverse("casework:journal-edit", kwargs={"pk": report.pk, "entry_pk": entry.pk})
    client.post(edit_url, {"text": "Första, rättad"})
    client.post(reverse("casework:journal-sign", kwargs={"pk": report.pk, "entry_pk": entry.pk}))
    entry = JournalEntry.objects.get(pk=entry.pk)
    assert entry.is_signed and entry.text == "Första, rättad"
    # A signed note: the edit page writes a correction instead.
    client.post(edit_url, {"text": "Rättelse: datum fel"})
    correction = JournalEntry.objects.exclude(pk=entry.pk).get()
    assert correction.corrects == entry
    assert JournalEntry.objects.get(pk=entry.pk).text == "Första, rättad"
    page = client.get(detail(report)).content.decode()
    # Newest first: the correction above the note it corrects.
    assert page.index("Rättelse: datum fel") < page.index("Första, rättad")


def test_a_contact_with_a_note_lands_in_the_timeline(client, worker, report):
    sign_in(client, worker)
    response = client.post(
        reverse("casework:contact-create", kwargs={"pk": report.pk}),
        {"occurred_at": _now(), "kind": "home_visit", "participants": "Mamma", "note": "Hembesök"},
    )
    assert response["Location"] == detail(report)
    page = client.get(detail(report)).content.decode()
    assert "Hembesök" in page and "Mamma" in page


def test_the_worker_start_page_and_list_show_urgency(client, worker, report):
    sign_in(client, worker)
    assert report.reference in client.get(reverse("accounts:start")).content.decode()
    listing = client.get(reverse("casework:report-list")).content.decode()
    assert report.reference in listing
    filtered = client.get(reverse("casework:report-list"), {"state": "closed"})
    assert filtered.status_code == 200


def test_the_manager_sees_the_unit_list_without_names_and_assigns(client, manager, worker, report):
    sign_in(client, manager)
    page = client.get(reverse("casework:unit-reports")).content.decode()
    assert report.reference in page
    assert "Lindqvist" not in page
    response = client.post(
        reverse("casework:report-assign", kwargs={"pk": report.pk}), {"assigned_to": worker.pk}
    )
    assert response["Location"] == reverse("casework:unit-reports")


def test_the_manager_cannot_assign_outside_the_unit(client, manager, colleague, report):
    sign_in(client, manager)
    client.post(
        reverse("casework:report-assign", kwargs={"pk": report.pk}), {"assigned_to": colleague.pk}
    )
    assert Under15Report.objects.get(pk=report.pk).assigned_to != colleague


def test_a_report_page_is_not_cached(client, worker, report):
    sign_in(client, worker)
    assert "no-store" in client.get(detail(report))["Cache-Control"]


@pytest.mark.parametrize(
    ("steps_taken", "values", "offered"),
    [
        ([], {}, {"assess_protection", "close_on_receipt"}),
        (["assess_protection"], {"protection_needed": False}, {"record_first_contact"}),
        (
            ["assess_protection", "record_first_contact"],
            {"protection_needed": False},
            {"record_assessment"},
        ),
        (
            ["assess_protection", "record_first_contact", "record_assessment"],
            {"protection_needed": False, "decision": "open_investigation"},
            {"start_investigation"},
        ),
        (
            ["assess_protection", "record_first_contact", "record_assessment"],
            {"protection_needed": False, "decision": "refer_sspf"},
            {"close"},
        ),
    ],
)
def test_the_page_offers_exactly_the_next_steps(
    client, worker, report, steps_taken, values, offered
):
    for name in steps_taken:
        report_take_step(report=report, step=name, by=worker, **values)
    sign_in(client, worker)
    page = client.get(detail(report)).content.decode()
    shown = {
        name
        for name in (
            "assess_protection",
            "record_first_contact",
            "record_assessment",
            "start_investigation",
            "close_on_receipt",
            "close",
        )
        if reverse("casework:report-step", kwargs={"pk": report.pk, "step": name}) in page
    }
    assert shown == offered


def test_a_reassignment_shows_in_the_timeline(client, worker, manager, report, unit):
    from accounts.roles import Role
    from casework.reports.services import report_assign
    from tests.factories import UserFactory

    other = UserFactory(
        username="olle", first_name="Olle", last_name="Berg", unit=unit, role=Role.SOCIAL_WORKER
    )
    report_assign(report=report, to_user=other, by=manager)
    sign_in(client, other)
    page = client.get(detail(report)).content.decode()
    assert "Olle Berg" in page
    assert str(manager) in page


def make_reports(worker, district, count, hours_ago):
    made = []
    for n in range(count):
        person = person_register(
            by=worker,
            identity_number=identity_number(datetime.date(2013, 1, 1 + n), 200 + n),
            given_names="Barn",
            family_name=f"Nummer{n}",
        )
        made.append(
            report_register(
                by=worker,
                person=person,
                police_reference=f"5000-K{n}-26",
                offence_category="theft",
                offence_date=timezone.localdate() - datetime.timedelta(days=3),
                received_at=timezone.now() - datetime.timedelta(hours=hours_ago[n]),
                district=district,
            )
        )
    return made


def test_the_worker_start_page_lists_by_urgency_with_filters_and_pages(
    client, worker, district, settings
):
    settings.REPORTS_PER_PAGE = 2
    overdue, soon, later = make_reports(worker, district, 3, hours_ago=[30, 20, 1])
    sign_in(client, worker)
    page = client.get(reverse("accounts:start")).content.decode()
    assert page.index(overdue.reference) < page.index(soon.reference)
    assert later.reference not in page  # on page 2
    assert 'class="badge badge--overdue"' in page and 'class="badge badge--soon"' in page
    second = client.get(reverse("accounts:start"), {"page": 2}).content.decode()
    assert later.reference in second
    other = District.objects.create(name="Gårdsten")
    filtered = client.get(reverse("accounts:start"), {"district": other.pk}).content.decode()
    assert overdue.reference not in filtered


def test_the_manager_start_page_puts_unassigned_first_with_an_assign_action(
    client, worker, manager, district
):
    assigned, unassigned = make_reports(worker, district, 2, hours_ago=[30, 1])
    record = Under15Report.objects.get(pk=unassigned.pk)
    record.assigned_to = None
    record.save()
    sign_in(client, manager)
    page = client.get(reverse("accounts:start")).content.decode()
    assert page.index(unassigned.reference) < page.index(assigned.reference)
    assert reverse("casework:report-assign", kwargs={"pk": unassigned.pk}) in page
    assert "Nummer" not in page
