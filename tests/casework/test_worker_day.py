"""The under-15 workflow as a worker uses it all day: forms keep what was typed,
choices start empty, steps that cannot be undone ask first, the first contact
records whom the worker met, and the timeline tells the case as it happened."""

import datetime
import html
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from casework.errors import ApplicationError
from casework.journal.services import contact_record, journal_entry_sign, journal_entry_write
from casework.models import Contact, JournalEntry, ReportState, Under15Report
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register, report_take_step
from tests.conftest import sign_in, swedish

pytestmark = pytest.mark.django_db

NUMBER = "20120304-2385"
NEW_NUMBER = identity_number(datetime.date(2015, 6, 7), 123)
POLICE_REFERENCE = "5000-K778899-26"


@pytest.fixture
def district(db):
    return District.objects.create(name="Hjällbo")


@pytest.fixture
def person(worker):
    return person_register(
        by=worker,
        identity_number=NUMBER,
        given_names="Åsa",
        family_name="Lindqvist",
        guardians=[{"name": "Maria Lindqvist", "relation": "mamma"}],
    )


@pytest.fixture
def report(worker, person, district):
    return report_register(
        by=worker,
        person=person,
        police_reference=POLICE_REFERENCE,
        offence_category="theft",
        offence_date=timezone.localdate() - timedelta(days=2),
        received_at=timezone.now() - timedelta(hours=3),
        district=district,
    )


