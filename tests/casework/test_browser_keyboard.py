"""The under-15 workflow by keyboard alone, and its choices grouped for screen readers.

After each page is opened (``page.goto`` or a form sent), the worker uses
only the keyboard: Tab and Shift+Tab to move, typing, arrow keys in selects
and radio groups, Space for checkboxes, Enter on links and buttons. The
registration form is walked field by field in order, guardian included; on
the report page the protection assessment, the first contact and the
initial assessment are reached by Tab and sent with Enter. Where the focus
goes is checked by the focused element's id and by its label or name.

At each step every radio button, and every group of checkboxes sharing a
name, must sit in a ``<fieldset>`` whose ``<legend>`` names the question, so
that a screen reader says the question with each choice: the group is then
found by its role and the legend's text.

Same set-up as tests/casework/test_browser_report_journey.py. Signing in is
not the subject here and uses fill and click.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.translation import trans_real
from playwright.sync_api import expect

from accounts.demo import demo_seed
from casework.models import AssessmentDecision, ContactKind, OffenceCategory
from casework.persons.demo import demo_persons_seed, identity_number
from casework.reports.demo import demo_reports_seed
from tests.browser import assert_no_browser_problems, browser_sign_in
from tests.conftest import swedish

STOCKHOLM = ZoneInfo("Europe/Stockholm")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# A child who is not registered yet (the demo persons are), 12 years old.
CHILD_NUMBER = identity_number(datetime.date(2014, 2, 9), 372)
CHILD_GIVEN_NAMES = "Vide"
CHILD_FAMILY_NAME = "Sandström"
CHILD_NAME = f"{CHILD_GIVEN_NAMES} {CHILD_FAMILY_NAME}"
GUARDIAN_NAME = "Lena Sandström"
GUARDIAN_RELATION = "mamma"
GUARDIAN_PHONE = "070-555 12 34"
POLICE_REFERENCE = "5000-K135791-26"
SUMMARY = "Klotter på skolans vägg."
DISTRICT = "Hjällbo"

# The report page's form fields, each the step's prefix and the field's name.
PROTECTION_AT = "id_assess_protection-at"
FIRST_CONTACT_AT = "id_record_first_contact-at"
DECISION_AT = "id_record_assessment-at"

# Every radio button, and every checkbox sharing its name with another: the
# fieldset each group sits in, its legend's text, and what is wrong.
CHOICE_GROUPS_JS = """() => {
  const problems = [];
  const groups = [];
  const sets = new Map();
  for (const input of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    const key = `${input.type} ${input.name}`;
    if (!sets.has(key)) sets.set(key, []);
    sets.get(key).push(input);
  }
  for (const [key, inputs] of sets) {
    const type = inputs[0].type;
    if (type === 'checkbox' && inputs.length < 2) continue;
    const fieldsets = new Set(inputs.map((input) => input.closest('fieldset')));
    if (fieldsets.has(null) || fieldsets.size !== 1) {
      problems.push(`${key}: not all in one fieldset`);
      continue;
    }
    const fieldset = [...fieldsets][0];
    const legend = fieldset.firstElementChild;
    const text = legend && legend.tagName === 'LEGEND' ? legend.textContent.trim() : '';
    if (!text) {
      problems.push(`${key}: its fieldset does not start with a legend that says something`);
      continue;
    }
    const strangers = [...fieldset.querySelectorAll('input[type=radio], input[type=checkbox]')]
      .filter((input) => !inputs.includes(input));
    if (strangers.length) problems.push(`${key}: its fieldset holds other choices too`);
    groups.push({type, legend: text, count: inputs.length});
  }
  const fieldsets = [...document.querySelectorAll('fieldset')]
    .filter((fieldset) => fieldset.checkVisibility())
    .map((fieldset) => {
      const legend = fieldset.firstElementChild;
      return legend && legend.tagName === 'LEGEND' ? legend.textContent.trim() : '';
    });
  return {problems, groups, fieldsets};
}"""


def swedish_same_word(msgid):
    """For a msgid whose Swedish is the same word (``swedish`` cannot tell it
    from a missing translation): it must be in the Swedish catalogue."""
    assert msgid in trans_real.translation("sv")._catalog, f"no Swedish translation for {msgid!r}"
    return msgid


@pytest.fixture
def seeded(transactional_db):
    users = {seeded.user.username: seeded for seeded in demo_seed()}
    demo_persons_seed()
    demo_reports_seed()
    return users


def focused_id(page):
    return page.evaluate("document.activeElement.id")


def tab(page, expected, *, backwards=False, presses_at_most=8):
    """Tab (Shift+Tab) until the focus leaves the focused element, and check
    where it lands: ``expected`` is an element's id, or a locator. A date or
    time field takes a Tab per part (year, month, ..., each a stop of its own),
    hence more than one press for some."""
    key = "Shift+Tab" if backwards else "Tab"
    page.evaluate("() => { window.focusedBefore = document.activeElement; }")
    for _ in range(presses_at_most):
        page.keyboard.press(key)
        if page.evaluate("() => document.activeElement !== window.focusedBefore"):
            break
    else:
        raise AssertionError(f"{key} {presses_at_most} times: the focus did not move on")
    if isinstance(expected, str):
        assert focused_id(page) == expected
    else:
        expect(expected).to_be_focused()


def skip_to_content(page):
    """The first Tab stop is the skip link; Enter on it puts the focus on <main>."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=swedish("Skip to content"), exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    assert focused_id(page) == "main"


