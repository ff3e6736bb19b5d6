"""A real browser adds a passkey, signs in with it as the second step, and removes it.

Chromium's virtual WebAuthn authenticator (DevTools protocol) stands in for
the computer's own. The relying party is the live server's host, localhost:
browsers allow passkeys on a host name, not on an IP address.
"""

import re

import pyotp
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.demo import demo_seed
from tests.browser import assert_no_browser_problems
from tests.conftest import swedish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def socialsekreterare(transactional_db):
    seeded = {seeded.user.username: seeded for seeded in demo_seed()}
    return seeded["socialsekreterare"]


@pytest.fixture
def passkey_site(settings, live_server):
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


def virtual_authenticator(page):
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session, added["authenticatorId"]


def password_step(page, site, seeded):
    page.goto(site + reverse("accounts:login"))
    page.get_by_label(swedish("Username"), exact=True).fill(seeded.user.username)
    page.get_by_label(swedish("Password"), exact=True).fill(seeded.password)
    page.get_by_role("button", name=swedish("Continue"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish("Confirm it is you"))


def confirm_password(page, seeded):
    page.get_by_role(
        "link", name=swedish("Confirm your password to add or remove a passkey")
    ).click()
    page.get_by_label(swedish("Password"), exact=True).fill(seeded.password)
    page.get_by_role("button", name=swedish("Confirm"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:security")) + "$"))


def test_a_passkey_is_added_used_at_sign_in_and_removed(
    passkey_site, socialsekreterare, page, console_messages
):
    site = passkey_site
    authenticator, authenticator_id = virtual_authenticator(page)
    start_url = site + reverse("accounts:start")

    # Signed in with password and code, the worker adds a passkey.
    password_step(page, site, socialsekreterare)
    code = pyotp.parse_uri(socialsekreterare.otpauth_uri).now()
    page.get_by_label(swedish("Code"), exact=True).fill(code)
    page.get_by_role("button", name=swedish("Sign in"), exact=True).click()
    expect(page).to_have_url(start_url)
    page.goto(site + reverse("accounts:security"))
    expect(page.get_by_text(swedish("No passkey is set up."))).to_be_visible()
    confirm_password(page, socialsekreterare)
    page.get_by_role("button", name=swedish("Add a passkey"), exact=True).click()
    expect(page.get_by_role("button", name=swedish("Remove"), exact=True)).to_be_visible()
    stored = authenticator.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(stored["credentials"]) == 1

    # Signed out; at the second step the passkey replaces the code.
    page.get_by_role("button", name=swedish("Sign out"), exact=True).click()
    password_step(page, site, socialsekreterare)
    page.get_by_role("button", name=swedish("Sign in with a passkey"), exact=True).click()
    expect(page).to_have_url(start_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(socialsekreterare.user.first_name)

    # Removing it needs the password again. This session was verified with
    # that passkey, so it asks for the code before going on.
    page.goto(site + reverse("accounts:security"))
    confirm_password(page, socialsekreterare)
    page.get_by_role("button", name=swedish("Remove"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(swedish("Confirm it is you"))
    expect(page.get_by_role("button", name=swedish("Sign in with a passkey"))).to_have_count(0)
    # A backup code: the app's code of this half-minute was used already.
    page.get_by_label(swedish("Code"), exact=True).fill(socialsekreterare.backup_codes[0])
    page.get_by_role("button", name=swedish("Sign in"), exact=True).click()
    expect(page.get_by_text(swedish("No passkey is set up."))).to_be_visible()
    assert_no_browser_problems(console_messages)
