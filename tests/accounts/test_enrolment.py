import re
import time

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import AuthenticatorDevice, BackupCode, BackupCodeDevice
from accounts.services import REAUTHENTICATED_AT
from tests.conftest import sign_in, swedish
from tests.dump import database_dump
from tests.factories import PASSWORD, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

ENROL = reverse("accounts:enrol")
VERIFY = reverse("accounts:verify")
START = reverse("accounts:start")
CODE_PATTERN = re.compile(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>")


def enrol(client, user):
    """First sign-in: password, then set up the app. Returns (device, backup codes)."""
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    page = client.get(ENROL)
    assert page.status_code == 200
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"token": totp_code(device)})
    assert response.status_code == 200
    return device, CODE_PATTERN.findall(response.content.decode())


def test_first_sign_in_forces_enrolment_with_a_server_side_qr_code(client, worker):
    client.post(reverse("accounts:login"), {"username": "worker", "password": PASSWORD})
    response = client.get(ENROL)
    content = response.content.decode()
    assert "<svg" in content
    assert "<script" not in content
    device = AuthenticatorDevice.objects.get(user=worker, confirmed=False)
    # The key shown for typing by hand is the device's key.
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', content).group(1)
    assert totp_code(device) == __import__("pyotp").TOTP(secret.replace(" ", "")).now()


def test_enrolment_confirms_the_device_verifies_the_session_and_shows_codes_once(
    client, worker, settings
):
    device, codes = enrol(client, worker)
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == settings.BACKUP_CODE_COUNT
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(START).status_code == 200
    # Shown once: no page shows them again.
    security = client.get(reverse("accounts:security")).content.decode()
    assert not any(code in security for code in codes)


def test_a_wrong_enrolment_code_keeps_the_same_key_and_says_why(client, worker):
    client.post(reverse("accounts:login"), {"username": "worker", "password": PASSWORD})
    client.get(ENROL)
    device = AuthenticatorDevice.objects.get(user=worker, confirmed=False)
    response = client.post(ENROL, {"token": "123456"})
    assert response.status_code == 200
    assert (
        swedish("The code did not match. Check the time on your phone and try the next code.")
        in response.content.decode()
    )
    assert AuthenticatorDevice.objects.get(user=worker, confirmed=False).pk == device.pk
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_password_only_session_cannot_enrol_a_second_device(client, worker):
    """Knowing the password must not be enough to add an attacker's phone."""
    totp_device_for(worker)
    sign_in(client, worker, verified=False)
    response = client.get(ENROL)
    assert response["Location"].startswith(VERIFY)
    response = client.post(ENROL, {"token": "123456"})
    assert response["Location"].startswith(VERIFY)
    assert AuthenticatorDevice.objects.filter(user=worker).count() == 1


def test_replacing_the_app_needs_the_password_again(client, worker):
    sign_in(client, worker)
    response = client.get(ENROL)
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))

    wrong = client.post(
        reverse("accounts:reauthenticate"), {"password": "wrong-password-x", "next": ENROL}
    )
    assert wrong.status_code == 200
    response = client.post(
        reverse("accounts:reauthenticate"), {"password": PASSWORD, "next": ENROL}
    )
    assert response["Location"] == ENROL
    assert client.get(ENROL).status_code == 200


def test_replacing_the_app_removes_the_old_one_only_once_the_new_one_works(client, worker):
    old = totp_device_for(worker)
    sign_in(client, worker)
    session = client.session
    session[REAUTHENTICATED_AT] = time.time()
    session.save()
    client.get(ENROL)
    new = AuthenticatorDevice.objects.get(user=worker, confirmed=False)
    client.post(ENROL, {"token": "000000"})
    assert AuthenticatorDevice.objects.filter(pk=old.pk).exists()
    new.throttle_reset()
    response = client.post(ENROL, {"token": totp_code(new)})
    assert response.status_code == 200
    assert list(AuthenticatorDevice.objects.filter(user=worker)) == [new]


def test_a_backup_code_signs_in_once_only(client, worker):
    _device, codes = enrol(client, worker)
    client.post(reverse("accounts:logout"))

    client.post(reverse("accounts:login"), {"username": "worker", "password": PASSWORD})
    response = client.post(VERIFY, {"token": codes[0].upper().replace("-", " ")})
    assert response["Location"] == START
    assert BackupCodeDevice.objects.get(user=worker).remaining_count() == len(codes) - 1
    client.post(reverse("accounts:logout"))

    client.post(reverse("accounts:login"), {"username": "worker", "password": PASSWORD})
    response = client.post(VERIFY, {"token": codes[0]})
    assert response.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert swedish("The backup code is wrong or has already been used.") in (
        response.content.decode()
    )


def test_new_backup_codes_replace_the_old_ones(client, worker):
    _device, old_codes = enrol(client, worker)
    session = client.session
    session[REAUTHENTICATED_AT] = time.time()
    session.save()
    response = client.post(reverse("accounts:backup-codes-new"))
    new_codes = CODE_PATTERN.findall(response.content.decode())
    assert len(new_codes) == len(old_codes)
    assert not set(new_codes) & set(old_codes)
    device = BackupCodeDevice.objects.get(user=worker)
    assert not device.verify_token(old_codes[0])
    device.throttle_reset()
    assert device.verify_token(new_codes[0])


def test_new_backup_codes_need_the_password_again(client, worker):
    sign_in(client, worker)
    response = client.post(reverse("accounts:backup-codes-new"))
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not BackupCodeDevice.objects.filter(user=worker).exists()


@pytest.mark.django_db(transaction=True)
def test_backup_codes_are_not_stored_in_clear(client, worker):
    _device, codes = enrol(client, worker)
    assert BackupCode.objects.count() == len(codes)
    dump = database_dump()
    for code in codes:
        assert code not in dump
        assert code.replace("-", "") not in dump
