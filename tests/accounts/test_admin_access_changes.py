"""Administrators cannot give themselves case access; every access change is logged."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from audit.models import AccessEvent
from tests.conftest import sign_in
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def change_data(client, user, **changes):
    """The admin change form of ``user`` as shown, with ``changes`` applied."""
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    for name in ("password", "last_login", "locked_until", "date_joined"):
        data.pop(name, None)
    if "date_joined" in form.fields:
        data["date_joined_0"] = user.date_joined.strftime("%Y-%m-%d")
        data["date_joined_1"] = user.date_joined.strftime("%H:%M:%S")
    if "groups" in form.fields:
        data["groups"] = [group.pk for group in user.groups.all()]
    if "unit" in form.fields:
        data["unit"] = user.unit_id or ""
    for flag in ("is_active", "is_staff"):
        if flag in form.fields and not data.get(flag):
            data.pop(flag, None)
    data.update(changes)
    return url, data


def events(action, **filters):
    return AccessEvent.objects.filter(action=action, **filters)


def test_an_administrator_cannot_make_themselves_a_social_worker(client, administrator):
    sign_in(client, administrator)
    worker_group = Group.objects.get(name=Role.SOCIAL_WORKER.value)
    unit = UnitFactory(name="Barn och unga Angered")
    url, data = change_data(client, administrator)
    # A forged POST: the fields are read-only on one's own page.
    data.update({"groups": [worker_group.pk], "unit": unit.pk})
    response = client.post(url, data)
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.groups.filter(pk=worker_group.pk).exists()
    assert administrator.unit_id is None
    refused = events("self_change_refused", actor=administrator).get()
    assert refused.flagged and refused.outcome == "denied"
    assert not events("role_granted").exists()


def test_ones_own_access_fields_are_read_only(client, administrator):
    sign_in(client, administrator)
    url = reverse("admin:accounts_user_change", args=[administrator.pk])
    form = client.get(url).context["adminform"].form
    for name in ("groups", "unit", "is_staff", "is_active"):
        assert name not in form.fields


def test_granting_a_case_role_is_flagged_for_the_auditors(client, administrator, auditor):
    sign_in(client, administrator)
    worker_group = Group.objects.get(name=Role.SOCIAL_WORKER.value)
    url, data = change_data(
        client, auditor, groups=[worker_group.pk, *auditor.groups.values_list("pk", flat=True)]
    )
    assert client.post(url, data).status_code == 302
    granted = events("role_granted", actor=administrator, subject_user_id=auditor.pk).get()
    assert granted.flagged and granted.detail == Role.SOCIAL_WORKER.value


def test_every_role_and_unit_change_is_in_the_log(client, administrator, worker):
    sign_in(client, administrator)
    other_unit = UnitFactory(name="Barn och unga Bergsjön")
    manager_group = Group.objects.get(name=Role.UNIT_MANAGER.value)
    url, data = change_data(client, worker, groups=[manager_group.pk], unit=other_unit.pk)
    assert client.post(url, data).status_code == 302
    by_admin = {"actor": administrator, "subject_user_id": worker.pk}
    assert events("role_granted", **by_admin).get().detail == Role.UNIT_MANAGER.value
    assert events("role_revoked", **by_admin).get().detail == Role.SOCIAL_WORKER.value
    moved = events("unit_changed", **by_admin).get()
    assert moved.detail == str(other_unit.pk) and moved.flagged
    url, data = change_data(client, worker, is_staff="on")
    client.post(url, data)
    assert events("staff_status_changed", **by_admin).get().detail == "true"


def test_a_password_set_by_an_administrator_is_logged(client, administrator, worker):
    sign_in(client, administrator)
    url = reverse("admin:auth_user_password_change", args=[worker.pk])
    response = client.post(
        url, {"password1": "a-new-long-passphrase-42", "password2": "a-new-long-passphrase-42"}
    )
    assert response.status_code == 302
    event = events("password_set_by_administrator", actor=administrator).get()
    assert event.subject_user_id == worker.pk and event.flagged


def test_an_administrator_cannot_set_their_own_password_in_the_admin(client, administrator):
    sign_in(client, administrator)
    url = reverse("admin:auth_user_password_change", args=[administrator.pk])
    assert client.get(url).status_code == 403
