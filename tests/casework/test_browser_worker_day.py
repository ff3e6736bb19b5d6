"""A social worker's day in a real browser, in Swedish, by what the page says.

The worker signs in, finds one of her children by name in the start page's
list and opens the report; registers a new under-15 report with a guardian;
records the protection assessment and the first contact with the child and
the guardian (both by name); writes, signs and corrects a journal note, the
two notes pointing at each other; records the initial assessment, and closes
the report while the correction is still a draft: the closing panel says so,
and the report stays open until the worker confirms.

Every element is found by its visible label, role or accessible name, in
Swedish (``swedish`` fails for a text without a Swedish translation). Same
set-up as tests/casework/test_browser_report_journey.py: the database is
seeded before the browser starts and not touched while it runs.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from playwright.sync_api import expect

from accounts.demo import demo_seed
from casework.models import Under15Report
from casework.persons.demo import DEMO_PERSONS, demo_persons_seed, identity_number
from casework.persons.selectors import person_find_by_identity_number
from casework.reports.demo import DEMO_REPORTS, demo_reports_seed
from tests.browser import assert_no_browser_problems, browser_sign_in
from tests.conftest import swedish

STOCKHOLM = ZoneInfo("Europe/Stockholm")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WORKER = "socialsekreterare"
# A child who is not registered yet (the demo persons are), 13 years old.
CHILD_NUMBER = identity_number(datetime.date(2013, 3, 21), 458)
CHILD_GIVEN_NAMES = "Alva Linnea"
CHILD_FAMILY_NAME = "Bergqvist"
CHILD_NAME = f"{CHILD_GIVEN_NAMES} {CHILD_FAMILY_NAME}"
GUARDIAN_NAME = "Anna Bergqvist"
GUARDIAN_RELATION = "mamma"
POLICE_REFERENCE = "5000-K246810-26"
NOTE_TEXT = "Samtal med Alva och hennes mamma om skadegörelsen vid skolan."
# Under 80 characters: the closing panel quotes a draft up to 80.
CORRECTION_TEXT = "Rättelse: samtalet gällde stölden vid fritidsgården, inte skolan."
MINUTE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"
# The report page at one note: the timeline's page that holds it, scrolled to it.
NOTE_ADDRESS = re.compile(r"\?note=([0-9a-f-]{36})#note-\1$")


def swedish_same_word(msgid):
    """For a msgid whose Swedish is the same word (``swedish`` cannot tell it
    from a missing translation): it must be in the Swedish catalogue."""
    catalog = trans_real.translation("sv")._catalog
    assert msgid in catalog, f"no Swedish translation for {msgid!r}"
    with translation.override("sv"):
        return translation.gettext(msgid)


def swedish_pattern(msgid, **patterns):
    """A regular expression for the Swedish text of ``msgid``, each placeholder
    matched by the pattern given for it."""
    text = re.escape(swedish(msgid))
    for name, pattern in patterns.items():
        text = text.replace(re.escape(f"%({name})s"), pattern)
    return re.compile(f"^{text}$")


@pytest.fixture
def seeded(transactional_db):
    users = {seeded.user.username: seeded for seeded in demo_seed()}
    demo_persons_seed()
    demo_reports_seed()
    return users


@pytest.fixture
def demo_children(seeded):
    """(report pk, child's name) of the demo reports assigned to the worker, and
    the names of the other demo children (another worker's, or unassigned)."""
    own, others = [], []
    for index, *_rest, assignee in DEMO_REPORTS:
        given, family, born, serial, coordination, *_more = DEMO_PERSONS[index]
        person = person_find_by_identity_number(identity_number(born, serial, coordination))
        report = Under15Report.objects.filter(person=person).first()
        if report is None:
            continue
        name = f"{given} {family}"
        if assignee == WORKER:
            assert report.assigned_to.username == WORKER
            own.append((report.pk, name))
        else:
            others.append(name)
    assert own, "the demo seed assigned no report to the worker"
    assert others, "the demo seed has no report of another worker or unassigned"
    return own, others


def lead_of(page, child_name):
    """The report page's lead: the child's name (a link), the state, the deadline."""
    return (
        page.get_by_role("main")
        .get_by_role("paragraph")
        .filter(has=page.get_by_role("link", name=child_name, exact=True))
    )


def step_region(page, title_msgid):
    """The panel of one step on the report page (a region named by its heading)."""
    return page.get_by_role("region", name=swedish(title_msgid), exact=True)


# seeded and demo_children come before page: the seed must be in before the browser starts.
def test_a_social_workers_day_by_visible_labels(
    live_server, seeded, demo_children, page, console_messages
):
    worker = seeded[WORKER]
    own, others = demo_children
    demo_report_pk, demo_child = own[0]
    now = datetime.datetime.now(STOCKHOLM)
    detail_url = re.compile(
        "^"
        + re.escape(live_server.url + reverse("casework:report-list"))
        + r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/$"
    )

    # 1. The start page lists the worker's reports by the child's name.
    browser_sign_in(page, live_server, worker)
    my_reports = page.get_by_role("region", name=swedish("My under-15 reports"), exact=True)
    table = my_reports.get_by_role("table")
    expect(table.get_by_role("columnheader").first).to_have_text(swedish("Child"))
    for _pk, name in own:
        row = table.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
        expect(row).to_have_count(1)
        # In the "Child" column, the first.
        expect(row.get_by_role("cell").first).to_have_text(name)
    for name in others:
        expect(table).not_to_contain_text(name)
    table.get_by_role("link", name=demo_child, exact=True).click()
    expect(page).to_have_url(
        live_server.url + reverse("casework:report-detail", kwargs={"pk": demo_report_pk})
    )
    expect(lead_of(page, demo_child)).to_be_visible()

    # 2. A new report, for a child not registered yet, with a guardian.
    page.get_by_role("link", name=swedish_same_word("Start"), exact=True).click()
    page.get_by_role("link", name=swedish("Register a report"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("casework:report-create"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        swedish("Register an under-15 report")
    )
    child = page.get_by_role("group", name=swedish("The child"), exact=True)
    child.get_by_label(swedish("Personal identity number"), exact=True).fill(CHILD_NUMBER)
    child.get_by_label(swedish("Given names"), exact=True).fill(CHILD_GIVEN_NAMES)
    child.get_by_label(swedish("Family name"), exact=True).fill(CHILD_FAMILY_NAME)
    guardian = page.get_by_role("group", name=swedish("Guardian %(number)s", number=1), exact=True)
    guardian.get_by_label(swedish("Name"), exact=True).fill(GUARDIAN_NAME)
    guardian.get_by_label(swedish_same_word("Relation"), exact=True).fill(GUARDIAN_RELATION)
    the_report = page.get_by_role("group", name=swedish("The report"), exact=True)
    the_report.get_by_label(swedish("Police reference"), exact=True).fill(POLICE_REFERENCE)
    the_report.get_by_label(swedish("Offence"), exact=True).select_option(
        label=swedish("Violence")
    )
    the_report.get_by_label(swedish("Offence date"), exact=True).fill(
        (now.date() - datetime.timedelta(days=1)).isoformat()
    )
    the_report.get_by_label(swedish("Report received by social services"), exact=True).fill(
        (now - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    the_report.get_by_label(swedish("District"), exact=True).select_option(label="Hjällbo")
    page.get_by_role("button", name=swedish("Register"), exact=True).click()
    expect(page).to_have_url(detail_url)
    report_url = page.url
    expect(page.get_by_role("status")).to_have_text(
        swedish("The report is registered. The clock has started.")
    )
    lead = lead_of(page, CHILD_NAME)
    expect(lead).to_contain_text(swedish("Received"))

    # 3. The protection assessment, then the first contact with the child and
    # the guardian, ticked by name.
    protection = step_region(page, "Record the protection assessment")
    protection.get_by_role(
        "group", name=swedish("Is there an immediate need of protection?"), exact=True
    ).get_by_label(swedish("No"), exact=True).check()
    protection.get_by_role(
        "button", name=swedish("Save the protection assessment"), exact=True
    ).click()
    expect(lead).to_contain_text(swedish("Protection assessed"))

    first_contact = step_region(page, "Record the first contact")
    first_contact.get_by_label(swedish("How did you meet?"), exact=True).select_option(
        label=swedish("Meeting")
    )
    met = first_contact.get_by_role("group", name=swedish("Whom did you meet?"), exact=True)
    child_met = swedish("%(name)s (the child)", name=CHILD_NAME)
    guardian_met = f"{GUARDIAN_NAME} ({GUARDIAN_RELATION})"
    met.get_by_label(child_met, exact=True).check()
    met.get_by_label(guardian_met, exact=True).check()
    first_contact.get_by_role("button", name=swedish("Save the first contact"), exact=True).click()
    expect(page).to_have_url(report_url)
    expect(lead).to_contain_text(swedish("First contact made"))
    contact_entry = page.get_by_role("listitem").filter(
        has_text=f"{swedish('Meeting')}: {child_met}, {guardian_met} \u2013 {worker.user}"
    )
    expect(contact_entry).to_have_count(1)
    expect(page.get_by_role("listitem").filter(has_text=guardian_met)).to_have_count(1)

    # 4. A journal note, saved as a draft and signed; then a correction, a draft.
    new_note = step_region(page, "New journal note")
    new_note.get_by_label(swedish("Journal note"), exact=True).fill(NOTE_TEXT)
    new_note.get_by_role("button", name=swedish("Save as draft"), exact=True).click()
    original = page.get_by_role("listitem").filter(has_text=NOTE_TEXT)
    expect(original).to_have_count(1)
    original.get_by_role("link", name=swedish("Sign"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish("Sign the note"))
    expect(page.get_by_role("main")).to_contain_text(NOTE_TEXT)
    page.get_by_role("button", name=swedish("Sign"), exact=True).click()
    expect(page).to_have_url(report_url)
    expect(page.get_by_role("status")).to_have_text(
        swedish("The note is signed. It can no longer be changed.")
    )
    expect(original.get_by_role("link", name=swedish("Sign"), exact=True)).to_have_count(0)

    original.get_by_role("link", name=swedish("Write a correction"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish("Write a correction"))
    page.get_by_label(swedish("Journal note"), exact=True).fill(CORRECTION_TEXT)
    page.get_by_role("button", name=swedish("Save as draft"), exact=True).click()
    expect(page).to_have_url(report_url)
    correction = page.get_by_role("listitem").filter(has_text=CORRECTION_TEXT)
    expect(correction).to_have_count(1)
    expect(correction).to_contain_text(swedish("draft"))
    expect(correction.get_by_role("link", name=swedish("Sign"), exact=True)).to_be_visible()

    # The original points forward to its correction, the correction back to it.
    forward = original.get_by_role(
        "link", name=swedish_pattern("Corrected by the note of %(at)s", at=MINUTE)
    )
    backward = correction.get_by_role(
        "link", name=swedish_pattern("Correction of the note of %(at)s", at=MINUTE)
    )
    expect(forward).to_have_count(1)
    expect(backward).to_have_count(1)
    forward.click()
    expect(page).to_have_url(NOTE_ADDRESS)
    target = page.locator(":target")
    expect(target).to_contain_text(CORRECTION_TEXT)
    expect(target).not_to_contain_text(NOTE_TEXT)
    page.get_by_role("listitem").filter(has_text=CORRECTION_TEXT).get_by_role(
        "link", name=swedish_pattern("Correction of the note of %(at)s", at=MINUTE)
    ).click()
    expect(page).to_have_url(NOTE_ADDRESS)
    expect(target).to_contain_text(NOTE_TEXT)
    expect(target).not_to_contain_text(CORRECTION_TEXT)
    page.goto(report_url)

    # 5. The initial assessment: no investigation.
    assessment = step_region(page, "Record the initial assessment")
    assessment.get_by_role("group", name=swedish("Decision"), exact=True).get_by_label(
        swedish("No investigation"), exact=True
    ).check()
    assessment.get_by_role("button", name=swedish("Save the decision"), exact=True).click()
    expect(lead).to_contain_text(swedish("Initial assessment made"))

    # Closing is apart, folded away; opened, it warns of the unsigned correction.
    closing = step_region(page, "Close the report")
    expect(closing).to_be_hidden()
    page.get_by_text(swedish("Close the report instead"), exact=True).click()
    expect(closing).to_be_visible()
    warning = closing.get_by_role("note")
    expect(warning).to_contain_text(
        swedish(
            "One journal note is still an unsigned draft. Sign it or let its author "
            "know before closing:"
        )
    )
    draft_pattern = (
        swedish_pattern(
            "Draft of %(at)s by %(author)s", at=MINUTE, author=re.escape(str(worker.user))
        ).pattern.removesuffix("$")
        + re.escape(f": “{CORRECTION_TEXT}”")
        + "$"
    )
    expect(warning.get_by_role("listitem")).to_have_text(re.compile(draft_pattern))

    # Without the confirmation ticked, the report stays open.
    close_reason = closing.get_by_label(swedish("Reason for closing"), exact=True)
    close_reason.select_option(label=swedish("No investigation needed"))
    close_button = closing.get_by_role("button", name=swedish("Close the report"), exact=True)
    close_button.click()
    expect(
        closing.get_by_role("alert").filter(
            has_text=swedish("Tick the box to confirm that the report is to be closed.")
        )
    ).to_be_visible()
    expect(lead).to_contain_text(swedish("Initial assessment made"))
    expect(lead).not_to_contain_text(swedish("Closed"))

    closing.get_by_label(
        swedish("I have checked the report: a closed report cannot be opened again."),
        exact=True,
    ).check()
    close_button.click()
    expect(page).to_have_url(report_url)
    status = page.get_by_role("status")
    expect(status).to_have_text(swedish("The report is closed."))
    # One sentence: a capital first, one full stop, at the end.
    expect(status.get_by_role("paragraph")).to_have_text(re.compile(r"^[A-ZÅÄÖ][^.]*\.$"))
    expect(lead).to_contain_text(swedish("Closed"))
    expect(page.get_by_role("term").filter(has_text=swedish("Reason for closing"))).to_have_count(
        1
    )
    expect(
        page.get_by_role("definition").filter(
            has_text=re.compile("^" + re.escape(swedish("No investigation needed")) + "$")
        )
    ).to_have_count(1)
    expect(page.get_by_text(swedish("Close the report instead"), exact=True)).to_have_count(0)
    expect(step_region(page, "Close the report")).to_have_count(0)

    assert_no_browser_problems(console_messages)
