"""Erasing an exit case, or its person, shreds every encrypted field of the
case, its plan and measurements (history included); the categorical columns
stay for the statistics, and the case's page says it was erased."""

import pytest
from django.urls import reverse

from avhopp.models import ExitCase, Intervention, Measurement, PlanGoal
from avhopp.services import exit_case_erase, intervention_add, plan_goal_add
from casework.models import Person
from casework.persons.services import person_erase
from tests.avhopp.conftest import fresh, register, to_active
from tests.conftest import sign_in
from vault.models import DataKey, KeyDestroyed

pytestmark = pytest.mark.django_db


def seeded_case(worker):
    case = to_active(register(worker), worker)
    plan_goal_add(case=case, by=worker, text="Eget boende.")
    intervention_add(
        case=case, by=worker, kind="relocation", responsible_organisation="Bostadsbolaget"
    )
    return fresh(case)


@pytest.mark.parametrize("how", ["case", "person"])
def test_erasure_shreds_the_case_and_keeps_its_categories(client, worker, how):
    case = seeded_case(worker)
    if how == "case":
        exit_case_erase(case=case, by=worker)
    else:
        person_erase(person=Person.objects.get(pk=case.person_id), by=worker)
    erased = ExitCase.objects.get(pk=case.pk)
    assert erased.erased_at is not None
    assert DataKey.objects.get(pk=case.data_key_id).destroyed_at is not None
    assert erased.inquiry_note is None and erased.decision_text is None
    assert PlanGoal.objects.get(case=case).text is None
    assert Intervention.objects.get(case=case).responsible_organisation is None
    assert Measurement.objects.get(case=case).occupation == "none"
    assert (erased.track, erased.referral_source, erased.state) == ("exit", "probation", "active")
    # History: the rows from before can no longer be read, the rows after hold nothing.
    unreadable = 0
    for row in ExitCase.history.filter(id=case.pk):
        try:
            assert row.inquiry_note is None
        except KeyDestroyed:
            unreadable += 1
    assert unreadable >= 3
    sign_in(client, worker)
    assert client.get(reverse("avhopp:case-detail", kwargs={"pk": case.pk})).status_code == 410
    assert client.get(reverse("avhopp:case-list")).content.decode().count(case.reference) == 0