def detail(report, **query):
    url = reverse("casework:report-detail", kwargs={"pk": report.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def step_post(report, name, **values):
    data = {
        f"{name}-expected_state": values.pop("expected_state", report.state),
        f"{name}-at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    for key, value in values.items():
        data[f"{name}-{key}"] = value
    return reverse("casework:report-step", kwargs={"pk": report.pk, "step": name}), data


def take(report, step, by, **values):
    report_take_step(report=report, step=step, by=by, **values)
    return Under15Report.objects.get(pk=report.pk)


def text_of(response):
    return html.unescape(response.content.decode())


def registration(district, **overrides):
    now = timezone.localtime()
    data = {
        "identity_number": NEW_NUMBER,
        "given_names": "Kim",
        "family_name": "Ekström",
        "police_reference": POLICE_REFERENCE,
        "offence_category": "violence",
        "offence_date": (now.date() - timedelta(days=1)).isoformat(),
        "received_at": now.strftime("%Y-%m-%dT%H:%M"),
        "district": district.pk,
        "summary": "Slog en klasskamrat på skolgården.",
    }
    data.update(overrides)
    return data


def guardians(*people):
    data = {
        "guardian-TOTAL_FORMS": str(max(len(people), 2)),
        "guardian-INITIAL_FORMS": "0",
        "guardian-MIN_NUM_FORMS": "0",
        "guardian-MAX_NUM_FORMS": "4",
    }
    for number, (name, relation) in enumerate(people):
        data[f"guardian-{number}-name"] = name
        data[f"guardian-{number}-relation"] = relation
    return data


# --- Errors a database constraint would otherwise raise ------------------------------------


def test_an_offence_before_the_birth_is_a_form_error_that_keeps_what_was_typed(
    client, worker, district
):
    sign_in(client, worker)
    # Born 2015-06-07; the offence typed as a day in 2014.
    data = registration(district, offence_date="2014-03-01")
    response = client.post(reverse("casework:report-create"), data)
    assert response.status_code == 200
    content = text_of(response)
    assert swedish("The offence date is before the child was born. Check the dates.") in content
    assert not Under15Report.objects.exists()
    for typed in (POLICE_REFERENCE, "2014-03-01", "Slog en klasskamrat på skolgården.", "Kim"):
        assert typed in content


def test_a_number_registered_meanwhile_is_the_same_form_error(worker, monkeypatch):
    """Two workers register the same number at once: the check passes for both,
    the unique blind index stops the second, and it is told as a form error."""
    person_register(by=worker, identity_number=NUMBER, given_names="Åsa", family_name="L")
    monkeypatch.setattr(
        "casework.persons.services.identity_number_taken", lambda index, person: False
    )
    with pytest.raises(ApplicationError) as refused:
        person_register(by=worker, identity_number=NUMBER, given_names="Åsa", family_name="L")
    assert refused.value.field == "identity_number"


def test_a_number_registered_meanwhile_keeps_the_registration_form(
    client, worker, district, monkeypatch
):
    person_register(by=worker, identity_number=NEW_NUMBER, given_names="X", family_name="Y")
    # As if the other registration landed between the look-up and the save.
    monkeypatch.setattr(
        "casework.persons.selectors.person_find_by_identity_number", lambda number: None
    )
    monkeypatch.setattr(
        "casework.persons.services.identity_number_taken", lambda index, person: False
    )
    sign_in(client, worker)
    response = client.post(reverse("casework:report-create"), registration(district))
    assert response.status_code == 200
    content = text_of(response)
    assert swedish(
        "A person with this identity number is already registered. Search for them."
    ) in (content)
    assert POLICE_REFERENCE in content
    assert not Under15Report.objects.exists()


# --- Choices start empty -----------------------------------------------------------------


def _selected_option(content, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', content, re.S).group(1)
    return re.search(r'<option value="([^"]*)"[^>]*selected', select).group(1)


def test_the_registration_form_starts_with_no_offence_and_no_district(client, worker, district):
    sign_in(client, worker)
    content = client.get(reverse("casework:report-create")).content.decode()
    assert _selected_option(content, "offence_category") == ""
    assert _selected_option(content, "district") == ""
    assert swedish("Choose …") in html.unescape(content)


def test_an_untouched_offence_is_refused_not_recorded_as_violence(client, worker, district):
    sign_in(client, worker)
    response = client.post(
        reverse("casework:report-create"), registration(district, offence_category="")
    )
    assert response.status_code == 200
    assert not Under15Report.objects.exists()


def test_the_contact_form_and_the_close_reason_start_empty(client, worker, report):
    sign_in(client, worker)
    content = client.get(reverse("casework:contact-create", kwargs={"pk": report.pk})).content
    assert _selected_option(content.decode(), "kind") == ""
    page = client.get(detail(report)).content.decode()
    assert _selected_option(page, "close_on_receipt-close_reason") == ""


def test_the_assign_control_says_choose_a_social_worker(client, manager, report):
    sign_in(client, manager)
    content = text_of(client.get(reverse("casework:unit-reports")))
    assert swedish("Choose a social worker …") in content


# --- Steps that cannot be undone --------------------------------------------------------


def test_steps_have_buttons_named_after_their_action_and_closing_apart(client, worker, report):
    sign_in(client, worker)
    content = text_of(client.get(detail(report)))
    assert f">{swedish('Save the protection assessment')}</button>" in content
    closing = content[content.index('class="panel panel--closing"') :]
    assert swedish("Close the report instead") in closing
    assert f">{swedish('Close the report')}</button>" in closing
    # The regular step comes before, outside the closing panel.
    assert swedish("Save the protection assessment") not in closing


def test_a_step_says_what_was_done_in_a_sentence(client, worker, report):
    sign_in(client, worker)
    url, data = step_post(report, "assess_protection", protection_needed="no")
    response = client.post(url, data, follow=True)
    assert swedish("The protection assessment is saved.") in text_of(response)


def test_closing_needs_the_confirmation(client, worker, report):
    sign_in(client, worker)
    url, data = step_post(report, "close_on_receipt", close_reason="duplicate")
    response = client.post(url, data)
    assert response.status_code == 400
    assert swedish("Tick the box to confirm that the report is to be closed.") in text_of(response)
    assert Under15Report.objects.get(pk=report.pk).state == ReportState.RECEIVED

    data["close_on_receipt-confirm_close"] = "on"
    response = client.post(url, data, follow=True)
    assert Under15Report.objects.get(pk=report.pk).state == ReportState.CLOSED
    assert swedish("The report is closed.") in text_of(response)


def test_closing_with_unsigned_drafts_warns_and_names_them(client, worker, report):
    sign_in(client, worker)
    page = text_of(client.get(detail(report)))
    assert "notice--warning" not in page
    journal_entry_write(case=report, by=worker, text="Utkast om mötet med skolan")
    signed = journal_entry_write(case=report, by=worker, text="Färdig anteckning")
    journal_entry_sign(entry=signed, by=worker)
    page = text_of(client.get(detail(report)))
    warning = page[page.index("notice--warning") :]
    warning = warning[: warning.index("</div>")]
    assert "Utkast om mötet med skolan" in warning
    assert str(worker) in warning
    assert "Färdig anteckning" not in warning


def test_signing_asks_first_and_only_for_ones_own_draft(client, worker, report, unit):
    from accounts.roles import Role
    from tests.factories import UserFactory

    draft = journal_entry_write(case=report, by=worker, text="Ringde mamma.")
    url = reverse("casework:journal-sign", kwargs={"pk": report.pk, "entry_pk": draft.pk})
    sign_in(client, worker)
    confirmation = client.get(url)
    assert confirmation.status_code == 200
    content = text_of(confirmation)
    assert swedish("Sign the note") in content
    assert "Ringde mamma." in content
    assert JournalEntry.objects.get(pk=draft.pk).state == "draft"
    client.post(url)
    assert JournalEntry.objects.get(pk=draft.pk).is_signed

    other = UserFactory(username="olle", unit=unit, role=Role.SOCIAL_WORKER)
    theirs = journal_entry_write(case=report, by=other, text="Olles utkast")
    sign_in(client, worker)
    response = client.get(
        reverse("casework:journal-sign", kwargs={"pk": report.pk, "entry_pk": theirs.pk})
    )
    assert response.status_code == 302
    assert JournalEntry.objects.get(pk=theirs.pk).state == "draft"


# --- Radio and checkbox groups are fieldsets with a legend ------------------------------


class _GroupsWithoutLegend(HTMLParser):
    """Radio and checkbox-group inputs and the legend of the fieldset around each."""

    def __init__(self):
        super().__init__()
        self.fieldsets = []  # a stack of legends ("" until the legend is read)
        self.in_legend = False
        self.inputs = []  # (name, legend or None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self.fieldsets.append("")
        elif tag == "legend":
            self.in_legend = True
        elif (tag == "input" and attrs.get("type") == "radio") or (
            tag == "input"
            and attrs.get("type") == "checkbox"
            and re.search(r"_\d+$", attrs.get("id", ""))
        ):
            self.inputs.append(
                (attrs.get("name"), self.fieldsets[-1].strip() if self.fieldsets else None)
            )

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.fieldsets.pop()
        elif tag == "legend":
            self.in_legend = False

    def handle_data(self, data):
        if self.in_legend and self.fieldsets:
            self.fieldsets[-1] += data


def groups(content):
    parser = _GroupsWithoutLegend()
    parser.feed(content)
    return parser.inputs


def test_every_radio_and_checkbox_group_is_a_fieldset_with_its_question(client, worker, report):
    sign_in(client, worker)
    seen = {}
    for at_state in ("received", "protection_assessed", "first_contact"):
        if at_state == "protection_assessed":
            report = take(report, "assess_protection", worker, protection_needed=False)
        elif at_state == "first_contact":
            report = take(report, "record_first_contact", worker, contact_kind="phone")
        for name, legend in groups(client.get(detail(report)).content.decode()):
            seen[name] = legend
    assert set(seen) == {
        "assess_protection-protection_needed",
        "record_first_contact-met",
        "record_assessment-decision",
    }
    assert seen["assess_protection-protection_needed"] == swedish(
        "Is there an immediate need of protection?"
    )
    assert seen["record_first_contact-met"] == swedish("Whom did you meet?")
    assert seen["record_assessment-decision"] == swedish("Decision")


# --- The first contact ------------------------------------------------------------------


def test_registration_takes_the_guardians(client, worker, district):
    sign_in(client, worker)
    data = {**registration(district), **guardians(("Lena Ekström", "mamma"))}
    response = client.post(reverse("casework:report-create"), data)
    assert response.status_code == 302
    report = Under15Report.objects.get()
    assert report.person.guardians == [{"name": "Lena Ekström", "relation": "mamma"}]


def test_registration_adds_new_guardians_to_a_known_person(client, worker, person, district):
    sign_in(client, worker)
    data = {
        **registration(district, identity_number=NUMBER, given_names="", family_name=""),
        **guardians(("maria  LINDQVIST", "mamma"), ("Per Lindqvist", "pappa")),
    }
    response = client.post(reverse("casework:report-create"), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert [guardian["name"] for guardian in person.guardians] == [
        "Maria Lindqvist",
        "Per Lindqvist",
    ]


def test_a_guardian_without_a_name_keeps_the_registration_form(client, worker, district):
    sign_in(client, worker)
    data = {**registration(district), **guardians(("", "mamma"))}
    data["guardian-0-phone"] = "070-123 45 67"
    response = client.post(reverse("casework:report-create"), data)
    assert response.status_code == 200
    assert "070-123 45 67" in text_of(response)
    assert not Under15Report.objects.exists()


def test_the_first_contact_records_whom_the_worker_met_and_how(client, worker, report):
    report = take(report, "assess_protection", worker, protection_needed=False)
    sign_in(client, worker)
    page = text_of(client.get(detail(report)))
    assert "Åsa Lindqvist" in page and "Maria Lindqvist (mamma)" in page
    url, data = step_post(report, "record_first_contact", contact_kind="home_visit")
    data["record_first_contact-met"] = ["child", "guardian-0"]
    data["record_first_contact-others"] = "tolk"
    assert client.post(url, data).status_code == 302
    report = Under15Report.objects.get(pk=report.pk)
    contact = report.first_contact
    assert contact.kind == "home_visit"
    assert contact.occurred_at == report.first_contact_at
    assert "Åsa Lindqvist" in contact.participants
    assert "Maria Lindqvist (mamma)" in contact.participants
    assert "tolk" in contact.participants
    # The contact is in the timeline.
    assert "Maria Lindqvist (mamma)" in text_of(client.get(detail(report)))


def test_the_first_contact_needs_how_and_whom(client, worker, report):
    report = take(report, "assess_protection", worker, protection_needed=False)
    sign_in(client, worker)
    url, data = step_post(report, "record_first_contact")
    response = client.post(url, data)
    assert response.status_code == 400
    content = text_of(response)
    assert swedish("Choose how you met.") in content
    assert swedish("Tick whom you met, or name the others who took part.") in content
    assert Under15Report.objects.get(pk=report.pk).state == ReportState.PROTECTION_ASSESSED


def test_the_first_contact_can_be_a_contact_already_logged(client, worker, report):
    report = take(
        report,
        "assess_protection",
        worker,
        at=timezone.now() - timedelta(hours=2),
        protection_needed=False,
    )
    met_at = timezone.now() - timedelta(hours=1)
    logged = contact_record(
        case=report, by=worker, occurred_at=met_at, kind="meeting", participants="Åsa, mamma"
    )
    sign_in(client, worker)
    url, data = step_post(report, "record_first_contact", contact=str(logged.pk))
    assert client.post(url, data).status_code == 302
    report = Under15Report.objects.get(pk=report.pk)
    assert report.first_contact == logged
    assert report.first_contact_at == met_at
    assert Contact.objects.count() == 1


# --- The timeline -----------------------------------------------------------------------


def test_a_contact_and_its_note_are_one_entry(client, worker, report):
    contact = contact_record(
        case=report, by=worker, occurred_at=timezone.now(), kind="phone", participants="mamma"
    )
    journal_entry_write(case=report, by=worker, text="Pratade med mamma.", contact=contact)
    sign_in(client, worker)
    timeline = client.get(detail(report)).context["timeline"]
    kinds = [entry["kind"] for entry in timeline]
    assert kinds.count("contact") == 1 and "journal" not in kinds
    (entry,) = [entry for entry in timeline if entry["kind"] == "contact"]
    assert [note.text for note in entry["notes"]] == ["Pratade med mamma."]


def test_a_correction_and_the_corrected_note_link_to_each_other(client, worker, report):
    note = journal_entry_write(case=report, by=worker, text="Fel datum.")
    journal_entry_sign(entry=note, by=worker)
    correction = journal_entry_write(case=report, by=worker, text="Rätt datum.", corrects=note)
    sign_in(client, worker)
    content = client.get(detail(report)).content.decode()
    assert f'href="{detail(report, note=correction.pk)}#note-{correction.pk}"' in content
    assert f'href="{detail(report, note=note.pk)}#note-{note.pk}"' in content
    assert f'id="note-{note.pk}"' in content and f'id="note-{correction.pk}"' in content


def test_a_note_link_opens_the_timeline_page_that_shows_it(client, worker, report, settings):
    old = journal_entry_write(case=report, by=worker, text="Den gamla anteckningen")
    for number in range(30):
        journal_entry_write(case=report, by=worker, text=f"Anteckning {number}")
    sign_in(client, worker)
    first = client.get(detail(report)).context
    assert old not in [entry["object"] for entry in first["timeline"]]
    response = client.get(detail(report, note=old.pk))
    assert old.pk in [entry["object"].pk for entry in response.context["timeline"]]
    assert response.context["timeline_page"].number == 2
    # Junk or another report's note: the first page.
    assert client.get(detail(report, note="junk")).context["timeline_page"].number == 1


def test_the_timeline_shows_the_protection_answer_and_the_decision(client, worker, report):
    report = take(report, "assess_protection", worker, protection_needed=True)
    report = take(report, "record_first_contact", worker, contact_kind="phone")
    report = take(report, "record_assessment", worker, decision="refer_sspf")
    sign_in(client, worker)
    timeline = text_of(client.get(detail(report)))
    timeline = timeline[timeline.index('id="timeline"') :]
    assert swedish("Immediate protection need: yes") in timeline
    assert swedish("Decision: %(decision)s", decision=swedish("Refer to SSPF")) in timeline


def test_times_typed_to_the_minute_and_recorded_to_the_second_compare_by_the_minute(
    worker, report
):
    """A note written at 10:00:40 about a call typed as 10:00 but logged afterwards:
    same minute, so the order is the order they were recorded in."""
    from casework.reports.timeline import report_timeline

    minute = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=5)
    note = journal_entry_write(case=report, by=worker, text="Anteckning")
    note.created_at = minute + timedelta(seconds=40)
    note.save()
    call = contact_record(case=report, by=worker, occurred_at=minute, kind="phone")
    call.created_at = minute + timedelta(seconds=50)
    call.save()
    kinds = [(e["kind"], e["object"].pk) for e in report_timeline(report) if e["kind"] != "state"]
    assert kinds == [("journal", note.pk), ("contact", call.pk)]
    # A minute apart, the time it happened decides, whenever it was recorded.
    call.occurred_at = minute - timedelta(minutes=1)
    call.save()
    kinds = [(e["kind"], e["object"].pk) for e in report_timeline(report) if e["kind"] != "state"]
    assert kinds == [("contact", call.pk), ("journal", note.pk)]


# --- The conflict page ------------------------------------------------------------------


def test_a_conflict_shows_the_users_answers_in_words(client, worker, report, unit):
    from accounts.roles import Role
    from tests.factories import UserFactory

    other = UserFactory(
        username="olle", first_name="Olle", last_name="Berg", unit=unit, role=Role.SOCIAL_WORKER
    )
    sign_in(client, worker)
    url, data = step_post(report, "assess_protection", protection_needed="yes")
    data["assess_protection-at"] = "2026-01-02T08:05"
    take(report, "assess_protection", other, protection_needed=False)
    response = client.post(url, data)
    assert response.status_code == 409
    content = text_of(response)
    panel = content[content.index("panel--conflict") :]
    panel = panel[: panel.index("</section>")]
    assert "Olle Berg" in panel
    assert f"<dd>{swedish('Yes')}</dd>" in panel
    assert "<dd>2026-01-02 08:05</dd>" in panel
    assert "<dd>yes</dd>" not in panel


def test_a_conflict_puts_the_answers_back_into_a_step_that_can_still_be_taken(
    client, worker, report
):
    """The page was from another state; the step is still open from this one: the
    form comes back filled in, against the state as it is now, to send again."""
    sign_in(client, worker)
    url, data = step_post(
        report,
        "close_on_receipt",
        expected_state="protection_assessed",
        close_reason="moved_away",
        confirm_close="on",
    )
    response = client.post(url, data)
    assert response.status_code == 409
    content = text_of(response)
    assert swedish("Moved away") in content
    closing = content[content.index('class="panel panel--closing"') :]
    assert re.search(r'<option value="moved_away" selected>', closing)
    assert 'name="close_on_receipt-expected_state" value="received"' in closing
    assert 'name="close_on_receipt-confirm_close"' in closing and "checked" in closing
    # Sent again as it stands, it closes the report.
    data["close_on_receipt-expected_state"] = "received"
    assert client.post(url, data).status_code == 302
    assert Under15Report.objects.get(pk=report.pk).state == ReportState.CLOSED
