"""Sign-in throttling that an attacker cannot turn against staff
(accounts/throttling.py): per user name and address, a per-account ceiling
that slows and alerts, the client address never taken from what a client
sends, the same words whatever the reason, throttles lifted by an
administrator."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from tests.conftest import sign_in, swedish
from tests.factories import PASSWORD, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
GENERIC = (
    "Sign-in failed. Check your username and password. After repeated "
    "failures you have to wait before trying again."
)


def from_address(address, **extra):
    return Client(REMOTE_ADDR=address, **extra)


def password(client, username="worker", secret=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": secret})


def signed_in(client):
    return "_auth_user_id" in client.session


def age_attempts(seconds):
    """As if the address's last failure were ``seconds`` ago."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= datetime.timedelta(seconds=seconds)
        attempt.save(update_fields=["attempt_time"])


def alert_message(response):
    return response.content.decode().split('role="alert"')[1].split("</div>")[0]


def test_twenty_wrong_passwords_from_one_address_leave_the_office_alone(worker):
    device = totp_device_for(worker)
    attacker = from_address("203.0.113.7")
    for _attempt in range(20):
        password(attacker, secret="wrong-password-here")
        age_attempts(120)  # the attacker waits out every slowing
    office = from_address("10.1.2.3")
    response = password(office)
    assert response["Location"].startswith(VERIFY)
    response = office.post(VERIFY, {"token": totp_code(device)})
    assert response["Location"] == reverse("accounts:start")
    worker.refresh_from_db()
    assert not worker.is_locked()


def test_guessing_from_one_address_is_slowed_then_refused(worker, settings):
    settings.SIGN_IN_SLOW_AFTER = 2
    guesser = from_address("203.0.113.8")
    password(guesser, secret="wrong-1")
    password(guesser, secret="wrong-2")
    # Slowed: the next try straight away is not even checked, right or wrong.
    before = AccessAttempt.objects.get(username="worker").failures_since_start
    assert password(guesser).status_code == 200 and not signed_in(guesser)
    assert AccessAttempt.objects.get(username="worker").failures_since_start == before
    # After the wait it is checked again ...
    age_attempts(5)
    assert password(guesser)["Location"].startswith(VERIFY)
    guesser.logout()
    # ... and at the threshold the address is refused for the user name.
    for number in range(settings.LOCKOUT_THRESHOLD):
        age_attempts(120)
        password(guesser, secret=f"wrong-again-{number}")
    age_attempts(120)
    assert password(guesser).status_code == 200 and not signed_in(guesser)
    assert AccessEvent.objects.filter(
        action="sign_in_throttled", subject_user_id=worker.pk
    ).exists()
    # Until the pause has run out.
    age_attempts(settings.LOCKOUT_DURATION.total_seconds() + 1)
    assert password(guesser)["Location"].startswith(VERIFY)


def test_guessing_over_many_addresses_hits_the_ceiling_slows_the_account_and_alerts(
    worker, settings
):
    settings.SIGN_IN_ACCOUNT_CEILING = 10
    for number in range(settings.SIGN_IN_ACCOUNT_CEILING):
        password(from_address(f"198.51.100.{number + 1}"), secret=f"wrong-{number}")
    alert = AccessEvent.objects.get(action="sign_in_ceiling_reached")
    assert alert.flagged and alert.subject_user_id == worker.pk
    worker.refresh_from_db()
    first_wait = worker.locked_until - timezone.now()
    assert datetime.timedelta(0) < first_wait <= datetime.timedelta(seconds=1)
    # A delay, not a lock: it grows with each failure past the ceiling ...
    worker.locked_until = None
    worker.save(update_fields=["locked_until"])
    for number in range(5):
        password(from_address(f"198.51.100.{100 + number}"), secret="wrong")
        worker.refresh_from_db()
        waited = worker.locked_until - timezone.now()
        worker.locked_until = None
        worker.save(update_fields=["locked_until"])
    assert datetime.timedelta(seconds=16) < waited <= datetime.timedelta(seconds=32)
    # ... and only one alert is raised for the run.
    assert AccessEvent.objects.filter(action="sign_in_ceiling_reached").count() == 1
    # While the account waits, even the right password from anywhere waits.
    password(from_address("198.51.100.200"), secret="wrong")
    office = from_address("10.1.2.3")
    assert password(office).status_code == 200 and not signed_in(office)
    worker.locked_until = timezone.now() - datetime.timedelta(seconds=1)
    worker.save(update_fields=["locked_until"])
    assert password(office)["Location"].startswith(VERIFY)


