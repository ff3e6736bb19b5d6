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

import pytest
from playwright.sync_api import expect, sync_playwright

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
