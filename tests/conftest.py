"""The same users everywhere: a worker, a colleague in another unit, an SSPF
member, a manager, an auditor and an administrator."""

import time

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from accounts.roles import Role
from tests.factories import (
    PASSWORD,
    SspfMembershipFactory,
    UnitFactory,
    UserFactory,
    totp_device_for,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher (tested in test_settings); tests use a
    # fast one so the suite stays quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path):
    """Each test's documents in a folder of its own (casework/documents)."""
    root = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            **settings.STORAGES["documents"],
            "OPTIONS": {**settings.STORAGES["documents"]["OPTIONS"], "location": root},
        },
    }
    return root


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def unit(db):
    return UnitFactory(name="Barn och unga Hjällbo")


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="Barn och unga Kortedala")


@pytest.fixture
def worker(unit):
    return UserFactory(username="worker", first_name="Sara", role=Role.SOCIAL_WORKER, unit=unit)


@pytest.fixture
def colleague(other_unit):
    return UserFactory(username="colleague", role=Role.SOCIAL_WORKER, unit=other_unit)


@pytest.fixture
def sspf_member(db):
    member = UserFactory(username="sspf", role=Role.SSPF_MEMBER)
    SspfMembershipFactory(user=member, group__name="SSPF Hjällbo")
    return member


@pytest.fixture
def manager(unit):
    return UserFactory(username="manager", role=Role.UNIT_MANAGER, unit=unit)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role=Role.AUDITOR)


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def all_role_users(worker, colleague, sspf_member, manager, auditor, administrator):
    return {
        "worker": worker,
        "colleague": colleague,
        "sspf_member": sspf_member,
        "manager": manager,
        "auditor": auditor,
        "administrator": administrator,
    }


def sign_in(client, user, *, verified=True):
    """A session as after the password step, and (by default) the second factor."""
    client.force_login(user)
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    if verified:
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in_client(client, worker):
    return sign_in(client, worker)


def swedish(msgid, **values):
    """The Swedish text users see for ``msgid``; fails if it is not translated."""
    from django.utils import translation

    with translation.override("sv"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Swedish translation for {msgid!r}"
    return text % values if values else text


@pytest.fixture(autouse=True)
def _rows_made_by_migrations(request):
    """Transactional tests end with a flush that empties every table, rows
    made by data migrations included; put those back before such a test."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")) and (
        "live_server" not in request.fixturenames
    ):
        return
    request.getfixturevalue("transactional_db")
    from accounts.roles import roles_sync
    from audit.services import audit_chains_create

    roles_sync()
    audit_chains_create()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Tests marked postgres skip on another database, except on CI, where they fail.

    Before any fixture: CI must not pass while PostgreSQL's tests (triggers,
    concurrency, roles) quietly did not run.
    """
    import os

    from django.db import connection

    if item.get_closest_marker("postgres") is None or connection.vendor == "postgresql":
        return
    reason = f"needs PostgreSQL (DATABASE_URL), the database is {connection.vendor}"
    if "CI" in os.environ:
        pytest.fail(f"{reason}. CI must run it, not skip it.", pytrace=False)
    pytest.skip(reason)


pytest_plugins = ["tests.browser"]
