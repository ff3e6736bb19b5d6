"""Only a sender's own, active token is let in, and it reads only its own receipts."""

import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from casework.models import Under15Report
from intake.models import IntakeSender
from intake.services import intake_sender_token_replace, token_digest
from tests.intake.conftest import URL, send

pytestmark = pytest.mark.django_db


def receipt(client, token, report_id):
    return client.get(f"{URL}/{report_id}", headers={"Authorization": f"Bearer {token}"})


def test_it_stores_no_token_in_plain_text(sender, token):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {IntakeSender._meta.db_table}")
        rows = cursor.fetchall()
        cursor.execute(f"SELECT * FROM {IntakeSender.history.model._meta.db_table}")
        rows += cursor.fetchall()
    stored = repr(rows)
    assert token not in stored
    assert token.removeprefix("trygg_intake_") not in stored
    assert IntakeSender.objects.get().token_hash == token_digest(token)


def test_the_senders_account_cannot_sign_in(sender):
    account = sender.account
    assert not account.is_active
    assert not account.has_usable_password()
    assert not account.groups.exists()


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer wrong-token", "Basic dXNlcjpwYXNz", "bearer  "]
)
def test_it_refuses_a_call_without_a_good_token(client, sender, district, header):
    headers = {"Authorization": header} if header else {}
    response = client.post(URL, {}, content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert not Under15Report.objects.exists()


def test_it_refuses_an_inactive_senders_token(client, sender, token, district):
    sender.is_active = False
    sender.save()
    response = send(client, token)
    assert response.status_code == 401
    assert not Under15Report.objects.exists()


def test_a_replaced_token_stops_working(client, sender, token, district):
    new = intake_sender_token_replace(sender=sender)
    assert send(client, token).status_code == 401
    assert send(client, new).status_code == 201


def test_it_shows_its_own_receipt(client, token, district):
    sent = send(client, token).json()
    response = receipt(client, token, sent["id"])
    assert response.status_code == 200
    assert response.json() == sent


def test_another_senders_token_reads_nothing(client, token, other_sender_and_token, district):
    sent = send(client, token).json()
    _other, other_token = other_sender_and_token
    assert receipt(client, other_token, sent["id"]).status_code == 404
    assert receipt(client, other_token, uuid.uuid4()).status_code == 404
    assert receipt(client, "wrong", sent["id"]).status_code == 401
    # Sent again by the other system: received, but its reference is not given away.
    again = send(client, other_token)
    assert again.status_code == 200
    assert again.json() == {"id": None, "reference": None, "status": "already_received"}
    assert Under15Report.objects.count() == 1


def test_a_workers_report_is_not_found(client, token, district, worker):
    from tests.intake.test_access_log import report_by_worker

    report = report_by_worker(worker, district)
    assert receipt(client, token, report.pk).status_code == 404


def test_the_command_prints_the_token_once_and_keeps_its_hash(unit, capsys):
    call_command("intake_sender_create", "Polisen region Syd", "--unit", unit.name)
    token = capsys.readouterr().out.strip().splitlines()[-1]
    sender = IntakeSender.objects.get(name="Polisen region Syd")
    assert token.startswith("trygg_intake_")
    assert sender.token_hash == token_digest(token)
    assert sender.unit == unit