def tab_until(page, expected, *, presses_at_most=40):
    """Tab until ``expected`` (a locator) has the focus: reaching it by keyboard."""
    for _ in range(presses_at_most):
        page.keyboard.press("Tab")
        if expected.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"not reached by {presses_at_most} presses of Tab: {expected}")


def selected_text(page):
    return page.evaluate("document.activeElement.selectedOptions[0].text")


def check_choice_groups(page, *, radio_groups=(), checkbox_groups=()):
    """Each radio group and checkbox group is a fieldset with a legend; found by
    its role and the legend's text. ``radio_groups`` and ``checkbox_groups``:
    the legends expected, all of them."""
    found = page.evaluate(CHOICE_GROUPS_JS)
    assert not found["problems"], "\n".join(found["problems"])
    assert sorted(g["legend"] for g in found["groups"] if g["type"] == "radio") == sorted(
        radio_groups
    )
    assert sorted(g["legend"] for g in found["groups"] if g["type"] == "checkbox") == sorted(
        checkbox_groups
    )
    for group in found["groups"]:
        fieldset = page.get_by_role("group", name=group["legend"], exact=True)
        expect(fieldset).to_be_visible()
        expect(fieldset.get_by_role(group["type"])).to_have_count(group["count"])
    # Every fieldset shown says what it groups, and is a group by that name.
    assert all(found["fieldsets"]), f"a fieldset without a legend: {found['fieldsets']}"
    for legend in found["fieldsets"]:
        expect(page.get_by_role("group", name=legend, exact=True).first).to_be_visible()


