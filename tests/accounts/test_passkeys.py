"""Passkeys as a second factor: the rules around the WebAuthn ceremonies.

The ceremonies themselves run in a real browser in test_browser_passkeys.py.
"""

import json
import os
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from accounts import passkeys, services
from audit.models import AccessEvent
from tests.conftest import sign_in, swedish
from tests.factories import UserFactory, totp_device_for

pytestmark = pytest.mark.django_db


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


def reauthenticated(client):
    session = client.session
    session[services.REAUTHENTICATED_AT] = time.time()
    session.save()


def post_json(client, name, data=None):
    return client.post(reverse(name), data=json.dumps(data or {}), content_type="application/json")


def test_adding_a_passkey_needs_the_password_again(client, worker):
    sign_in(client, worker)
    response = post_json(client, "otp_webauthn:credential-registration-begin")
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_needed"
    reauthenticated(client)
    response = post_json(client, "otp_webauthn:credential-registration-begin")
    assert response.status_code == 200
    options = response.json()
    assert options["rp"] == {"name": "Trygg", "id": "localhost"}
    assert options["user"]["name"] == worker.username


def test_a_password_only_session_cannot_add_a_passkey(client, worker):
    totp_device_for(worker)
    sign_in(client, worker, verified=False)
    response = post_json(client, "otp_webauthn:credential-registration-begin")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert not WebAuthnCredential.objects.exists()


def test_a_password_only_session_with_a_passkey_reaches_no_page(client, worker):
    totp_device_for(worker)
    passkey_for(worker)
    sign_in(client, worker, verified=False)
    for name in ("accounts:start", "accounts:security", "casework:person-search"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:verify"))
    page = client.get(reverse("accounts:verify")).content.decode()
    assert 'id="passkey-verification-button"' in page
    assert swedish("Sign in with a passkey") in page


def test_the_passkey_button_is_only_offered_to_who_has_one(client, worker):
    totp_device_for(worker)
    sign_in(client, worker, verified=False)
    page = client.get(reverse("accounts:verify")).content.decode()
    assert "passkey-verification-button" not in page


def test_a_failed_passkey_attempt_counts_towards_the_lock_out(client, worker, settings):
    settings.LOCKOUT_THRESHOLD = 3
    settings.SIGN_IN_SLOW_AFTER = 100
    totp_device_for(worker)
    passkey_for(worker)
    sign_in(client, worker, verified=False)
    for attempt in range(1, 3):
        assert post_json(client, "otp_webauthn:credential-authentication-begin").status_code == 200
        response = post_json(
            client, "otp_webauthn:credential-authentication-complete", {"id": "forged"}
        )
        assert response.status_code >= 400
        worker.refresh_from_db()
        assert worker.failed_second_factor_count == attempt
    post_json(client, "otp_webauthn:credential-authentication-begin")
    post_json(client, "otp_webauthn:credential-authentication-complete", {"id": "forged"})
    worker.refresh_from_db()
    assert worker.failed_second_factor_count == 3
    assert AccessAttempt.objects.get(username="worker").failures_since_start == 3
    # Signed out: the next try starts at the password.
    response = client.get(reverse("accounts:verify"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_locked_account_cannot_start_a_passkey_sign_in(client, worker):
    totp_device_for(worker)
    passkey_for(worker)
    sign_in(client, worker, verified=False)
    type(worker).objects.filter(pk=worker.pk).update(
        locked_until=services.timezone.now() + services.settings.LOCKOUT_DURATION
    )
    response = post_json(client, "otp_webauthn:credential-authentication-begin")
    assert response.status_code == 403
    assert response.json()["code"] == "locked"


def test_removing_a_passkey_needs_the_password_and_ends_other_sessions(client, worker):
    passkey = passkey_for(worker)
    sign_in(client, worker)
    url = reverse("accounts:passkey-remove", kwargs={"pk": passkey.pk})
    response = client.post(url)
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    reauthenticated(client)
    stamp = type(worker).objects.get(pk=worker.pk).session_stamp
    response = client.post(url, follow=True)
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert type(worker).objects.get(pk=worker.pk).session_stamp != stamp
    assert response.status_code == 200  # this session goes on
    event = AccessEvent.objects.get(action="second_factor_removed")
    assert (event.actor_id, event.detail) == (worker.pk, "WebAuthnCredential")


def test_nobody_removes_another_users_passkey(client, worker, colleague):
    theirs = passkey_for(colleague)
    sign_in(client, worker)
    reauthenticated(client)
    client.post(reverse("accounts:passkey-remove", kwargs={"pk": theirs.pk}))
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()
    assert not AccessEvent.objects.filter(action="second_factor_removed").exists()


def test_the_security_page_lists_the_users_passkeys_only(client, worker, colleague):
    mine = passkey_for(worker)
    theirs = passkey_for(colleague)
    sign_in(client, worker)
    page = client.get(reverse("accounts:security")).content.decode()
    assert reverse("accounts:passkey-remove", kwargs={"pk": mine.pk}) in page
    assert reverse("accounts:passkey-remove", kwargs={"pk": theirs.pk}) not in page
    # Adding one needs the password again first.
    assert "passkey-register-button" not in page
    reauthenticated(client)
    page = client.get(reverse("accounts:security")).content.decode()
    assert 'id="passkey-register-button"' in page


def test_a_new_passkey_is_recorded_mailed_and_ends_other_sessions(
    rf, worker, django_capture_on_commit_callbacks
):
    worker.email = "sara@stad.example"
    worker.save()
    request = rf.post("/")
    request.user = worker
    request.session = SessionStore()
    request.session[services.REAUTHENTICATED_AT] = time.time()
    stamp = worker.session_stamp
    with django_capture_on_commit_callbacks(execute=True):
        passkeys.passkey_added(request=request)
    worker.refresh_from_db()
    assert worker.session_stamp != stamp
    assert services.REAUTHENTICATED_AT not in request.session
    assert AccessEvent.objects.filter(action="second_factor_added", detail="WebAuthnCredential")
    (message,) = mail.outbox
    assert message.to == ["sara@stad.example"]


def test_an_administrators_reset_removes_passkeys_too(worker, administrator):
    passkey_for(worker)
    totp_device_for(worker)
    services.user_reset_second_factor(user=worker, by=administrator)
    assert not WebAuthnCredential.objects.filter(user=worker).exists()


def test_a_second_user_is_not_offered_the_first_users_passkeys(client, worker):
    other = UserFactory(username="other")
    totp_device_for(other)
    passkey_for(worker)
    sign_in(client, other, verified=False)
    response = post_json(client, "otp_webauthn:credential-authentication-begin")
    assert response.status_code == 200
    assert response.json().get("allowCredentials", []) == []