def test_a_spoofed_forwarding_header_does_not_change_the_address_counted(worker, settings):
    settings.SIGN_IN_SLOW_AFTER = 100
    for number in range(settings.LOCKOUT_THRESHOLD):
        spoofer = from_address("203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
        password(spoofer, secret="wrong-password-here")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    spoofer = from_address("203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.250")
    assert password(spoofer).status_code == 200 and not signed_in(spoofer)


def test_behind_a_trusted_proxy_the_address_it_wrote_is_counted(worker, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGN_IN_SLOW_AFTER = 100
    # The client wrote the first entry; the proxy appended the real address.
    for _attempt in range(settings.LOCKOUT_THRESHOLD):
        client = from_address("10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.10")
        password(client, secret="wrong-password-here")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.10"}
    event = AccessEvent.objects.filter(action="sign_in_failed").latest("sequence")
    assert str(event.address) == "203.0.113.10"
    # Another real client behind the same proxy is not throttled.
    other = from_address("10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.11")
    assert password(other)["Location"].startswith(VERIFY)


def test_the_words_are_the_same_for_unknown_user_wrong_password_and_throttled(worker, settings):
    settings.SIGN_IN_SLOW_AFTER = 100
    wrong = password(from_address("192.0.2.1"), secret="wrong-password-here")
    unknown = password(from_address("192.0.2.2"), username="nobody-here")
    throttled_client = from_address("192.0.2.3")
    for _attempt in range(settings.LOCKOUT_THRESHOLD):
        password(throttled_client, secret="wrong-password-here")
    throttled = password(throttled_client)
    unknown_throttled_client = from_address("192.0.2.4")
    for _attempt in range(settings.LOCKOUT_THRESHOLD + 1):
        unknown_throttled = password(unknown_throttled_client, username="nobody-here")
    worker.locked_until = timezone.now() + datetime.timedelta(minutes=1)
    worker.save(update_fields=["locked_until"])
    slowed_account = password(from_address("192.0.2.5"))
    messages = {
        alert_message(response)
        for response in (wrong, unknown, throttled, unknown_throttled, slowed_account)
    }
    assert len(messages) == 1
    assert swedish(GENERIC) in messages.pop()


def test_an_administrator_sees_the_throttles_and_lifts_them(client, worker, administrator):
    guesser = from_address("203.0.113.12")
    for _attempt in range(3):
        password(guesser, secret="wrong-password-here")
        age_attempts(120)
    sign_in(client, administrator)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "203.0.113.12" in page.content.decode() and "worker" in page.content.decode()
    attempt = AccessAttempt.objects.get()
    response = client.post(
        changelist, {"action": "lift", "_selected_action": [attempt.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()
    lifted = AccessEvent.objects.get(action="throttle_lifted")
    assert lifted.actor_id == administrator.pk and lifted.subject_user_id == worker.pk


def test_others_cannot_see_or_lift_throttles(client, worker, manager):
    password(from_address("203.0.113.13"), secret="wrong-password-here")
    sign_in(client, manager)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code in (302, 403, 404)
    assert AccessAttempt.objects.exists()


def test_a_second_factor_is_never_tried_without_the_password_first(client, worker):
    device = totp_device_for(worker)
    response = client.post(VERIFY, {"token": totp_code(device, at=time.time())})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not signed_in(client)
