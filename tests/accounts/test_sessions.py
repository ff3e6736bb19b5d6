import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from accounts.models import AuthenticatorDevice
from accounts.services import REAUTHENTICATED_AT
from tests.conftest import sign_in, swedish
from tests.factories import totp_code

pytestmark = pytest.mark.django_db

START = reverse("accounts:start")
LOGIN = reverse("accounts:login")


def set_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_a_deactivated_users_next_request_is_signed_out(client, worker, administrator):
    sign_in(client, worker)
    assert client.get(START).status_code == 200
    services.user_set_active(user=worker, is_active=False, by=administrator)
    response = client.get(START)
    assert response["Location"].startswith(LOGIN)


def test_deactivating_in_the_admin_ends_the_users_sessions(client, worker, administrator):
    worker_client = sign_in(Client(), worker)
    sign_in(client, administrator)
    url = reverse("admin:accounts_user_change", args=[worker.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "groups": [group.pk for group in worker.groups.all()],
            "unit": worker.unit_id,
            "is_active": "",
            "date_joined_0": worker.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": worker.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("is_active")
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("locked_until", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    worker.refresh_from_db()
    assert not worker.is_active
    assert worker_client.get(START)["Location"].startswith(LOGIN)


def test_it_signs_out_after_the_idle_timeout(client, worker, settings):
    sign_in(client, worker)
    idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
    set_session(client, **{LAST_SEEN_AT: time.time() - idle - 5})
    response = client.get(START)
    assert response["Location"].startswith(LOGIN)
    page = client.get(response["Location"]).content.decode()
    assert swedish("You were signed out after a period of inactivity.") in page


def test_activity_keeps_the_session_alive(client, worker, settings):
    sign_in(client, worker)
    idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
    set_session(client, **{LAST_SEEN_AT: time.time() - idle + 60})
    assert client.get(START).status_code == 200
    assert client.session[LAST_SEEN_AT] > time.time() - 5


def test_it_signs_out_after_the_absolute_timeout_even_when_active(client, worker, settings):
    sign_in(client, worker)
    absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
    set_session(client, **{SIGNED_IN_AT: time.time() - absolute - 5, LAST_SEEN_AT: time.time()})
    assert client.get(START)["Location"].startswith(LOGIN)


def test_timeouts_are_settings(client, worker, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=1)
    sign_in(client, worker)
    set_session(client, **{LAST_SEEN_AT: time.time() - 90})
    assert client.get(START)["Location"].startswith(LOGIN)


def test_adding_a_second_factor_ends_the_users_other_sessions(client, worker):
    other_browser = sign_in(Client(), worker)
    sign_in(client, worker)
    set_session(client, **{REAUTHENTICATED_AT: time.time()})
    client.get(reverse("accounts:enrol"))
    new_device = AuthenticatorDevice.objects.get(user=worker, confirmed=False)
    assert client.post(
        reverse("accounts:enrol"), {"token": totp_code(new_device)}
    ).status_code == (200)
    assert client.get(START).status_code == 200
    assert other_browser.get(START)["Location"].startswith(LOGIN)


def test_new_backup_codes_end_the_users_other_sessions(client, worker):
    other_browser = sign_in(Client(), worker)
    sign_in(client, worker)
    set_session(client, **{REAUTHENTICATED_AT: time.time()})
    client.post(reverse("accounts:backup-codes-new"))
    assert client.get(START).status_code == 200
    assert other_browser.get(START)["Location"].startswith(LOGIN)


def test_resetting_a_second_factor_ends_sessions_and_forces_enrolment(
    client, worker, administrator, password
):
    sign_in(client, worker)
    services.user_reset_second_factor(user=worker, by=administrator)
    assert client.get(START)["Location"].startswith(LOGIN)
    response = client.post(LOGIN, {"username": "worker", "password": password})
    assert response["Location"].startswith(reverse("accounts:enrol"))


def test_pages_are_never_cached(client, worker):
    sign_in(client, worker)
    for url in (START, reverse("accounts:security"), LOGIN):
        response = client.get(url, follow=True)
        assert "no-store" in response["Cache-Control"]
