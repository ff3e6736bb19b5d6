"""A round of the area work in a real browser, in Swedish, by what the pages say.

The coordinator of Angered records the situation picture for half a year with
the three sides' contributions (the police's, the district's, and the
residents' and businesses' with survey figures and interview notes), merges
them into two problems of the joint problem description, sets the joint
action plan and writes a row with a phase-1 measure for the police and a
phase-2 measure of her own. The police member signs in, finds the measure on
his start page and reports it carried out. The coordinator follows the row up
with its effect; the follow-up table shows what the police carried out and the
effect, and the printable page shows both tables.

Same set-up as tests/accounts/test_browser_sign_in.py: Debian's chromium
through Playwright against the live server. The database is seeded before the
browser starts; this test closes the browser itself, inside the test, so that
it can then read what the journey wrote (history rows, access-log events)
without touching the database while Playwright runs (tests/browser.py).
"""

import datetime
import os
import re
import time
from contextlib import contextmanager

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real
from playwright.sync_api import expect, sync_playwright

from accounts.demo import SeededUser
from areas.models import (
    ActionPlan,
    Contribution,
    Measure,
    MeasurePhase,
    MeasureStatus,
    PictureSource,
    PlanRow,
    Problem,
    SituationPicture,
)
from audit.models import AccessEvent
from tests.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    assert_no_browser_problems,
    browser_sign_in,
)
from tests.conftest import swedish
from tests.factories import PASSWORD, totp_device_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICE_SUMMARY = "Öppen narkotikahandel vid Hjällbo torg på kvällarna; stölder i trapphus."
DISTRICT_SUMMARY = "Fritidsgården i Hammarkullen har kortare öppettider sedan i våras."
RESIDENTS_SUMMARY = "Många undviker torget efter mörkrets inbrott."
SURVEY_FIGURES = "42 % känner sig otrygga vid torget på kvällen (2025: 35 %)."
INTERVIEW_NOTES = "Boende beskriver gångtunneln mot spårvagnen som mörk och otrygg."
PROBLEM = "Öppen narkotikahandel"
PROBLEM_DESCRIPTION = "Vid torget och gångvägarna dit, mest mellan 18 och 23."
OTHER_PROBLEM = "Otrygg gångtunnel mot spårvagnen"
CAUSE = "Torget är tomt och mörkt på kvällen; få vuxna rör sig där."
EFFECT_GOAL = "Ingen öppen narkotikahandel vid torget."
SUB_GOALS = "Fler vuxna på torget på kvällarna.\nBättre belysning."
RESPONSIBLE = "Polisen och stadsområdet"
POLICE_MEASURE = "Mer synlig polisnärvaro vid torget fredag och lördag kväll"
OWN_MEASURE = "Nattvandring med föreningarna och fältgruppen"
CARRIED_OUT = "Sex kvällar med två patruller vid torget i november."
EFFECT = "Handeln har flyttat från torget; de boende upplever torget som tryggare."


def swedish_same_word(msgid):
    """For a msgid whose Swedish is the same word (``swedish`` cannot tell it
    from a missing translation): it must be in the Swedish catalogue."""
    catalog = trans_real.translation("sv")._catalog
    assert msgid in catalog, f"no Swedish translation for {msgid!r}"
    with translation.override("sv"):
        return translation.gettext(msgid)


def seeded_user(user):
    """What browser_sign_in needs of a user made by the factories."""
    return SeededUser(user, None, PASSWORD, totp_device_for(user).config_url, [])


@pytest.fixture
def people(coordinator, police, police_org, district_org):
    return {
        "coordinator": seeded_user(coordinator),
        "police": seeded_user(police),
        # The option texts of the measure form's "Responsible person".
        "coordinator_name": str(coordinator),
        "police_name": str(police),
    }


