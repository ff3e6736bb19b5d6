"""The security page's sentences read right in English: no doubled full stop."""

import os
import re
import time
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from accounts import services
from tests.conftest import sign_in
from tests.factories import totp_device_for

pytestmark = pytest.mark.django_db

# An afternoon: English short date formats end such a time in "p.m.".
AFTERNOON = datetime(2026, 3, 2, 15, 30, tzinfo=ZoneInfo("Europe/Stockholm"))


class _Text(HTMLParser):
    """The text a reader sees: no tags, so no attribute values or URLs."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(response):
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(parser.parts)


def used_in_the_afternoon(device):
    device.created_at = AFTERNOON
    device.last_used_at = AFTERNOON
    device.save(update_fields=["created_at", "last_used_at"])
    return device


def passkey_for(user):
    return WebAuthnCredential.objects.create(
        user=user,
        name="",
        confirmed=True,
        credential_id=os.urandom(16),
        public_key=os.urandom(32),
        sign_count=0,
        transports=["internal"],
    )


@pytest.fixture
def english_client(client, worker):
    sign_in(client, worker)
    client.post(reverse("accounts:set-language"), {"language": "en", "next": "/"})
    session = client.session
    session[services.REAUTHENTICATED_AT] = time.time()
    session.save()
    return client


def test_the_english_security_page_has_no_doubled_full_stop(english_client, worker):
    used_in_the_afternoon(totp_device_for(worker))
    used_in_the_afternoon(passkey_for(worker))
    removed = passkey_for(worker)
    # The removal's message shows on the page it leads to.
    response = english_client.post(
        reverse("accounts:passkey-remove", kwargs={"pk": removed.pk}), follow=True
    )
    assert response.status_code == 200
    text = visible_text(response)
    assert re.findall(r"\S*\.\.\S*", text) == []
    # The sentences that end in a time were on the page.
    assert "Set up 2026-03-02 15:30." in text
    assert "Passkey added 2026-03-02 15:30." in text
    assert "The passkey is removed." in text
