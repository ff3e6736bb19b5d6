"""A report's first days in a real browser: registered, worked and seen by the manager.

The social worker signs in, registers an under-15 report for a child who is
not registered yet, records the protection assessment and the first contact
(the reaction time appears), writes and signs a journal note, and records the
initial assessment. Then the unit manager signs in and finds the report in
the unit's list, with its reaction time and without the child's name.

Same set-up as tests/accounts/test_browser_sign_in.py (read its docstring):
Debian's chromium through Playwright against the live server; the database
is seeded before the browser starts and not touched while it runs. Run with
``pytest -m browser``; without chromium the test is skipped, except on CI.
"""

import datetime
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.demo import demo_seed
from casework.persons.demo import demo_persons_seed, identity_number
from casework.reports.demo import demo_reports_seed
from tests.browser import assert_no_browser_problems, browser_sign_in
from tests.conftest import swedish

# See tests/accounts/test_browser_sign_in.py: a safety net, the fixtures keep
# database calls out of the browser's lifetime.

STOCKHOLM = ZoneInfo("Europe/Stockholm")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# A child who is not registered yet (the demo persons are), 13 years old.
CHILD_NUMBER = identity_number(datetime.date(2013, 5, 7), 321)
CHILD_GIVEN_NAMES = "Tindra Maj"
CHILD_FAMILY_NAME = "Resesson"
POLICE_REFERENCE = "5000-K987654-26"
NOTE_TEXT = "Samtal med vårdnadshavare om händelsen. Tindra går i skolan som vanligt."


@pytest.fixture
def seeded(transactional_db):
    users = {seeded.user.username: seeded for seeded in demo_seed()}
    demo_persons_seed()
    demo_reports_seed()
    return users


def step_section(page, title_msgid):
    """The panel of one step on the report page (each has its own Save button)."""
    heading = page.get_by_role("heading", name=swedish(title_msgid), exact=True)
    return page.locator("section", has=heading)


