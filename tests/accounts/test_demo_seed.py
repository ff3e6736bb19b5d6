import io

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import District, Unit
from accounts.roles import Role
from sspf.models import SspfGroup

pytestmark = pytest.mark.django_db


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_it_creates_one_user_per_role_and_prints_how_to_sign_in(settings):
    settings.DEBUG = True
    output = seed()
    users = get_user_model().objects.all()
    for role in Role:
        assert users.filter(groups__name=role.value).exists(), role
    for user in users:
        assert f"username:     {user.username}" in output
    uris = [line.split()[-1] for line in output.splitlines() if "TOTP:" in line]
    assert len(uris) == users.count()
    # The printed URI is a working authenticator set-up.
    assert len(pyotp.parse_uri(uris[0]).now()) == 6


def test_it_seeds_the_angered_sspf_groups(settings):
    settings.DEBUG = True
    seed()
    names = set(SspfGroup.objects.values_list("district__name", flat=True))
    assert {"Hjällbo", "Hammarkullen", "Gårdsten", "Lövgärdet", "Rannebergen"} <= names


def test_it_is_idempotent(settings):
    settings.DEBUG = True
    first = seed()
    counts = (
        get_user_model().objects.count(),
        Unit.objects.count(),
        District.objects.count(),
        SspfGroup.objects.count(),
    )
    second = seed()
    assert counts == (
        get_user_model().objects.count(),
        Unit.objects.count(),
        District.objects.count(),
        SspfGroup.objects.count(),
    )
    # Secrets stay, so an app set up from the first run keeps working.
    totp_lines = lambda text: [line for line in text.splitlines() if "TOTP:" in line]  # noqa: E731
    assert totp_lines(first) == totp_lines(second)


def test_printed_credentials_sign_in(client, settings):
    settings.DEBUG = True
    output = seed()
    uri = next(line.split()[-1] for line in output.splitlines() if "sspf?secret" in line)
    response = client.post("/login/", {"username": "sspf", "password": "trygg-demo-2026"})
    assert response["Location"].startswith("/2fa/")
    response = client.post("/2fa/", {"token": pyotp.parse_uri(uri).now()})
    assert response["Location"] == "/"


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        seed()
    assert not get_user_model().objects.exists()


def test_force_runs_it_anyway(settings):
    settings.DEBUG = False
    seed(force=True)
    assert get_user_model().objects.exists()
