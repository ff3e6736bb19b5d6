"""The morning e-mail that lists each worker's overdue and due-soon reports."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from accounts.roles import Role
from casework.models import CloseReason
from casework.persons.services import person_register
from casework.reports.emails import digest_for_worker
from casework.reports.services import report_register, report_take_step
from tests.factories import DistrictFactory, UserFactory

SITE_ROOT = "https://trygg.example.se"
PERSONAL_DATA = [
    "Åsa",
    "Lindqvist",
    "20120304-2385",
    "201203042385",
    "120304-2385",
    "1203042385",
    "2012-03-04",
    "5000-K123456-26",
    "K123456",
    "Hjällbo torget 3",
    "Hjällbo",
    "Angered",  # the district: not personal, left out all the same
]


@pytest.fixture(autouse=True)
def _site_root(settings):
    settings.SITE_ROOT = SITE_ROOT


@pytest.fixture
def district(db):
    return DistrictFactory(name="Angered")


def person_for(user, identity_number="20120304-2385"):
    return person_register(
        by=user,
        identity_number=identity_number,
        given_names="Åsa",
        family_name="Lindqvist",
        address="Hjällbo torget 3",
    )


def report_for(user, person, district, *, received_hours_ago):
    now = timezone.now()
    return report_register(
        by=user,
        person=person,
        police_reference="5000-K123456-26",
        offence_category="theft",
        offence_date=timezone.localdate(now) - timedelta(days=3),
        received_at=now - timedelta(hours=received_hours_ago),
        district=district,
    )


def in_swedish(msgid):
    with translation.override("sv"):
        return translation.gettext(msgid)


def link(report):
    return f"{SITE_ROOT}/reports/{report.pk}/"


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_it_sends_one_mail_listing_overdue_and_due_soon_reports(worker, district, mailoutbox):
    person = person_for(worker)
    overdue = report_for(worker, person, district, received_hours_ago=30)
    due_soon = report_for(worker, person, district, received_hours_ago=20)

    call_command("send_deadline_digest", stdout=StringIO())

    [message] = mailoutbox
    assert message.to == [worker.email]
    assert "\n" not in message.subject
    for text in (message.body, html_of(message)):
        for report in (overdue, due_soon):
            assert report.reference in text
            assert link(report) in text
        assert in_swedish("Overdue") in text
        assert in_swedish("Due soon") in text
        assert in_swedish("Protection assessment") in text
    # Most urgent first.
    assert message.body.index(overdue.reference) < message.body.index(due_soon.reference)


def test_it_shows_due_times_in_swedish_time(worker, district, mailoutbox):
    report = report_for(worker, person_for(worker), district, received_hours_ago=30)

    call_command("send_deadline_digest", stdout=StringIO())

    due = timezone.localtime(report.received_at + timedelta(hours=24))
    assert due.tzinfo is not None and str(due.tzinfo) == "Europe/Stockholm"
    [message] = mailoutbox
    assert due.strftime("%Y-%m-%d %H:%M") in message.body
    assert due.strftime("%Y-%m-%d %H:%M") in html_of(message)


def test_it_writes_swedish_by_default(worker, district, mailoutbox):
    report_for(worker, person_for(worker), district, received_hours_ago=30)

    with translation.override("en"):
        call_command("send_deadline_digest", stdout=StringIO())

    [message] = mailoutbox
    assert in_swedish("Report") in message.body
    assert 'lang="sv"' in html_of(message)


def test_it_leaves_out_personal_data(worker, district, mailoutbox):
    person = person_for(worker)
    report_for(worker, person, district, received_hours_ago=30)
    report_for(worker, person, district, received_hours_ago=20)

    call_command("send_deadline_digest", stdout=StringIO())

    [message] = mailoutbox
    raw = message.message().as_string()
    for value in PERSONAL_DATA:
        for text in (message.subject, message.body, html_of(message)):
            assert value.casefold() not in text.casefold(), value
        assert value not in raw, value
    assert str(person.pk) not in raw
    assert person.reference not in raw


def test_it_sends_nothing_to_a_worker_with_nothing_due(worker, district, mailoutbox):
    report_for(worker, person_for(worker), district, received_hours_ago=2)

    call_command("send_deadline_digest", stdout=(out := StringIO()))

    assert mailoutbox == []
    assert "Sent 0 digests" in out.getvalue()


def test_it_leaves_out_a_report_due_later(worker, district, mailoutbox):
    person = person_for(worker)
    overdue = report_for(worker, person, district, received_hours_ago=30)
    later = report_for(worker, person, district, received_hours_ago=2)

    call_command("send_deadline_digest", stdout=StringIO())

    [message] = mailoutbox
    assert overdue.reference in message.body
    assert later.reference not in message.body
    assert later.reference not in html_of(message)


def test_it_leaves_out_closed_reports(worker, district, mailoutbox):
    person = person_for(worker)
    overdue = report_for(worker, person, district, received_hours_ago=30)
    closed = report_for(worker, person, district, received_hours_ago=31)
    # report_take_step checks the transition's conditions before it copies
    # close_reason onto the report, so the reason must already be there.
    closed.close_reason = CloseReason.DUPLICATE
    report_take_step(
        report=closed, step="close_on_receipt", by=worker, close_reason=CloseReason.DUPLICATE
    )

    call_command("send_deadline_digest", stdout=StringIO())

    [message] = mailoutbox
    assert overdue.reference in message.body
    assert closed.reference not in message.body
    assert closed.reference not in html_of(message)


def test_it_sends_each_worker_only_their_own(worker, colleague, district, mailoutbox):
    mine = report_for(worker, person_for(worker), district, received_hours_ago=30)
    theirs = report_for(
        colleague, person_for(colleague, "20130815-2386"), district, received_hours_ago=20
    )

    call_command("send_deadline_digest", stdout=StringIO())

    by_recipient = {tuple(message.to): message for message in mailoutbox}
    assert len(mailoutbox) == 2
    mail_to_worker = by_recipient[(worker.email,)]
    mail_to_colleague = by_recipient[(colleague.email,)]
    assert mine.reference in mail_to_worker.body
    assert theirs.reference not in mail_to_worker.body
    assert theirs.reference in mail_to_colleague.body
    assert mine.reference not in mail_to_colleague.body


def test_it_leaves_out_a_unit_mates_reports(worker, unit, district):
    mate = UserFactory(username="mate", role=Role.SOCIAL_WORKER, unit=unit)
    report_for(mate, person_for(mate), district, received_hours_ago=30)

    assert digest_for_worker(user=worker, now=timezone.now()) == []


def test_it_sends_one_mail_per_worker_whatever_their_roles(worker, district, mailoutbox):
    worker.groups.add(Group.objects.get(name=Role.UNIT_MANAGER.value))
    report_for(worker, person_for(worker), district, received_hours_ago=30)

    call_command("send_deadline_digest", stdout=(out := StringIO()))

    assert len(mailoutbox) == 1
    assert "Sent 1 digests" in out.getvalue()


def test_it_skips_inactive_workers_and_workers_without_address(worker, district, mailoutbox):
    report_for(worker, person_for(worker), district, received_hours_ago=30)
    worker.email = ""
    worker.save(update_fields=["email"])

    call_command("send_deadline_digest", stdout=StringIO())
    worker.email = "worker@example.invalid"
    worker.is_active = False
    worker.save(update_fields=["email", "is_active"])
    call_command("send_deadline_digest", stdout=StringIO())

    assert mailoutbox == []


def test_dry_run_sends_nothing(worker, district, mailoutbox):
    person = person_for(worker)
    report_for(worker, person, district, received_hours_ago=30)
    report_for(worker, person, district, received_hours_ago=20)

    call_command("send_deadline_digest", "--dry-run", stdout=(out := StringIO()))

    assert mailoutbox == []
    output = out.getvalue()
    assert "worker: 1 overdue, 1 due soon" in output
    assert "Would send 1 digests" in output
    for value in PERSONAL_DATA:
        assert value not in output


def test_it_refuses_to_send_without_site_root(settings, worker, district, mailoutbox):
    settings.SITE_ROOT = ""
    report_for(worker, person_for(worker), district, received_hours_ago=30)

    with pytest.raises(CommandError, match="SITE_ROOT"):
        call_command("send_deadline_digest", stdout=StringIO())
    assert mailoutbox == []
