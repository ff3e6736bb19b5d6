"""A real browser signs in with password and TOTP, in Swedish, then switches to English.

Drives Debian's chromium (/usr/bin/chromium) through Playwright against
pytest-django's live server. Run only these with ``pytest -m browser``; leave
them out with ``pytest -m "not browser"``. Without chromium the test is
skipped, except on CI (the CI environment variable is set), where it fails.

The browser fixtures and why they are shaped so are in tests/browser.py.
"""

import re

import pyotp
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.demo import demo_seed
from tests.browser import assert_no_browser_problems
from tests.conftest import swedish

pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional database; tests/conftest.py puts back
    # the rows that migrations made and a flush removed (role groups).
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def socialsekreterare(transactional_db):
    seeded = {seeded.user.username: seeded for seeded in demo_seed()}
    return seeded["socialsekreterare"]


# socialsekreterare comes before page: the seed must be in before the browser starts.
def test_a_social_worker_signs_in_with_two_factors_and_switches_to_english(
    live_server, socialsekreterare, page, console_messages
):
    login_url = live_server.url + reverse("accounts:login")
    verify_url = live_server.url + reverse("accounts:verify")
    start_url = live_server.url + reverse("accounts:start")

    # Not signed in: the start page sends us to the sign-in page, in Swedish.
    page.goto(start_url)
    expect(page).to_have_url(re.compile("^" + re.escape(login_url) + r"\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish("Sign in to Trygg"))

    # Step 1: username and password, found by their visible labels.
    page.get_by_label(swedish("Username"), exact=True).fill(socialsekreterare.user.username)
    page.get_by_label(swedish("Password"), exact=True).fill(socialsekreterare.password)
    page.get_by_role("button", name=swedish("Continue"), exact=True).click()

    # Step 2: the code from the authenticator app.
    expect(page).to_have_url(re.compile("^" + re.escape(verify_url) + r"\?next=%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish("Confirm it is you"))
    code = pyotp.parse_uri(socialsekreterare.otpauth_uri).now()
    page.get_by_label(swedish("Code"), exact=True).fill(code)
    page.get_by_role("button", name=swedish("Sign in"), exact=True).click()

    # Signed in: the social worker's start page.
    welcome = page.get_by_role("heading", level=1)
    expect(page).to_have_url(start_url)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(welcome).to_have_text(swedish("Welcome, %(name)s", name="Sara"))
    expect(welcome).to_contain_text(socialsekreterare.user.first_name)
    my_cases = page.get_by_role("heading", level=2, name=swedish("My cases"), exact=True)
    expect(my_cases).to_be_visible()
    expect(page.get_by_role("button", name=swedish("Sign out"), exact=True)).to_be_visible()

    # Switch to English: the same page, now in English.
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(start_url)
    my_cases = page.get_by_role("heading", level=2, name="My cases", exact=True)
    expect(my_cases).to_have_text("My cases")
    expect(welcome).to_have_text("Welcome, Sara")
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Svenska", exact=True)).to_be_visible()

    assert_no_browser_problems(console_messages)
