import hashlib
import io
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.urls import reverse

from audit.models import AccessEvent, Action
from audit.services import access_event_record, security_event_record
from tests.conftest import sign_in
from tests.factories import PASSWORD, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
ROOT = Path(__file__).resolve().parents[2]


def actions():
    return list(AccessEvent.objects.order_by("id").values_list("action", flat=True))


def session_ref_of(client):
    return hashlib.sha256(client.session.session_key.encode()).hexdigest()[:16]


def test_it_records_a_sign_in_with_both_factors(client, worker):
    device = totp_device_for(worker)
    client.post(LOGIN, {"username": "worker", "password": PASSWORD})
    client.post(VERIFY, {"token": totp_code(device)})

    assert actions() == ["sign_in_password", "second_factor_verified"]
    event = AccessEvent.objects.get(action="second_factor_verified")
    assert event.actor_id == worker.pk
    assert event.actor_username == "worker"
    assert event.actor_roles == "social_worker"
    assert event.actor_unit_id == worker.unit_id
    assert event.address == "127.0.0.1"
    assert event.outcome == "allowed"
    assert event.request_id is not None
    assert event.detail == type(device).__name__
    assert event.reason == ""
    assert event.session_ref == session_ref_of(client)


def test_it_never_stores_the_session_key(client, worker):
    totp_device_for(worker)
    client.post(LOGIN, {"username": "worker", "password": PASSWORD})
    key = client.session.session_key
    event = AccessEvent.objects.get(action="sign_in_password")
    assert len(event.session_ref) == 16
    assert key not in str(event.hash_payload())


def test_it_records_a_wrong_password_against_the_account_not_as_its_actor(client, worker):
    client.post(LOGIN, {"username": "worker", "password": "wrong-password-here"})
    event = AccessEvent.objects.get()
    assert event.action == "sign_in_failed"
    assert event.outcome == "denied"
    assert event.actor_id is None
    assert event.actor_username == ""
    assert event.subject_user_id == worker.pk


def test_it_records_an_unknown_username_without_the_typed_name(client, worker):
    client.post(LOGIN, {"username": "nobody-like-this", "password": "whatever-password"})
    event = AccessEvent.objects.get()
    assert event.action == "sign_in_unknown_user"
    assert "nobody-like-this" not in str(event.hash_payload())


def test_it_records_a_failed_second_factor(client, worker):
    device = totp_device_for(worker)
    client.post(LOGIN, {"username": "worker", "password": PASSWORD})
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    client.post(VERIFY, {"token": wrong})
    assert actions() == ["sign_in_password", "second_factor_failed"]
    event = AccessEvent.objects.get(action="second_factor_failed")
    assert event.outcome == "denied"
    assert event.subject_user_id == worker.pk


def test_it_records_the_pause_of_an_address(client, worker, settings):
    settings.SIGN_IN_SLOW_AFTER = 100
    for _attempt in range(settings.LOCKOUT_THRESHOLD):
        client.post(LOGIN, {"username": "worker", "password": "wrong-password-here"})
    assert actions()[-2:] == ["sign_in_failed", "sign_in_throttled"]


def test_it_records_a_sign_out_with_the_session_that_ended(client, worker):
    sign_in(client, worker)
    ref = session_ref_of(client)
    client.post(reverse("accounts:logout"))
    event = AccessEvent.objects.get(action="sign_out")
    assert event.actor_id == worker.pk
    assert event.session_ref == ref


def test_it_records_a_refused_page(client, worker):
    sign_in(client, worker)
    assert client.get(reverse("audit:event-list")).status_code == 403
    event = AccessEvent.objects.get(action="access_denied")
    assert event.actor_id == worker.pk
    assert event.outcome == "denied"
    assert event.detail == "audit:event-list"


def test_it_records_an_access_with_person_reason_and_flag(rf, worker):
    request = rf.get("/persons/1/", REMOTE_ADDR="2001:DB8::1")
    request.user = worker
    request.session = SessionStore()
    request.session.create()
    request.request_id = uuid.uuid4()
    person = uuid.uuid4()

    event = access_event_record(
        action="view",
        request=request,
        object_type="casework.person",
        object_id=str(person),
        person_ref=person,
        reason="colleague_absent",
        flagged=True,
    )

    event = AccessEvent.objects.get(pk=event.pk)
    assert event.actor_id == worker.pk  # from the request
    assert event.person_ref == person
    assert event.reason == "colleague_absent"
    assert event.flagged is True
    assert event.request_id == request.request_id
    assert event.address == "2001:db8::1"
    assert (
        event.session_ref == hashlib.sha256(request.session.session_key.encode()).hexdigest()[:16]
    )
    assert event.hash == event.compute_hash()


