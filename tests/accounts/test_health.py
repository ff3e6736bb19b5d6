import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_reports_ok(client):
    response = client.get(reverse("accounts:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "failed": []}


def failing_check():
    raise RuntimeError("down")


def test_it_returns_503_when_a_check_fails(client, settings):
    settings.HEALTH_CHECKS = [*settings.HEALTH_CHECKS, "tests.accounts.test_health.failing_check"]
    response = client.get(reverse("accounts:health"))
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "failed": ["failing_check"]}


def test_it_needs_no_sign_in_and_says_nothing_else(client):
    response = client.get(reverse("accounts:health"))
    assert set(response.json()) == {"status", "failed"}
