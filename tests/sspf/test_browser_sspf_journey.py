"""An SSPF concern in a real browser, in Swedish, by what the pages say.

A school representative raises a concern about a youth and records the
guardians' consent covering school and police; the referral goes on a
meeting's agenda and gets an agreed action for the police representative,
who sees the youth's name. The consent is withdrawn, and the name is gone
from the police representative's pages. The school representative then
files a report of concern; the unit manager assigns it, and the social
worker finds it on her start page.

Each user has a browser context of their own, signed in once. The database
is seeded before the browser starts and not touched while it runs.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import demo_seed
from casework.persons.demo import identity_number
from sspf.demo import demo_groups_seed
from tests.browser import assert_no_browser_problems, browser_sign_in
from tests.conftest import swedish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YOUTH_NUMBER = identity_number(datetime.date(2013, 6, 2), 377)
YOUTH_GIVEN = "Nova"
YOUTH_FAMILY = "Lindqvistsson"
YOUTH_NAME = f"{YOUTH_GIVEN} {YOUTH_FAMILY}"
CONCERN = "Hög frånvaro och ses med äldre ungdomar vid torget på kvällarna."
ACTION = "Polisen pratar med fältgruppen om kvällarna vid torget."
GROUP = "SSPF Hammarkullen"


@pytest.fixture
def seeded(transactional_db):
    users = {item.user.username: item for item in demo_seed() + demo_groups_seed()}
    return users


def signed_in(chromium, live_server, seeded_user, console_messages):
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("pageerror", lambda error: console_messages.append(f"pageerror: {error}"))
    browser_sign_in(page, live_server, seeded_user)
    return page


def test_a_concern_from_the_school_to_the_social_worker(
    seeded, chromium, live_server, console_messages
):
    today = timezone.localdate()
    school = signed_in(chromium, live_server, seeded["sspf"], console_messages)

    # The school raises the concern.
    school.get_by_role("link", name=swedish("Raise a concern"), exact=True).first.click()
    school.get_by_label(swedish("SSPF group"), exact=True).select_option(label=GROUP)
    school.get_by_label(swedish("A youth"), exact=True).check()
    school.get_by_label(swedish("The youth's personal identity number"), exact=True).fill(
        YOUTH_NUMBER
    )
    school.get_by_label(swedish("Given names"), exact=True).fill(YOUTH_GIVEN)
    school.get_by_label(swedish("Family name"), exact=True).fill(YOUTH_FAMILY)
    school.get_by_label(swedish("What is the concern?"), exact=True).select_option(
        label=swedish("Truancy / school absence")
    )
    school.get_by_label(swedish("What gives concern"), exact=True).fill(CONCERN)
    school.get_by_role("button", name=swedish("Raise the concern"), exact=True).click()
    expect(
        school.get_by_text(swedish("The youth is not named: no consent covers your organisation."))
    ).to_be_visible()
    referral_url = school.url

    # The guardians agree, for school and police.
    school.get_by_role("link", name=swedish("Record the guardians' answer"), exact=True).click()
    school.get_by_label(swedish("Consent given"), exact=True).check()
    school.get_by_label(swedish("The first guardian agrees"), exact=True).check()
    school.get_by_label(swedish("How was it given?"), exact=True).select_option(
        label=swedish("In writing")
    )
    school.get_by_label(swedish("Date"), exact=True).fill(today.isoformat())
    school.get_by_label(swedish("School"), exact=True).check()
    school.get_by_label(swedish("Police"), exact=True).check()
    school.get_by_role("button", name=swedish("Save the answer"), exact=True).click()
    expect(school.get_by_text(YOUTH_NAME)).to_be_visible()

    # A meeting: the referral is on its agenda and gets an action for the police.
    school.goto(live_server.url + reverse("accounts:start"))
    school.get_by_role("link", name=GROUP, exact=True).click()
    starts = timezone.localtime() + datetime.timedelta(days=2)
    school.get_by_label(swedish("Time"), exact=True).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    school.get_by_role("button", name=swedish("Schedule the meeting"), exact=True).click()
    item = school.locator("section.agenda-item").filter(has_text=YOUTH_NAME)
    expect(item).to_have_count(1)
    item.get_by_text(swedish("Agree on an action"), exact=True).click()
    item.get_by_label(swedish("Agreed action"), exact=True).fill(ACTION)
    item.get_by_label(swedish("Responsible member"), exact=True).select_option(label="Lena Falk")
    item.get_by_label(swedish("Due"), exact=True).fill(
        (today + datetime.timedelta(days=7)).isoformat()
    )
    item.get_by_role("button", name=swedish("Save the action"), exact=True).click()
    expect(school.get_by_text(swedish("The action is agreed."))).to_be_visible()

    # The police representative: the action on her start page, the youth by name.
    police = signed_in(chromium, live_server, seeded["polis"], console_messages)
    actions = police.locator(
        "section", has=police.get_by_role("heading", name=swedish("Actions I am responsible for"))
    )
    expect(actions.get_by_text(ACTION, exact=False)).to_be_visible()
    actions.get_by_role("link", name=YOUTH_NAME, exact=True).click()
    police_referral_url = police.url
    expect(police.get_by_text(YOUTH_NAME).first).to_be_visible()

    # The consent is withdrawn: the police no longer see who the youth is.
    school.goto(referral_url)
    school.get_by_role("button", name=swedish("Withdraw"), exact=True).click()
    expect(
        school.get_by_text(
            swedish("The consent is withdrawn. The group no longer sees who the youth is.")
        )
    ).to_be_visible()
    police.goto(police_referral_url)
    expect(
        police.get_by_text(swedish("The youth is not named: no consent covers your organisation."))
    ).to_be_visible()
    assert YOUTH_FAMILY not in police.content()
    police.goto(live_server.url + reverse("accounts:start"))
    assert YOUTH_FAMILY not in police.content()

    # The school files a report of concern.
    school.goto(referral_url)
    school.get_by_text(swedish("Report concern to social services"), exact=True).click()
    school.get_by_label(
        swedish(
            "I report concern for this youth to social services (orosanmälan). "
            "This cannot be undone."
        ),
        exact=True,
    ).check()
    school.get_by_role("button", name=swedish("Send the report of concern"), exact=True).click()
    expect(school.get_by_text(swedish("Social services have not decided yet."))).to_be_visible()

    # The unit manager assigns it; the social worker sees it on her start page.
    manager = signed_in(chromium, live_server, seeded["enhetschef"], console_messages)
    manager.goto(live_server.url + reverse("casework:unit-reports"))
    manager.get_by_label(swedish("Assign to"), exact=True).select_option(label="Sara Lind")
    manager.get_by_role("button", name=swedish("Assign"), exact=True).click()
    worker = signed_in(chromium, live_server, seeded["socialsekreterare"], console_messages)
    row = worker.get_by_role("row").filter(has_text=YOUTH_NAME)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(swedish("Report of concern from SSPF"))
    assert CONCERN not in worker.content()  # the list shows no SSPF text
    assert_no_browser_problems(console_messages)