def test_it_keeps_the_actor_apart_from_the_user_acted_upon(administrator, worker):
    event = security_event_record(action="user_unlocked", actor=administrator, subject_user=worker)
    assert (event.actor_id, event.subject_user_id) == (administrator.pk, worker.pk)
    assert event.actor_roles == "administrator"


def test_it_maps_security_outcomes_and_keeps_the_technical_reason_as_detail(worker):
    event = security_event_record(
        action="access_denied", actor=worker, outcome="denied", reason="x" * 300
    )
    assert event.outcome == "denied"
    assert event.reason == ""
    assert event.detail == "x" * 200


def test_it_refuses_a_free_text_reason(worker):
    with pytest.raises(ValueError, match="categories"):
        access_event_record(action="view", actor=worker, reason="Her mother called about her")
    assert not AccessEvent.objects.exists()


def test_it_refuses_an_unknown_action(worker):
    with pytest.raises(ValueError, match="Unknown access-log action"):
        access_event_record(action="peeked", actor=worker)


def test_an_event_exists_only_if_the_change_committed(worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        access_event_record(action="change", actor=worker, object_type="casework.person")
        raise RuntimeError("the change failed")
    assert not AccessEvent.objects.exists()


def test_it_stores_no_address_when_remote_addr_is_not_one(rf, worker):
    request = rf.get("/", REMOTE_ADDR="unix:/run/gunicorn.sock")
    request.user = worker
    assert access_event_record(action="view", request=request).address is None


def test_every_action_the_accounts_app_records_is_a_known_action():
    used = set()
    for path in (ROOT / "accounts").glob("*.py"):
        used |= set(re.findall(r'action="([a-z_]+)"', path.read_text()))
    assert used
    assert used <= set(Action.values), used - set(Action.values)


@pytest.mark.parametrize(
    ("remote_addr", "stored"),
    [
        ("10.1.2.3", "10.1.2.3"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("::ffff:10.0.0.1", None),  # whatever form the database prints
        ("fe80::1%eth0", "fe80::1"),
    ],
)
def test_an_event_read_back_from_the_database_still_matches_its_hash(
    rf, worker, remote_addr, stored
):
    request = rf.get("/", REMOTE_ADDR=remote_addr)
    request.user = worker
    worker.username = "åsa-öberg"
    written = access_event_record(action="view", request=request)
    event = AccessEvent.objects.get(pk=written.pk)
    if stored is not None:
        assert event.address == stored
    assert event.hash == event.compute_hash()


def test_recording_an_event_costs_three_statements(worker, settings):
    settings.AUDIT_CHAIN_COUNT = 1
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker.role_names
    with CaptureQueriesContext(connection) as captured:
        access_event_record(action="view", actor=worker, object_type="x", object_id="1")
    statements = [q["sql"].split()[0] for q in captured]
    # Lock the chain head, insert the event, move the head: no roles query,
    # no random sort, no savepoint.
    assert statements == ["SELECT", "INSERT", "UPDATE"]
    assert "random" not in captured[0]["sql"].lower()


# PostgreSQL: SQLite caps bind variables, so Django splits 50 rows into two INSERTs.
@pytest.mark.postgres
def test_many_events_go_on_one_chain_in_one_insert_and_verify(worker, settings):
    settings.AUDIT_CHAIN_COUNT = 1
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.services import access_events_record_many

    worker.role_names
    with CaptureQueriesContext(connection) as captured:
        events = access_events_record_many(
            actor=worker,
            events=[
                {"action": "create", "object_type": "x", "object_id": str(n)} for n in range(50)
            ],
        )
    assert [q["sql"].split()[0] for q in captured] == ["SELECT", "INSERT", "UPDATE"]
    assert [e.sequence for e in events] == list(range(events[0].sequence, events[0].sequence + 50))
    call_command("verify_audit_chain", stdout=io.StringIO())