# seeded comes before page: the seed must be in before the browser starts.
def test_a_report_is_registered_worked_and_listed_for_the_unit_manager(
    live_server, seeded, page, console_messages
):
    worker = seeded["socialsekreterare"]
    manager = seeded["enhetschef"]
    now = datetime.datetime.now(STOCKHOLM)
    offence_date = now.date() - datetime.timedelta(days=1)
    received_at = now - datetime.timedelta(hours=2)
    # Every report page is under the list's address: reports/<uuid>/.
    detail_url = re.compile(
        "^"
        + re.escape(live_server.url + reverse("casework:report-list"))
        + r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/$"
    )
    assert detail_url.match(
        live_server.url + reverse("casework:report-detail", kwargs={"pk": uuid.uuid4()})
    )

    # 1. The social worker signs in and opens the registration form from the start page.
    browser_sign_in(page, live_server, worker)
    page.get_by_role("link", name=swedish("Register a report"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("casework:report-create"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        swedish("Register an under-15 report")
    )

    # 2. A child who is not registered yet. Labels with a Swedish translation
    # are used; the others (not in django.po yet) are found by the field's id.
    page.get_by_label(swedish("Personal identity number"), exact=True).fill(CHILD_NUMBER)
    page.get_by_label(swedish("Given names"), exact=True).fill(CHILD_GIVEN_NAMES)
    page.get_by_label(swedish("Family name"), exact=True).fill(CHILD_FAMILY_NAME)
    page.locator("#id_police_reference").fill(POLICE_REFERENCE)
    page.locator("#id_offence_category").select_option(value="violence")
    page.locator("#id_offence_date").fill(offence_date.isoformat())
    page.locator("#id_received_at").fill(received_at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(swedish("District"), exact=True).select_option(label="Hjällbo")
    page.get_by_role("button", name=swedish("Register"), exact=True).click()

    # The report page; its heading ends with the reference the lists show.
    expect(page).to_have_url(detail_url)
    before, after = swedish("Under-15 report %(reference)s").split("%(reference)s")
    heading = page.get_by_role("heading", level=1)
    heading_pattern = "^" + re.escape(before) + "([0-9A-F]{8})" + re.escape(after) + "$"
    expect(heading).to_have_text(re.compile(heading_pattern))
    reference = re.match(heading_pattern, heading.inner_text()).group(1)
    lead = page.locator("main p.lead")
    expect(lead).to_contain_text(f"{CHILD_GIVEN_NAMES} {CHILD_FAMILY_NAME}")
    expect(lead).to_contain_text(swedish("Received"))
    expect(page.locator("#reaction-time")).to_have_count(0)

    # 3. The protection assessment (no need), at the time the form suggests.
    protection = step_section(page, "Record the protection assessment")
    protection.get_by_label(swedish("No"), exact=True).check()
    protection.get_by_role(
        "button", name=swedish("Save the protection assessment"), exact=True
    ).click()
    expect(lead).to_contain_text(swedish("Protection assessed"))

    # The first contact, at the suggested time: the reaction time is shown.
    # It was a meeting with the child, ticked by name.
    first_contact = step_section(page, "Record the first contact")
    first_contact.get_by_label(swedish("How did you meet?"), exact=True).select_option(
        label=swedish("Meeting")
    )
    first_contact.get_by_role("group", name=swedish("Whom did you meet?")).get_by_label(
        f"{CHILD_GIVEN_NAMES} {CHILD_FAMILY_NAME}"
    ).check()
    first_contact.get_by_role("button", name=swedish("Save the first contact"), exact=True).click()
    expect(lead).to_contain_text(swedish("First contact made"))
    reaction_time = page.locator("#reaction-time")
    expect(reaction_time).to_be_visible()
    expect(reaction_time).to_have_text(re.compile(r"\S"))
    reaction_time_text = reaction_time.inner_text().strip()

    # 4. A journal note: saved as a draft, then signed.
    new_note = page.locator(
        "section", has=page.get_by_role("heading", name=swedish("New journal note"))
    )
    new_note.locator("#id_text").fill(NOTE_TEXT)
    new_note.get_by_role("button", name=swedish("Save as draft"), exact=True).click()
    note = page.get_by_role("listitem").filter(has_text=NOTE_TEXT)
    expect(note).to_have_count(1)
    sign_link = note.get_by_role("link", name=swedish("Sign"), exact=True)
    sign_link.click()
    # Signing cannot be undone: a page asks first, showing the note.
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish("Sign the note"))
    expect(page.locator(".note")).to_contain_text(NOTE_TEXT)
    page.get_by_role("button", name=swedish("Sign"), exact=True).click()
    expect(page).to_have_url(detail_url)
    note = page.get_by_role("listitem").filter(has_text=NOTE_TEXT)
    expect(note.get_by_role("link", name=swedish("Sign"), exact=True)).to_have_count(0)
    expect(
        note.get_by_role("link", name=swedish("Write a correction"), exact=True)
    ).to_be_visible()

    # 5. The initial assessment: no investigation.
    assessment = step_section(page, "Record the initial assessment")
    expect(
        assessment,
        "the report page offers no form for the initial assessment once the first "
        "contact is recorded",
    ).to_be_visible()
    assessment.get_by_label(swedish("No investigation"), exact=True).check()
    assessment.get_by_role("button", name=swedish("Save the decision"), exact=True).click()
    expect(lead).to_contain_text(swedish("Initial assessment made"))

    # 6. The unit manager sees the report in the unit's list, without the name.
    page.get_by_role("button", name=swedish("Sign out"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("accounts:login"))
    browser_sign_in(page, live_server, manager)
    page.get_by_role("navigation").get_by_role(
        "link", name=swedish("The unit's reports"), exact=True
    ).click()
    expect(page).to_have_url(live_server.url + reverse("casework:unit-reports"))
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(reaction_time_text)
    main = page.locator("main")
    expect(main).not_to_contain_text(CHILD_FAMILY_NAME)
    expect(main).not_to_contain_text(CHILD_GIVEN_NAMES)

    assert_no_browser_problems(console_messages)
