import base64
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from casework.models import Person
from tests.factories import PersonFactory
from vault.keyring import MissingMasterKey
from vault.models import DataKey
from vault.services import key_ring_problems, key_ring_verify

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def new_key():
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def rotate(**options):
    out = io.StringIO()
    call_command("rotate_keys", stdout=out, **options)
    return out.getvalue()


def test_rotation_rewraps_every_key_and_the_old_key_can_go(settings, user_factory=None):
    people = [PersonFactory(family_name=f"Rotationsson{n}") for n in range(7)]
    old = settings.MASTER_KEYS
    settings.MASTER_KEYS = f"{old},2:{new_key()}"
    output = rotate(batch_size=3)
    assert "7/7" in output
    assert "no longer in use: 1" in output
    assert set(DataKey.objects.values_list("master_key_version", flat=True)) == {2}

    settings.MASTER_KEYS = "2:" + settings.MASTER_KEYS.split(",2:")[1]
    for person in people:
        assert Person.objects.get(pk=person.pk).family_name == person.family_name
    assert key_ring_problems() == []


def test_rotation_is_resumable(settings):
    PersonFactory.create_batch(4)
    settings.MASTER_KEYS = f"{settings.MASTER_KEYS},2:{new_key()}"
    DataKey.objects.order_by("id").first().rewrap()  # as if a run stopped after one
    output = rotate(batch_size=2)
    assert "3/3" in output
    assert rotate().count("re-wrapped") >= 1
    assert set(DataKey.objects.values_list("master_key_version", flat=True)) == {2}


def test_new_data_is_written_under_the_newest_key(settings):
    settings.MASTER_KEYS = f"{settings.MASTER_KEYS},2:{new_key()}"
    assert PersonFactory().data_key.master_key_version == 2


def test_removing_a_key_still_in_use_is_caught(settings):
    person = PersonFactory()
    settings.MASTER_KEYS = f"2:{new_key()}"
    with pytest.raises(MissingMasterKey):
        Person.objects.get(pk=person.pk).family_name
    with pytest.raises(Exception, match="version 1 wraps 1 data keys but is missing"):
        key_ring_verify()


def test_a_wrong_key_under_the_right_version_is_caught(settings):
    PersonFactory()
    settings.MASTER_KEYS = f"1:{new_key()}"
    assert any("not the key the data was written with" in p for p in key_ring_problems())


def test_health_reports_a_wrong_key(client, settings):
    PersonFactory()
    settings.MASTER_KEYS = f"1:{new_key()}"
    response = client.get("/health/")
    assert response.status_code == 503
    assert "key_ring_opens_the_data" in response.json()["failed"]


@pytest.mark.parametrize(
    ("master_keys", "message"),
    [
        ("", "MASTER_KEYS is not set"),
        ("1:not-base64!!", "not valid base64"),
        ("1:" + base64.urlsafe_b64encode(b"short").decode(), "must be 32 bytes"),
        ("one:" + base64.urlsafe_b64encode(b"k" * 32).decode(), "must look like"),
    ],
)
def test_missing_or_malformed_keys_stop_the_start(master_keys, message):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "MASTER_KEYS": master_keys,
        "BLIND_INDEX_KEY": new_key(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    if not master_keys:
        env["MASTER_KEYS_FILE"] = "/nonexistent/keys"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert message in result.stderr or "cannot read /nonexistent/keys" in result.stderr


def test_a_malformed_blind_index_key_stops_the_start():
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "MASTER_KEYS": "1:" + new_key(),
        "BLIND_INDEX_KEY": "tooshort",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "BLIND_INDEX_KEY" in result.stderr
