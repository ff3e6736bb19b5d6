import base64
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

import vault.models
from casework.models import Person
from tests.factories import PersonFactory
from vault.keyring import KeyRing, MissingMasterKey, key_ring
from vault.models import DataKey, MasterKeysOutdated
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


def test_rotation_never_calls_the_newest_key_removable(settings):
    settings.MASTER_KEYS = f"{settings.MASTER_KEYS},2:{new_key()}"
    assert not DataKey.objects.exists()
    output = rotate()
    assert "no longer in use: 1." in output


def test_a_process_without_the_newest_key_refuses_to_wrap(settings):
    old = settings.MASTER_KEYS
    settings.MASTER_KEYS = f"{old},2:{new_key()}"
    PersonFactory()  # a restarted process wraps under version 2
    settings.MASTER_KEYS = old  # one not restarted yet
    with pytest.raises(MasterKeysOutdated, match="Restart it with the new MASTER_KEYS"):
        DataKey.create()
    with pytest.raises(MasterKeysOutdated, match="already uses master key version 2"):
        PersonFactory()
    assert DataKey.objects.count() == 1


def test_a_process_without_the_newest_key_refuses_to_rotate(settings):
    PersonFactory()
    old = settings.MASTER_KEYS
    settings.MASTER_KEYS = f"{old},2:{new_key()}"
    DataKey.create()
    settings.MASTER_KEYS = old
    with pytest.raises(MasterKeysOutdated):
        rotate()
    assert sorted(DataKey.objects.values_list("master_key_version", flat=True)) == [1, 2]


def test_rotation_starting_stops_processes_without_the_new_key_from_wrapping(settings):
    old = settings.MASTER_KEYS
    settings.MASTER_KEYS = f"{old},2:{new_key()}"
    rotate()
    settings.MASTER_KEYS = old
    with pytest.raises(MasterKeysOutdated):
        DataKey.create()


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


def someone_waits_for_me(timeout=10):
    """True once another backend waits for a lock this thread's transaction holds."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def in_a_thread(work):
    """Run ``work(ready)`` in a thread until it sets ``ready``; returns a join function."""
    ready, results = threading.Event(), []

    def run():
        try:
            results.append(work(ready))
        finally:
            ready.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert ready.wait(10)

    def join():
        thread.join(30)
        return results

    return join


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_key_another_transaction_holds_is_still_rewrapped_by_the_end(settings):
    people = PersonFactory.create_batch(5)
    held = people[2].data_key_id
    settings.MASTER_KEYS = f"{settings.MASTER_KEYS},2:{new_key()}"

    def hold(ready):
        with transaction.atomic():
            DataKey.objects.select_for_update().get(pk=held)
            ready.set()
            # Until rotate_keys waits for it; with a timeout, should it not.
            return someone_waits_for_me()

    join = in_a_thread(hold)
    try:
        output = rotate(batch_size=2)
    finally:
        waited = join()
    assert waited == [True]
    assert DataKey.objects.get(pk=held).master_key_version == 2
    assert set(DataKey.objects.values_list("master_key_version", flat=True)) == {2}
    assert "no longer in use: 1." in output


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rotation_waits_for_a_process_still_wrapping_under_the_old_key(settings, monkeypatch):
    """A process that checked before rotation began and commits during it is not missed."""
    PersonFactory()
    old_keys = settings.MASTER_KEYS
    stale_ring = KeyRing.parse(old_keys)
    stale_threads = set()
    monkeypatch.setattr(
        vault.models,
        "key_ring",
        lambda: stale_ring if threading.get_ident() in stale_threads else key_ring(),
    )

    def stale_process(ready):
        stale_threads.add(threading.get_ident())
        with transaction.atomic():
            key = DataKey.create()  # under version 1: version 2 is not known yet
            ready.set()
            return key.id, someone_waits_for_me()

    join = in_a_thread(stale_process)
    settings.MASTER_KEYS = f"{old_keys},2:{new_key()}"
    try:
        output = rotate()
    finally:
        [(made, waited)] = join()
    assert waited
    assert DataKey.objects.get(pk=made).master_key_version == 2
    assert set(DataKey.objects.values_list("master_key_version", flat=True)) == {2}
    assert "no longer in use: 1." in output


def test_the_bulk_path_refuses_to_wrap_under_an_outdated_key_ring(settings):
    from vault.bulk import data_keys_create

    old_ring = settings.MASTER_KEYS
    newer = base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings.MASTER_KEYS = f"{old_ring},9:{newer}"
    data_keys_create(purpose=DataKey.Purpose.CASE, count=1)  # the database now knows 9
    settings.MASTER_KEYS = old_ring
    with pytest.raises(MasterKeysOutdated):
        data_keys_create(purpose=DataKey.Purpose.CASE, count=2)