# seeded comes before page: the seed must be in before the browser starts.
def test_a_report_is_registered_and_worked_by_keyboard_alone(
    live_server, seeded, page, console_messages
):
    offence_date = datetime.datetime.now(STOCKHOLM).date() - datetime.timedelta(days=1)
    detail_url = re.compile(
        "^"
        + re.escape(live_server.url + reverse("casework:report-list"))
        + r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/(#main)?$"
    )
    browser_sign_in(page, live_server, seeded["socialsekreterare"])

    # 1. The registration form, field by field in the order it is read.
    page.goto(live_server.url + reverse("casework:report-create"))
    check_choice_groups(page)
    for legend in (
        swedish("The child"),
        swedish("Guardian %(number)s", number=1),
        swedish("Guardian %(number)s", number=2),
        swedish("The report"),
    ):
        expect(page.get_by_role("group", name=legend, exact=True)).to_be_visible()
    skip_to_content(page)
    child = page.get_by_role("group", name=swedish("The child"), exact=True)
    tab(page, child.get_by_label(swedish("Personal identity number"), exact=True))
    assert focused_id(page) == "id_identity_number"
    page.keyboard.type(CHILD_NUMBER)
    tab(page, child.get_by_label(swedish("Given names"), exact=True))
    page.keyboard.type(CHILD_GIVEN_NAMES)
    tab(page, child.get_by_label(swedish("Family name"), exact=True))
    page.keyboard.type(CHILD_FAMILY_NAME)

    # The guardians come next, before the report's own fields.
    guardian = page.get_by_role("group", name=swedish("Guardian %(number)s", number=1), exact=True)
    tab(page, guardian.get_by_label(swedish("Name"), exact=True))
    assert focused_id(page) == "id_guardian-0-name"
    page.keyboard.type(GUARDIAN_NAME)
    tab(page, guardian.get_by_label(swedish_same_word("Relation"), exact=True))
    page.keyboard.type(GUARDIAN_RELATION)
    tab(page, guardian.get_by_label(swedish("Phone"), exact=True))
    page.keyboard.type(GUARDIAN_PHONE)
    tab(page, guardian.get_by_label(swedish("E-mail"), exact=True))
    tab(page, guardian.get_by_label(swedish("Address"), exact=True))
    # The second guardian is left empty.
    second = page.get_by_role("group", name=swedish("Guardian %(number)s", number=2), exact=True)
    for label in ("Name", "Relation", "Phone", "E-mail", "Address"):
        text = swedish_same_word(label) if label == "Relation" else swedish(label)
        tab(page, second.get_by_label(text, exact=True))
    assert focused_id(page) == "id_guardian-1-address"

    the_report = page.get_by_role("group", name=swedish("The report"), exact=True)
    tab(page, the_report.get_by_label(swedish("Police reference"), exact=True))
    assert focused_id(page) == "id_police_reference"
    page.keyboard.type(POLICE_REFERENCE)
    # A select: arrow keys move through the options, from "Choose …".
    offence = the_report.get_by_label(swedish("Offence"), exact=True)
    tab(page, offence)
    assert selected_text(page) == swedish("Choose …")
    steps_down = OffenceCategory.values.index("theft") + 1
    for _ in range(steps_down + 1):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert selected_text(page) == swedish("Theft")
    expect(offence).to_have_value("theft")
    # A date field: typed part by part (the browser's English order, month first).
    offence_date_field = the_report.get_by_label(swedish("Offence date"), exact=True)
    tab(page, offence_date_field)
    page.keyboard.type(offence_date.strftime("%m%d%Y"))
    expect(offence_date_field).to_have_value(offence_date.isoformat())
    # The time of receipt is filled in (now) and kept; Tab passes its parts.
    tab(page, the_report.get_by_label(swedish("Report received by social services"), exact=True))
    tab(page, the_report.get_by_label(swedish("District"), exact=True))
    assert focused_id(page) == "id_district"
    page.keyboard.type(DISTRICT)
    assert selected_text(page) == DISTRICT
    tab(page, the_report.get_by_label(swedish("Summary"), exact=True))
    page.keyboard.type(SUMMARY)
    register = page.get_by_role("button", name=swedish("Register"), exact=True)
    tab(page, register)
    # Shift+Tab goes back the same way.
    tab(page, the_report.get_by_label(swedish("Summary"), exact=True), backwards=True)
    tab(page, the_report.get_by_label(swedish("District"), exact=True), backwards=True)
    tab(page, the_report.get_by_label(swedish("Summary"), exact=True))
    tab(page, register)
    page.keyboard.press("Enter")

    # The skip link's "#main" stays on the address through the redirect, and
    # Tab would start from there: the report page is opened afresh below.
    expect(page).to_have_url(detail_url)
    report_address = page.url.split("#")[0]
    report_url = re.compile("^" + re.escape(report_address) + "$")
    lead = (
        page.get_by_role("main")
        .get_by_role("paragraph")
        .filter(has=page.get_by_role("link", name=CHILD_NAME, exact=True))
    )
    expect(lead).to_contain_text(swedish("Received"))

    # 2. The protection assessment: its radio group reached by Tab, chosen with
    # the arrow keys, sent with Enter on the button.
    protection_question = swedish("Is there an immediate need of protection?")
    check_choice_groups(page, radio_groups=[protection_question])
    protection = page.get_by_role("group", name=protection_question, exact=True)
    yes = protection.get_by_label(swedish("Yes"), exact=True)
    no = protection.get_by_label(swedish("No"), exact=True)
    page.goto(report_address)
    skip_to_content(page)
    tab(page, page.get_by_role("link", name=CHILD_NAME, exact=True))
    tab(page, page.get_by_label(swedish("Assessed at"), exact=True))
    assert focused_id(page) == PROTECTION_AT
    # Nothing is chosen yet: Tab stops at the first choice and leaves it unticked.
    tab(page, yes)
    expect(yes).not_to_be_checked()
    expect(no).not_to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(no).to_be_focused()
    expect(no).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(yes).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(no).to_be_checked()
    expect(yes).not_to_be_checked()
    # One Tab stop for the whole group: the next is the button.
    tab(page, page.get_by_role("button", name=swedish("Save the protection assessment")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(report_url)
    expect(lead).to_contain_text(swedish("Protection assessed"))
    expect(page.get_by_role("status")).to_have_text(swedish("The protection assessment is saved."))

    # 3. The first contact: how, with a select; whom, ticked with Space.
    met_question = swedish("Whom did you meet?")
    check_choice_groups(page, checkbox_groups=[met_question])
    met = page.get_by_role("group", name=met_question, exact=True)
    child_met = met.get_by_label(swedish("%(name)s (the child)", name=CHILD_NAME), exact=True)
    guardian_met = met.get_by_label(f"{GUARDIAN_NAME} ({GUARDIAN_RELATION})", exact=True)
    how = page.get_by_label(swedish("How did you meet?"), exact=True)
    skip_to_content(page)
    tab(page, page.get_by_role("link", name=CHILD_NAME, exact=True))
    tab(page, page.get_by_label(swedish("First contact at"), exact=True))
    assert focused_id(page) == FIRST_CONTACT_AT
    tab(page, how)
    for _ in range(ContactKind.values.index("home_visit") + 1):
        page.keyboard.press("ArrowDown")
    assert selected_text(page) == swedish("Home visit")
    tab(page, child_met)
    page.keyboard.press("Space")
    expect(child_met).to_be_checked()
    tab(page, guardian_met)
    page.keyboard.press("Space")
    expect(guardian_met).to_be_checked()
    # Space again unticks; and once more ticks.
    page.keyboard.press("Space")
    expect(guardian_met).not_to_be_checked()
    page.keyboard.press("Space")
    expect(guardian_met).to_be_checked()
    tab(page, page.get_by_label(swedish("Others who took part"), exact=True))
    tab(page, page.get_by_role("button", name=swedish("Save the first contact"), exact=True))
    page.keyboard.press("Enter")
    expect(page).to_have_url(report_url)
    expect(lead).to_contain_text(swedish("First contact made"))
    participants = (
        f"{swedish('Home visit')}: {swedish('%(name)s (the child)', name=CHILD_NAME)}, "
        f"{GUARDIAN_NAME} ({GUARDIAN_RELATION})"
    )
    expect(page.get_by_role("listitem").filter(has_text=participants)).to_have_count(1)

    # 4. The initial assessment: the decision's radio group, by keyboard.
    decision_question = swedish("Decision")
    check_choice_groups(page, radio_groups=[decision_question])
    decision = page.get_by_role("group", name=decision_question, exact=True)
    # The first choice, before "No investigation".
    assert AssessmentDecision.values.index("no_investigation") == 1
    first_choice = decision.get_by_label(swedish("Open an investigation"), exact=True)
    no_investigation = decision.get_by_label(swedish("No investigation"), exact=True)
    skip_to_content(page)
    tab(page, page.get_by_role("link", name=CHILD_NAME, exact=True))
    tab(page, page.get_by_label(swedish("Decided at"), exact=True))
    assert focused_id(page) == DECISION_AT
    tab(page, first_choice)
    expect(first_choice).not_to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(no_investigation).to_be_focused()
    expect(no_investigation).to_be_checked()
    tab(page, page.get_by_role("button", name=swedish("Save the decision"), exact=True))
    page.keyboard.press("Enter")
    expect(page).to_have_url(report_url)
    expect(lead).to_contain_text(swedish("Initial assessment made"))

    # 5. The closing panel, opened with Enter on its summary: a single
    # confirmation box, no choice group; nothing else is offered.
    closing = page.get_by_role("region", name=swedish("Close the report"), exact=True)
    expect(closing).to_be_hidden()
    skip_to_content(page)
    summary = page.get_by_text(swedish("Close the report instead"), exact=True)
    tab_until(page, summary)
    page.keyboard.press("Enter")
    expect(closing).to_be_visible()
    check_choice_groups(page)
    expect(page.get_by_role("radio")).to_have_count(0)

    assert_no_browser_problems(console_messages)
