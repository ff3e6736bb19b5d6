"""A pending authenticator belongs to the session that made it, for a few minutes."""

import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AuthenticatorDevice
from accounts.services import PENDING_TOTP_DEVICE
from audit.models import AccessEvent
from tests.factories import PASSWORD, totp_code

pytestmark = pytest.mark.django_db

ENROL = reverse("accounts:enrol")
SECRET = '<code class="secret">'


def password_step(client, user):
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def shown_secret(client):
    content = client.get(ENROL).content.decode()
    return content.split(SECRET)[1].split("</code>")[0]


def test_two_sessions_enrolling_the_same_user_get_different_seeds(worker):
    first, second = Client(), Client()
    password_step(first, worker)
    first_secret = shown_secret(first)
    password_step(second, worker)
    assert shown_secret(second) != first_secret
    assert AccessEvent.objects.filter(action="enrolment_started", actor=worker).count() == 2


def test_a_reload_in_the_same_session_keeps_the_seed(client, worker):
    password_step(client, worker)
    assert shown_secret(client) == shown_secret(client)


def test_another_sessions_pending_device_cannot_be_confirmed(worker):
    attacker, user = Client(), Client()
    password_step(attacker, worker)
    shown_secret(attacker)
    password_step(user, worker)
    shown_secret(user)
    user_device = AuthenticatorDevice.objects.get(user=worker, confirmed=False)
    # The attacker's session points at its own, now removed, device: even a
    # valid code of the user's device confirms nothing there (and the attempt
    # starts over with yet another seed).
    response = attacker.post(ENROL, {"token": totp_code(user_device)})
    assert response.status_code == 200
    assert not AuthenticatorDevice.objects.filter(user=worker, confirmed=True).exists()
    assert not AuthenticatorDevice.objects.filter(pk=user_device.pk).exists()
    # The user scans again and confirms from their own session.
    shown_secret(user)
    device = AuthenticatorDevice.objects.get(user=worker, confirmed=False)
    user.post(ENROL, {"token": totp_code(device)})
    assert AuthenticatorDevice.objects.get(user=worker, confirmed=True).pk == device.pk


def test_a_stale_pending_device_cannot_be_confirmed(client, worker, settings):
    password_step(client, worker)
    shown_secret(client)
    device = AuthenticatorDevice.objects.get(user=worker, confirmed=False)
    session = client.session
    session[PENDING_TOTP_DEVICE]["at"] = time.time() - 11 * 60
    session.save()
    response = client.post(ENROL, {"token": totp_code(device)})
    assert response.status_code == 200
    assert not AuthenticatorDevice.objects.filter(user=worker, confirmed=True).exists()


def test_the_user_is_told_by_email_when_a_second_factor_is_added(
    client, worker, django_capture_on_commit_callbacks
):
    password_step(client, worker)
    shown_secret(client)
    device = AuthenticatorDevice.objects.get(user=worker, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ENROL, {"token": totp_code(device)})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [worker.email]
    assert "administratör" in message.body
    assert device.key not in message.body