@contextmanager
def browser_page(console_messages):
    """tests/browser.py's chromium and page, closed before the test reads the
    database: the fixtures stay open until the test has ended."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: the browser tests need Debian's chromium"
        if "CI" in os.environ:
            pytest.fail(f"{reason}. CI must run them, not skip them.", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            # English asked for, Swedish shown all the same (tests/browser.py).
            context = browser.new_context(locale="en-US")
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            page = context.new_page()
            page.on("console", lambda m: console_messages.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda error: console_messages.append(f"pageerror: {error}"))
            yield page
        finally:
            browser.close()


def sign_in_again(page, live_server, seeded):
    """browser_sign_in for a user who signed in a moment ago: the app's code of
    that half-minute is spent, so type the next one (the device accepts one
    step of drift)."""
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label(swedish("Username"), exact=True).fill(seeded.user.username)
    page.get_by_label(swedish("Password"), exact=True).fill(seeded.password)
    page.get_by_role("button", name=swedish("Continue"), exact=True).click()
    code_field = page.get_by_label(swedish("Code"), exact=True)
    expect(code_field).to_be_visible()
    code_field.fill(pyotp.parse_uri(seeded.otpauth_uri).at(time.time() + 30))
    page.get_by_role("button", name=swedish("Sign in"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("accounts:start"))


def sign_out(page, live_server):
    page.get_by_role("button", name=swedish("Sign out"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("accounts:login"))


def region(page, heading_msgid):
    """A panel, by its heading (a section labelled by it)."""
    return page.get_by_role("region", name=swedish(heading_msgid), exact=True)


def success(page, msgid):
    expect(page.get_by_text(swedish(msgid), exact=True)).to_be_visible()


def open_angered(page):
    page.get_by_role("navigation").get_by_role(
        "link", name=swedish("Area work"), exact=True
    ).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("areas:home")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish("Area work"))
    region(page, "City districts").get_by_role("link", name="Angered", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Angered")


def add_contribution(page, source_msgid, reference, summary, **residents):
    form = region(page, "Add a contribution")
    form.get_by_label(swedish("From"), exact=True).select_option(label=swedish(source_msgid))
    form.get_by_label(swedish("Source"), exact=True).fill(reference)
    form.get_by_label(swedish("The situation as this side sees it"), exact=True).fill(summary)
    if residents:
        form.get_by_label(swedish("Figures from the safety survey"), exact=True).fill(
            residents["survey_figures"]
        )
        form.get_by_label(swedish("Notes from interviews"), exact=True).fill(
            residents["interview_notes"]
        )
    form.get_by_role("button", name=swedish("Add the contribution"), exact=True).click()
    success(page, "The contribution is added to the situation picture.")
    side = region(page, source_msgid)
    expect(side.locator("article")).to_have_count(1)
    expect(side).to_contain_text(reference)
    expect(side).to_contain_text(summary)
    return side


def add_problem(page, title, *, description="", sub_areas=()):
    form = region(page, "Add a problem")
    # By its label: the plan form beside it is prefixed, so "Problem" names
    # this field and no other.
    form.get_by_label(swedish_same_word("Problem"), exact=True).fill(title)
    if description:
        form.get_by_label(swedish("Description"), exact=True).fill(description)
    tags = form.get_by_role("group", name=swedish("Sub-areas it concerns"), exact=True)
    for name in sub_areas:
        tags.get_by_label(name, exact=True).check()
    form.get_by_role("button", name=swedish("Add the problem"), exact=True).click()
    success(page, "The problem is added to the joint problem description.")


def add_measure(page, *, description, phase_msgid, organisation, person, starts_on, ends_on=None):
    page.locator("#action-plan").get_by_role(
        "link", name=f"{swedish('Add a measure')} {PROBLEM}", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish("A measure"))
    # Opened from the row: the row is chosen already.
    row_field = page.get_by_label(swedish("Problem in the plan"), exact=True)
    expect(row_field.locator("option:checked")).to_have_text(PROBLEM)
    page.get_by_label(swedish("Measure"), exact=True).fill(description)
    page.get_by_label(swedish("Phase"), exact=True).select_option(label=swedish(phase_msgid))
    page.get_by_label(swedish("Responsible organisation"), exact=True).select_option(
        label=organisation
    )
    page.get_by_label(swedish("Responsible person"), exact=True).select_option(label=person)
    page.get_by_label(swedish("From"), exact=True).fill(starts_on.isoformat())
    if ends_on:
        page.get_by_label(swedish("Until"), exact=True).fill(ends_on.isoformat())
    page.get_by_role("button", name=swedish("Save"), exact=True).click()
    success(page, "The measure is added to the plan.")


def test_a_situation_picture_becomes_a_plan_whose_measure_is_reported_and_followed_up(
    live_server, people, angered, police_org, district_org, console_messages
):
    today = timezone.localdate()
    first_month = (today.replace(day=1) - datetime.timedelta(days=150)).replace(day=1)
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    first, last = f"{first_month:%Y-%m}", f"{last_month:%Y-%m}"
    plan_title = swedish("Joint action plan %(picture)s", picture=f"Angered {first}–{last}")  # noqa: RUF001
    coordinator, police = people["coordinator"], people["police"]

    with browser_page(console_messages) as page:
        # 1. The coordinator opens Angered's area work and a new situation picture.
        browser_sign_in(page, live_server, coordinator)
        open_angered(page)
        page.get_by_role("link", name=swedish("New situation picture"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(swedish("New situation picture"))
        page.get_by_label(swedish("From month"), exact=True).fill(first)
        page.get_by_label(swedish("To month"), exact=True).fill(last)
        page.get_by_role(
            "button", name=swedish("Create the situation picture"), exact=True
        ).click()
        success(page, "The situation picture is created.")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            swedish("Situation picture %(first)s – %(last)s", first=first, last=last)  # noqa: RUF001
        )
        for source_msgid in ("The police", "The district", "Residents and businesses"):
            expect(region(page, source_msgid)).to_contain_text(swedish("Not brought yet."))

        # The three sides' contributions.
        add_contribution(
            page, "The police", "Polisens lägesbild, RLS Storgöteborg", POLICE_SUMMARY
        )
        add_contribution(page, "The district", "Stadsområdets omvärldsanalys", DISTRICT_SUMMARY)
        residents = add_contribution(
            page,
            "Residents and businesses",
            "Trygghetsundersökningen och trygghetsvandring",
            RESIDENTS_SUMMARY,
            survey_figures=SURVEY_FIGURES,
            interview_notes=INTERVIEW_NOTES,
        )
        expect(
            residents.get_by_role(
                "heading", name=swedish("Figures from the safety survey"), exact=True
            )
        ).to_be_visible()
        expect(residents).to_contain_text(SURVEY_FIGURES)
        expect(residents).to_contain_text(INTERVIEW_NOTES)
        # The police's and the district's sides are unchanged by it.
        expect(region(page, "The police").locator("article")).to_have_count(1)
        expect(region(page, "The police")).not_to_contain_text(SURVEY_FIGURES)

        # 2. Merged into the joint problem description.
        problems = page.locator("#problems")
        expect(problems).to_contain_text(swedish("No problem described yet."))
        add_problem(
            page,
            PROBLEM,
            description=PROBLEM_DESCRIPTION,
            sub_areas=("Hjällbo", "Hammarkullen"),
        )
        add_problem(page, OTHER_PROBLEM)
        items = problems.locator("> li")
        expect(items).to_have_count(2)
        expect(items.nth(0)).to_contain_text(f"{PROBLEM} — Hammarkullen, Hjällbo")
        expect(items.nth(0)).to_contain_text(PROBLEM_DESCRIPTION)
        expect(items.nth(1)).to_have_text(OTHER_PROBLEM)
        expect(problems).not_to_contain_text(swedish("No problem described yet."))

        # 3. The joint action plan, with the picture's name offered as its title.
        plan_form = region(page, "Joint action plan")
        expect(plan_form.get_by_label(swedish("Title"), exact=True)).to_have_value(plan_title)
        plan_form.get_by_role("button", name=swedish("Set the action plan"), exact=True).click()
        success(page, "The joint action plan is created.")
        expect(page.get_by_role("heading", level=1)).to_have_text(plan_title)
        expect(page.locator("#action-plan")).to_contain_text(swedish("The plan has no rows yet."))

        page.get_by_role("link", name=swedish("Add a row"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(swedish("A row of the plan"))
        page.get_by_label(swedish_same_word("Problem"), exact=True).select_option(label=PROBLEM)
        page.get_by_label(swedish("Cause analysis"), exact=True).fill(CAUSE)
        page.get_by_label(swedish("Overall effect goal"), exact=True).fill(EFFECT_GOAL)
        page.get_by_label(swedish("Sub-goals"), exact=True).fill(SUB_GOALS)
        page.get_by_label(swedish("Responsible"), exact=True).fill(RESPONSIBLE)
        page.get_by_role("button", name=swedish("Save"), exact=True).click()
        success(page, "The row is added to the plan.")
        plan_url = page.url
        row = page.locator("#action-plan tbody tr").filter(has_text=PROBLEM)
        expect(row).to_have_count(1)
        expect(row.get_by_role("rowheader")).to_contain_text("Hammarkullen, Hjällbo")
        for text in (CAUSE, EFFECT_GOAL, "Fler vuxna på torget på kvällarna.", RESPONSIBLE):
            expect(row).to_contain_text(text)

        add_measure(
            page,
            description=POLICE_MEASURE,
            phase_msgid="1 Reactive",
            organisation=police_org.name,
            person=people["police_name"],
            starts_on=today - datetime.timedelta(days=30),
        )
        add_measure(
            page,
            description=OWN_MEASURE,
            phase_msgid="2 Preventive, contact-making",
            organisation=district_org.name,
            person=people["coordinator_name"],
            starts_on=today,
            ends_on=today + datetime.timedelta(days=90),
        )
        measures = row.locator("li.measure")
        expect(measures).to_have_count(2)
        expect(row).to_contain_text(f"{swedish('Phase')} {swedish('1 Reactive')}")
        expect(row).to_contain_text(
            f"{swedish('Phase')} {swedish('2 Preventive, contact-making')}"
        )
        police_item = measures.filter(has_text=POLICE_MEASURE)
        expect(police_item).to_contain_text(f"{police_org.name}, {people['police_name']}")
        expect(police_item).to_contain_text(swedish("Planned"))
        expect(measures.filter(has_text=OWN_MEASURE)).to_contain_text(
            f"{today:%Y-%m-%d} – {today + datetime.timedelta(days=90):%Y-%m-%d}"  # noqa: RUF001
        )
        sign_out(page, live_server)

        # 4. The police member finds his measure on the start page and reports on it.
        browser_sign_in(page, live_server, police)
        panel = region(page, "Area work")
        expect(panel.get_by_role("link", name="Angered", exact=True)).to_be_visible()
        mine = panel.get_by_role("listitem").filter(has_text=POLICE_MEASURE)
        expect(mine).to_contain_text(PROBLEM)
        expect(panel).not_to_contain_text(OWN_MEASURE)
        mine.get_by_role("link", name=swedish("Report on it"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(swedish("Report on a measure"))
        expect(page.locator("dl.facts")).to_contain_text(POLICE_MEASURE)
        expect(page.locator("dl.facts")).to_contain_text(swedish("1 Reactive"))
        page.get_by_role("group", name=swedish("Carried out?"), exact=True).get_by_label(
            swedish("Carried out"), exact=True
        ).check()
        page.get_by_label(swedish("What was carried out"), exact=True).fill(CARRIED_OUT)
        expect(page.get_by_label(swedish("Date"), exact=True)).to_have_value(today.isoformat())
        page.get_by_role("button", name=swedish("Save the report"), exact=True).click()
        success(page, "Your report on the measure is saved.")
        expect(page).to_have_url(plan_url)
        expect(police_item).to_contain_text(swedish("Carried out"))
        # The police reads the plan and reports on his own measure only.
        expect(page.get_by_role("link", name=swedish("Add a row"), exact=True)).to_have_count(0)
        expect(measures.filter(has_text=OWN_MEASURE).get_by_role("link")).to_have_count(0)
        expect(
            page.locator("#follow-up").get_by_role("link", name=re.compile(swedish("Follow up")))
        ).to_have_count(0)
        sign_out(page, live_server)

        # 5. The coordinator follows the row up.
        sign_in_again(page, live_server, coordinator)
        open_angered(page)
        region(page, "Situation pictures and action plans").get_by_role(
            "link", name=plan_title, exact=True
        ).click()
        expect(page).to_have_url(plan_url)
        follow_up = page.locator("#follow-up")
        follow_up_row = follow_up.locator("tbody tr").filter(has_text=PROBLEM)
        expect(follow_up_row).to_contain_text(swedish("Not followed up yet."))
        follow_up_row.get_by_role(
            "link", name=f"{swedish('Follow up')} {PROBLEM}", exact=True
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            swedish("Follow up: %(problem)s", problem=PROBLEM)
        )
        page.get_by_label(swedish("Effect"), exact=True).fill(EFFECT)
        page.get_by_role("button", name=swedish("Save"), exact=True).click()
        success(page, "The follow-up is saved.")
        expect(page).to_have_url(plan_url)
        cells = follow_up_row.locator("td")
        expect(cells.nth(0)).to_contain_text(f"{POLICE_MEASURE} ({swedish('phase')} 1)")
        expect(cells.nth(0)).to_contain_text(f"{OWN_MEASURE} ({swedish('phase')} 2)")
        expect(cells.nth(1)).to_contain_text(CARRIED_OUT)
        expect(cells.nth(1)).to_contain_text(f"({today:%Y-%m-%d}, {police_org.name})")
        expect(cells.nth(1)).not_to_contain_text(OWN_MEASURE)
        expect(cells.nth(2)).to_contain_text(EFFECT)
        expect(cells.nth(2)).not_to_contain_text(swedish("Not followed up yet."))

        # The printable page: both tables, without the links.
        page.get_by_role(
            "link", name=swedish("The plan and its follow-up, to print"), exact=True
        ).click()
        expect(page).to_have_url(plan_url + "print/")
        expect(page.get_by_role("heading", level=1)).to_have_text(plan_title)
        printed_plan, printed_follow_up = page.locator("#action-plan"), page.locator("#follow-up")
        expect(printed_plan).to_be_visible()
        for text in (PROBLEM, CAUSE, EFFECT_GOAL, RESPONSIBLE, POLICE_MEASURE, OWN_MEASURE):
            expect(printed_plan).to_contain_text(text)
        expect(printed_follow_up).to_be_visible()
        expect(printed_follow_up).to_contain_text(CARRIED_OUT)
        expect(printed_follow_up).to_contain_text(EFFECT)
        expect(printed_plan.get_by_role("link")).to_have_count(0)
        expect(printed_follow_up.get_by_role("link")).to_have_count(0)
        printed_at = re.escape(swedish("Printed from Trygg %(when)s.")).replace(
            re.escape("%(when)s"), rf"{today:%Y-%m-%d} \d{{2}}:\d{{2}}"
        )
        expect(page.locator("main")).to_contain_text(re.compile(printed_at))

        assert_no_browser_problems(console_messages)

    # Playwright has stopped: what the journey left in the database.
    picture = SituationPicture.objects.get(city_district=angered)
    assert (picture.first_month, picture.last_month) == (first_month, last_month)
    contributions = {c.source: c for c in Contribution.objects.filter(picture=picture)}
    assert set(contributions) == set(PictureSource)
    assert contributions[PictureSource.RESIDENTS].survey_figures == SURVEY_FIGURES
    assert contributions[PictureSource.RESIDENTS].interview_notes == INTERVIEW_NOTES
    problem = Problem.objects.get(picture=picture, title=PROBLEM)
    assert {area.district.name for area in problem.sub_areas.all()} == {"Hjällbo", "Hammarkullen"}
    assert not Problem.objects.get(picture=picture, title=OTHER_PROBLEM).sub_areas.exists()

    plan = ActionPlan.objects.get(picture=picture)
    plan_row = PlanRow.objects.get(plan=plan)
    assert plan_row.problem == problem
    assert plan_row.effect == EFFECT
    assert plan_row.followed_up_by == coordinator.user
    reported = Measure.objects.get(row=plan_row, phase=MeasurePhase.REACTIVE)
    assert reported.description == POLICE_MEASURE
    assert reported.status == MeasureStatus.CARRIED_OUT
    assert reported.carried_out == CARRIED_OUT
    assert reported.reported_by == police.user
    assert reported.reported_on == today
    assert (reported.responsible, reported.organisation) == (police.user, police_org)
    own = Measure.objects.get(row=plan_row, phase=MeasurePhase.PREVENTIVE)
    assert (own.responsible, own.status) == (coordinator.user, MeasureStatus.PLANNED)

    # History: who wrote the row and its follow-up, the measure and its report.
    row_history = list(PlanRow.history.filter(id=plan_row.pk).order_by("history_date"))
    assert [entry.history_type for entry in row_history] == ["+", "~"]
    assert row_history[-1].effect == EFFECT
    assert {entry.history_user for entry in row_history} == {coordinator.user}
    measure_history = list(Measure.history.filter(id=reported.pk).order_by("history_date"))
    assert [entry.history_type for entry in measure_history] == ["+", "~"]
    assert measure_history[0].history_user == coordinator.user
    assert measure_history[-1].history_user == police.user
    assert measure_history[-1].status == MeasureStatus.CARRIED_OUT

    # The access log: each change of the plan an event, by whom it was made.
    events = AccessEvent.objects.filter(object_type="areas.actionplan", object_id=str(plan.pk))
    changes = {(e.actor_id, e.detail) for e in events.filter(action="change")}
    assert changes == {
        (coordinator.user.pk, f"row={plan_row.pk}"),
        (coordinator.user.pk, f"measure={reported.pk}"),
        (coordinator.user.pk, f"measure={own.pk}"),
        (police.user.pk, f"report={reported.pk}"),
        (coordinator.user.pk, f"follow_up={plan_row.pk}"),
    }
    assert events.filter(action="create", actor=coordinator.user).count() == 1
    # Reading the plan is logged too: the police's view after his report, the print.
    assert events.filter(action="view", actor=police.user).exists()
    assert events.filter(action="view", actor=coordinator.user, detail="print").count() == 1
