"""A real browser signs in with password and TOTP, in Swedish, then switches to English.

Drives Debian's chromium (/usr/bin/chromium) through Playwright against
pytest-django's live server. Run only these with ``pytest -m browser``; leave
them out with ``pytest -m "not browser"``. Without chromium the test is
skipped, except on CI (the CI environment variable is set), where it fails.

Database work happens before Playwright starts and after it stops, never
while it runs: Playwright's sync API keeps an asyncio event loop running in
this thread, and while it does Django hands out *other* connection objects
(asgiref keeps them per async context). The test database's set-up and flush
would then act on connections that lack the test run's state. So the browser
is function-scoped and started after the database fixtures and the seed.
"""

import os
import re
from pathlib import Path

import pyotp
import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from accounts.demo import demo_seed
from tests.conftest import swedish

# Playwright's event loop makes Django refuse database calls in this thread;
# the fixtures below keep such calls out of the browser's lifetime, this is
# the safety net should one slip in.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000

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


@pytest.fixture
def chromium(transactional_db, live_server):
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} not found: the browser tests need Debian's chromium "
            "(apt-get install chromium)"
        )
        if "CI" in os.environ:
            pytest.fail(f"{reason}. CI must run them, not skip them.", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def console_messages():
    return []


@pytest.fixture
def page(chromium, console_messages):
    # The browser asks for English, as many municipal computers do: the
    # interface is Swedish all the same until the user switches.
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda message: console_messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console_messages.append(f"pageerror: {error}"))
    try:
        yield page
    finally:
        context.close()


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

    csp_violations = [text for text in console_messages if "Content Security Policy" in text]
    assert not csp_violations, "\n".join(csp_violations)
    page_errors = [text for text in console_messages if text.startswith("pageerror:")]
    assert not page_errors, "\n".join(page_errors)
