"""An exit case's course in a real browser, in Swedish.

An inquiry from the probation service is registered; the intake assessment
and the baseline measurement are recorded and the person is taken into the
programme with a plan (a goal and an intervention); the closure measurement
shows a positive development; the programme is completed (dated half a year
back, as a worker records what happened); and the 6-month follow-up shows as
due on the worker's start page.

Same set-up as tests/accounts/test_browser_sign_in.py: Debian's chromium
through Playwright against the live server; the database is seeded before
the browser starts. Run with ``pytest -m browser``.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.demo import demo_seed
from casework.persons.demo import identity_number
from tests.browser import assert_no_browser_problems, browser_sign_in
from tests.conftest import swedish

STOCKHOLM = ZoneInfo("Europe/Stockholm")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = identity_number(datetime.date(1999, 8, 14), 777)
GIVEN, FAMILY = "Kevin Adam", "Frivårdsson"
GOAL = "Ett arbete och en egen bostad inom ett år."


@pytest.fixture
def seeded(transactional_db):
    return {seeded.user.username: seeded for seeded in demo_seed()}


def section(page, heading_msgid):
    heading = page.get_by_role("heading", name=swedish(heading_msgid), exact=True)
    return page.locator("section", has=heading)


def local(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def take_step(page, title_msgid, button_msgid, at, **fill):
    panel = section(page, title_msgid)
    panel.locator("input[type=datetime-local]").fill(local(at))
    for selector, value in fill.items():
        panel.locator(f"#id_{selector}").fill(value)
    panel.get_by_role("button", name=swedish(button_msgid), exact=True).click()


def measure(page, occasion_msgid, on, values, audit=None):
    page.get_by_role("link", name=swedish("Record a measurement"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(swedish("Record a measurement"))
    page.locator("#id_occasion").select_option(label=swedish(occasion_msgid))
    page.locator("#id_measured_on").fill(on.isoformat())
    for name, label_msgid in values.items():
        page.locator(f"#id_{name}").select_option(label=swedish(label_msgid))
    if audit is not None:
        page.locator("summary").filter(has_text="AUDIT").click()
        for number, answer in enumerate(audit, start=1):
            page.locator(f"#id_audit_{number}").select_option(value=str(answer))
    page.get_by_role("button", name=swedish("Save the measurement"), exact=True).click()


def test_an_inquiry_from_probation_becomes_a_completed_case_with_a_follow_up_due(
    live_server, seeded, page, console_messages
):
    worker = seeded["socialsekreterare"]
    now = datetime.datetime.now(STOCKHOLM).replace(second=0, microsecond=0)
    inquiry_at = now - datetime.timedelta(days=240)
    intake_at = now - datetime.timedelta(days=230)
    taken_in_at = now - datetime.timedelta(days=220)
    completed_at = now - datetime.timedelta(days=200)

    # 1. The inquiry, from the start page.
    browser_sign_in(page, live_server, worker)
    page.get_by_role("link", name=swedish("Register an inquiry"), exact=True).first.click()
    expect(page).to_have_url(live_server.url + reverse("avhopp:case-create"))
    page.get_by_label(swedish("Personal identity number"), exact=True).fill(NUMBER)
    page.get_by_label(swedish("Given names"), exact=True).fill(GIVEN)
    page.get_by_label(swedish("Family name"), exact=True).fill(FAMILY)
    page.get_by_label(swedish("Gang exit"), exact=True).check()
    page.get_by_label(swedish("Who made the inquiry?"), exact=True).select_option(
        label=swedish("Probation or prison (Kriminalvården)")
    )
    page.locator("#id_inquiry_at").fill(local(inquiry_at))
    page.get_by_label(swedish("District"), exact=True).select_option(label="Hjällbo")
    page.get_by_role("button", name=swedish("Register"), exact=True).click()
    before, after = swedish("Exit case %(reference)s").split("%(reference)s")
    heading_pattern = "^" + re.escape(before) + "([0-9A-F]{8})" + re.escape(after) + "$"
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(heading_pattern))
    reference = re.match(heading_pattern, page.get_by_role("heading", level=1).inner_text())[1]
    lead = page.locator("main p.lead")
    expect(lead).to_contain_text(f"{GIVEN} {FAMILY}")
    expect(lead).to_contain_text(swedish("Inquiry"))

    # 2. The intake assessment, then the baseline.
    take_step(page, "Start the intake assessment", "Start the intake assessment", intake_at)
    expect(lead).to_contain_text(swedish("Intake assessment"))
    intake = section(page, "Record the intake assessment")
    intake.get_by_label(swedish("Criminal lifestyle"), exact=True).check()
    intake.get_by_label(swedish("High"), exact=True).check()
    intake.locator("#id_intake-motivation").fill("Vill inte tillbaka till gruppen.")
    intake.get_by_role("button", name=swedish("Save the intake assessment"), exact=True).click()
    # Not taken in yet: the page says what is missing.
    expect(page.locator("main")).to_contain_text(
        swedish(
            "To take the person in, record the intake assessment and the baseline measurement."
        )
    )
    measure(
        page,
        "At intake (baseline)",
        intake_at.date(),
        {
            "occupation": "No occupation",
            "drug_use": "Regular",
            "criminality": "Regular",
            "housing": "Temporary housing",
            "network_contact": "Regular",
        },
        audit=[1] * 10,
    )
    baseline_row = page.get_by_role("row").filter(has_text=swedish("At intake (baseline)"))
    # AUDIT: one point on each of items 1-8, two on items 9 and 10.
    expect(baseline_row).to_contain_text("12")

    # 3. Taken in, with a plan.
    take_step(
        page,
        "Take the person into the programme",
        "Take into the programme",
        taken_in_at,
        **{"activate-decision_text": "Motiverad; frivården stöttar."},
    )
    expect(lead).to_contain_text(swedish("Active"))
    page.locator("#id_goal-text").fill(GOAL)
    page.get_by_role("button", name=swedish("Add the goal"), exact=True).click()
    expect(page.locator("main")).to_contain_text(GOAL)
    page.locator("summary").filter(has_text=swedish("Add an intervention")).click()
    page.locator("#id_intervention-kind").select_option(label=swedish("Employment support"))
    page.locator("#id_intervention-responsible_organisation").fill("Arbetsförmedlingen")
    page.get_by_role("button", name=swedish("Add the intervention"), exact=True).click()
    expect(page.get_by_role("row").filter(has_text="Arbetsförmedlingen")).to_have_count(1)

    # 4. The closure measurement: better on every count.
    measure(
        page,
        "At closure",
        completed_at.date(),
        {
            "occupation": "Part-time job",
            "drug_use": "Occasional",
            "criminality": "None",
            "housing": "With family",
            "network_contact": "None",
        },
    )
    closure_row = page.get_by_role("row").filter(has_text=swedish("At closure"))
    expect(closure_row).to_contain_text(swedish("Positive development"))

    # 5. Completed half a year ago: the 6-month follow-up is due.
    take_step(page, "Complete the programme", "Complete", completed_at)
    expect(lead).to_contain_text(swedish("Completed"))
    page.goto(live_server.url + reverse("accounts:start"))
    due = section(page, "Exit cases: measurements and follow-ups due")
    row = due.get_by_role("row").filter(has_text=reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{GIVEN} {FAMILY}")
    expect(row).to_contain_text(swedish("Follow-up after 6 months"))

    assert_no_browser_problems(console_messages)
