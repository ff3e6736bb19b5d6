"""Playwright fixtures for the browser tests, in Debian's chromium.

Database work happens before Playwright starts and after it stops, never
while it runs: Playwright's sync API keeps an asyncio event loop running in
the test's thread, and while it does Django hands out other connection
objects (asgiref keeps them per async context). So the browser is
function-scoped; tests request their seed fixtures before ``page``.
Without chromium the tests skip, except on CI, where they fail.
"""

import os
from pathlib import Path

import pyotp
import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from tests.conftest import swedish

# Playwright's event loop makes Django refuse database calls in this
# thread; the fixtures keep such calls out of the browser's lifetime, this
# is the safety net should one slip in.
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


def assert_no_browser_problems(console_messages):
    """No Content-Security-Policy violation and no uncaught script error."""
    problems = [
        text
        for text in console_messages
        if "Content Security Policy" in text or text.startswith("pageerror:")
    ]
    assert not problems, "\n".join(problems)


def browser_sign_in(page, live_server, seeded_user):
    """Password, then the code from the authenticator app, by the Swedish
    labels; ends on the start page."""
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label(swedish("Username"), exact=True).fill(seeded_user.user.username)
    page.get_by_label(swedish("Password"), exact=True).fill(seeded_user.password)
    page.get_by_role("button", name=swedish("Continue"), exact=True).click()
    code_field = page.get_by_label(swedish("Code"), exact=True)
    expect(code_field).to_be_visible()
    code_field.fill(pyotp.parse_uri(seeded_user.otpauth_uri).now())
    page.get_by_role("button", name=swedish("Sign in"), exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("accounts:start"))
    expect(page.get_by_role("button", name=swedish("Sign out"), exact=True)).to_be_visible()
