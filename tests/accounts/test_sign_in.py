import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import AuthenticatorDevice
from tests.conftest import sign_in, swedish
from tests.factories import PASSWORD, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
START = reverse("accounts:start")


def post_password(client, username="worker", password=PASSWORD, next_url=None):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_it_signs_in_with_password_then_totp(client, worker):
    device = totp_device_for(worker)
    response = post_password(client)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    # Password alone is not enough.
    assert client.get(START)["Location"].startswith(VERIFY)

    response = client.post(VERIFY, {"token": totp_code(device), "next": START})
    assert response.status_code == 302
    assert response["Location"] == START
    assert client.get(START).status_code == 200


def test_it_keeps_where_the_user_was_going(client, worker):
    device = totp_device_for(worker)
    response = client.get(reverse("accounts:security"))
    assert response["Location"] == LOGIN + "?next=/security/"
    response = post_password(client, next_url="/security/")
    assert response["Location"] == VERIFY + "?next=%2Fsecurity%2F"
    response = client.post(VERIFY, {"token": totp_code(device), "next": "/security/"})
    assert response["Location"] == "/security/"


def test_it_ignores_a_next_url_on_another_site(client, worker):
    device = totp_device_for(worker)
    post_password(client)
    response = client.post(VERIFY, {"token": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == START


def test_it_gives_a_new_session_key_at_sign_in_and_at_verification(client, worker):
    device = totp_device_for(worker)
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    post_password(client)
    after_password = client.session.session_key
    client.post(VERIFY, {"token": totp_code(device)})
    after_second_factor = client.session.session_key
    assert len({before, after_password, after_second_factor}) == 3


def test_it_refuses_a_reused_totp_code(client, worker):
    device = totp_device_for(worker)
    code = totp_code(device)
    post_password(client)
    assert client.post(VERIFY, {"token": code})["Location"] == START

    other = client.__class__()
    post_password(other)
    response = other.post(VERIFY, {"token": code})
    assert response.status_code == 200
    assert (
        swedish("The code is wrong or has already been used. Wait for the next code.")
        in response.content.decode()
    )
    assert DEVICE_ID_SESSION_KEY not in other.session


def test_it_refuses_a_code_from_two_steps_away(client, worker):
    device = totp_device_for(worker)
    post_password(client)
    response = client.post(VERIFY, {"token": totp_code(device, at=time.time() + 90)})
    assert response.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_it_accepts_a_code_one_step_off(client, worker):
    device = totp_device_for(worker)
    post_password(client)
    response = client.post(VERIFY, {"token": totp_code(device, at=time.time() - 30)})
    assert response["Location"] == START


def test_it_keeps_the_typed_username_when_the_password_is_wrong(client, worker):
    response = post_password(client, password="wrong-password-here")
    assert response.status_code == 200
    assert 'value="worker"' in response.content.decode()


def test_it_answers_the_same_for_unknown_users_and_wrong_passwords(client, worker):
    wrong = post_password(client, password="wrong-password-here").content.decode()
    unknown = post_password(client, username="nobody").content.decode()
    assert (
        swedish(
            "Sign-in failed. Check your username and password. After repeated "
            "failures you have to wait before trying again."
        )
        in wrong
    )
    message = wrong.split('role="alert"')[1].split("</div>")[0]
    assert message == unknown.split('role="alert"')[1].split("</div>")[0]


def test_repeated_wrong_passwords_pause_that_address_not_the_account(client, worker, settings):
    settings.SIGN_IN_SLOW_AFTER = 100  # the pause alone, not the slowing before it
    for _attempt in range(settings.LOCKOUT_THRESHOLD):
        post_password(client, password="wrong-password-here")
    worker.refresh_from_db()
    assert not worker.is_locked()

    response = post_password(client)  # the right password, from the same address
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(
        LOGIN, {"username": "worker", "password": PASSWORD}, REMOTE_ADDR="10.20.30.40"
    )
    assert response["Location"].startswith(VERIFY)


def test_a_locked_account_says_the_same_as_a_wrong_password(client, worker, settings):
    wrong = post_password(client, password="wrong-password-here").content.decode()
    worker.locked_until = timezone.now() + timedelta(minutes=5)
    worker.save()
    locked = post_password(client).content.decode()
    assert (
        wrong.split('role="alert"')[1].split("</div>")[0]
        == locked.split('role="alert"')[1].split("</div>")[0]
    )


def test_the_lock_runs_out(client, worker, settings):
    worker.locked_until = timezone.now() - timedelta(seconds=1)
    worker.save()
    response = post_password(client)
    assert response["Location"].startswith(VERIFY)


def test_only_a_complete_sign_in_resets_the_counts(client, worker, settings):
    settings.SIGN_IN_SLOW_AFTER = 100
    device = totp_device_for(worker)
    for _attempt in range(settings.LOCKOUT_THRESHOLD - 1):
        post_password(client, password="wrong-password-here")
    post_password(client)
    worker.refresh_from_db()
    # The password alone leaves them: it may be the guesser's.
    assert worker.failed_sign_in_count == settings.LOCKOUT_THRESHOLD - 1
    client.post(VERIFY, {"token": totp_code(device)})
    worker.refresh_from_db()
    assert worker.failed_sign_in_count == 0
    assert not AccessAttempt.objects.filter(username="worker").exists()


def test_repeated_wrong_codes_pause_that_address(client, worker, settings):
    settings.SIGN_IN_SLOW_AFTER = 100
    device = totp_device_for(worker)
    post_password(client)
    for _attempt in range(settings.LOCKOUT_THRESHOLD):
        response = client.post(VERIFY, {"token": "000000"})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    # The right password and code from this address do not help now ...
    device.refresh_from_db()
    device.throttle_reset()
    assert post_password(client).status_code == 200
    # ... but the worker at another desk signs in.
    other = Client(REMOTE_ADDR="10.20.30.41")
    response = other.post(LOGIN, {"username": "worker", "password": PASSWORD})
    assert response["Location"].startswith(VERIFY)
    response = other.post(VERIFY, {"token": totp_code(device, at=time.time() + 30)})
    assert response["Location"] == START


def test_django_otp_throttling_stays_on(client, worker):
    device = totp_device_for(worker)
    post_password(client)
    client.post(VERIFY, {"token": "000000"})
    response = client.post(VERIFY, {"token": totp_code(device)})
    assert (
        swedish("Too many attempts in a short time. Wait a moment and try again.")
        in response.content.decode()
    )
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_it_signs_out(client, worker):
    sign_in(client, worker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN
    assert client.get(START)["Location"].startswith(LOGIN)


def test_it_sends_a_user_without_a_device_to_enrolment(client, worker):
    response = post_password(client)
    assert response["Location"].startswith(reverse("accounts:enrol"))


def test_a_deactivated_user_cannot_sign_in(client, worker):
    worker.is_active = False
    worker.save()
    response = post_password(client)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_device_is_a_totp_device_with_tolerance_one(client, worker):
    post_password(client)
    client.get(reverse("accounts:enrol"))
    device = AuthenticatorDevice.objects.get(user=worker)
    assert device.tolerance == 1
    assert not device.confirmed
