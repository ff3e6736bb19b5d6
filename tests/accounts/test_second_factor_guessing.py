"""Guessing the second factor: a password does not reset the count, and a backup
code is spent once even when two requests race for it."""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from accounts import services
from accounts.models import BackupCodeDevice
from tests.factories import PASSWORD, totp_device_for

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")


@pytest.mark.django_db
def test_alternating_the_password_and_wrong_codes_still_pauses(client, worker, settings):
    settings.LOCKOUT_THRESHOLD = 3
    settings.SIGN_IN_SLOW_AFTER = 100
    totp_device_for(worker)
    for _attempt in range(settings.LOCKOUT_THRESHOLD):
        assert client.post(LOGIN, {"username": "worker", "password": PASSWORD}).status_code == 302
        client.post(VERIFY, {"token": "000000"})
    worker.refresh_from_db()
    assert worker.failed_second_factor_count == settings.LOCKOUT_THRESHOLD
    # The correct password is refused from this address now, however often it is typed.
    response = client.post(LOGIN, {"username": "worker", "password": PASSWORD})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_correct_password_leaves_the_second_factor_count(worker, rf):
    request = rf.post(LOGIN)
    services.user_register_failure(user=worker, request=request, action="second_factor_failed")
    services._user_clear_failures(worker)
    worker.refresh_from_db()
    assert worker.failed_second_factor_count == 1


def _race(callables):
    """Run each callable in a thread of its own, as close together as possible."""
    barrier = threading.Barrier(len(callables))
    results, errors = [None] * len(callables), []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_parallel_uses_of_one_backup_code_spend_it_once(worker):
    code = services.backup_codes_replace(user=worker)[0]

    def use():
        device = BackupCodeDevice.objects.get(user=worker)
        return device.verify_token(code)

    for _round in range(5):
        assert sorted(_race([use, use])) == [False, True]
        code = services.backup_codes_replace(user=worker)[0]
        # The loser counted as a failure for django-otp's throttle; the next
        # round starts unthrottled.
        BackupCodeDevice.objects.get(user=worker).throttle_reset()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_failed_sign_ins_are_each_counted(worker, rf, settings):
    settings.LOCKOUT_THRESHOLD = 100
    request = rf.post(LOGIN)

    def fail():
        return services.user_register_failure(
            user=worker, request=request, action="sign_in_failed"
        )

    _race([fail] * 4)
    worker.refresh_from_db()
    assert worker.failed_sign_in_count == 4
