"""The exit case's pages: registration, steps with the 409 that names who
moved the case, the intake form, the plan and measurements; bad input comes
back with what was typed, never a 500."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from avhopp.models import ExitCase, Intervention, Measurement, PlanGoal
from casework.persons.demo import identity_number
from tests.avhopp.conftest import fresh, intake, measure, register, step, to_active
from tests.conftest import sign_in, swedish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("avhopp:case-detail", kwargs={"pk": case.pk})


def text(response):
    return html.unescape(response.content.decode())


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_registering_an_inquiry_makes_the_case_and_the_person(client, worker, district):
    sign_in(client, worker)
    response = client.post(
        reverse("avhopp:case-create"),
        {
            "identity_number": identity_number(datetime.date(2000, 2, 3), 321),
            "given_names": "Adam",
            "family_name": "Frivårdsson",
            "track": "exit",
            "referral_source": "probation",
            "inquiry_at": local(timezone.now() - datetime.timedelta(hours=3)),
            "district": district.pk,
            "inquiry_note": "Ringde från frivården.",
        },
    )
    case = ExitCase.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert (case.assigned_to, case.unit, case.referral_source) == (
        worker,
        worker.unit,
        "probation",
    )
    assert case.inquiry_note == "Ringde från frivården."
    page = text(client.get(detail(case)))
    assert "Adam Frivårdsson" in page
    assert swedish("Probation or prison (Kriminalvården)") in page


def test_a_bad_registration_comes_back_with_what_was_typed(client, worker):
    sign_in(client, worker)
    response = client.post(
        reverse("avhopp:case-create"),
        {
            "identity_number": "19990101-0018",
            "given_names": "Kvarstår",
            "family_name": "Textsson",
            "track": "exit",
            "referral_source": "nobody",
            "inquiry_at": "not a time",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert 'value="Kvarstår"' in page and 'value="Textsson"' in page
    assert ExitCase.objects.count() == 0


def test_a_step_someone_else_took_meanwhile_gives_a_409_naming_them(client, worker, unit):
    mate = UserFactory(username="mate", first_name="Omar", role=Role.SOCIAL_WORKER, unit=unit)
    case = step(register(worker), "start_intake", worker, days_ago=5)
    sign_in(client, mate)
    # The mate's page showed intake assessment; the worker declines first.
    step(case, "decline", worker, days_ago=1, decline_reason="not_motivated")
    response = client.post(
        reverse("avhopp:case-step", kwargs={"pk": case.pk, "step": "decline"}),
        {
            "decline-expected_state": "intake_assessment",
            "decline-at": local(timezone.now()),
            "decline-decline_reason": "other",
        },
    )
    assert response.status_code == 409
    page = text(response)
    assert str(worker) in page
    assert swedish("Declined") in page
    # What the mate chose is shown back in words.
    assert swedish("Other reason") in page
    assert fresh(case).decline_reason == "not_motivated"


def test_a_step_with_bad_input_re_renders_with_a_message(client, worker):
    case = to_active(register(worker), worker)
    sign_in(client, worker)
    response = client.post(
        reverse("avhopp:case-step", kwargs={"pk": case.pk, "step": "pause"}),
        {
            "pause-expected_state": "active",
            "pause-at": "2999-01-01T10:00",
            "pause-pause_reason": "",
        },
    )
    assert response.status_code == 400
    assert fresh(case).state == "active"
    assert swedish("The time cannot be in the future.") in text(response)


def test_junk_step_names_and_ids_are_404_not_500(client, worker):
    case = register(worker)
    sign_in(client, worker)
    assert (
        client.post(
            reverse("avhopp:case-step", kwargs={"pk": case.pk, "step": "explode"})
        ).status_code
        == 404
    )


def test_the_intake_form_keeps_what_was_typed_when_the_age_rule_refuses(client, worker):
    born = datetime.date.today().replace(year=datetime.date.today().year - 31, day=1)
    case = step(register(worker, born=born), "start_intake", worker, days_ago=3)
    sign_in(client, worker)
    response = client.post(
        reverse("avhopp:case-intake", kwargs={"pk": case.pk}),
        {
            "intake-target_groups": ["age_18_25"],
            "intake-risk_level": "high",
            "intake-motivation": "Vill börja om.",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "Vill börja om." in page
    assert "31" in page
    assert not fresh(case).target_groups.exists()


def test_the_plan_takes_goals_and_interventions(client, worker):
    case = to_active(register(worker), worker)
    sign_in(client, worker)
    assert (
        client.post(
            reverse("avhopp:goal-create", kwargs={"pk": case.pk}), {"goal-text": "Eget boende."}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("avhopp:intervention-create", kwargs={"pk": case.pk}),
        {
            "intervention-kind": "debt_counselling",
            "intervention-status": "planned",
            "intervention-responsible_organisation": "Budget- och skuldrådgivningen",
            "intervention-starts_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert intervention.responsible_organisation == "Budget- och skuldrådgivningen"
    assert PlanGoal.objects.get().text == "Eget boende."
    prefix = f"intervention-{intervention.pk}"
    client.post(
        reverse(
            "avhopp:intervention-update",
            kwargs={"pk": case.pk, "intervention_pk": intervention.pk},
        ),
        {f"{prefix}-status": "done", f"{prefix}-starts_on": "2026-12-01"},
    )
    assert Intervention.objects.get().status == "done"
    # Neither a worker nor an organisation: refused, the typed text kept.
    response = client.post(
        reverse("avhopp:intervention-create", kwargs={"pk": case.pk}),
        {"intervention-kind": "studies", "intervention-status": "planned"},
    )
    assert response.status_code == 400
    assert Intervention.objects.count() == 1


def test_a_measurement_is_scored_and_judged_against_the_baseline(client, worker):
    case = to_active(register(worker), worker)
    sign_in(client, worker)
    url = reverse("avhopp:measurement-create", kwargs={"pk": case.pk})
    data = {
        "occasion": "closure",
        "measured_on": timezone.localdate().isoformat(),
        "occupation": "studies",
        "drug_use": "occasional",
        "criminality": "none",
        "housing": "with_family",
        "network_contact": "regular",
        # AUDIT: option 4 on items 1-8 (4 points each), option 2 on 9 and 10 (4 each).
        **{f"audit_{n}": "4" for n in range(1, 9)},
        "audit_9": "2",
        "audit_10": "2",
    }
    assert client.post(url, data).status_code == 302
    closure = Measurement.objects.get(occasion="closure")
    assert (closure.audit_total, closure.audit_band) == (40, "dependence")
    assert closure.audit_answers == [4, 4, 4, 4, 4, 4, 4, 4, 2, 2]
    assert closure.positive_development is True
    page = text(client.get(detail(case)))
    assert swedish("Positive development") in page


def test_half_an_instrument_is_refused_and_kept(client, worker):
    case = to_active(register(worker), worker)
    sign_in(client, worker)
    response = client.post(
        reverse("avhopp:measurement-create", kwargs={"pk": case.pk}),
        {
            "occasion": "during",
            "measured_on": timezone.localdate().isoformat(),
            "occupation": "none",
            "drug_use": "regular",
            "criminality": "regular",
            "housing": "homeless",
            "network_contact": "regular",
            "dudit_1": "3",
        },
    )
    assert response.status_code == 200
    assert not Measurement.objects.filter(occasion="during").exists()
    assert '<option value="3" selected>' in response.content.decode()


def test_the_measurement_page_is_closed_where_no_measurement_fits(client, worker):
    case = register(worker)
    sign_in(client, worker)
    response = client.get(reverse("avhopp:measurement-create", kwargs={"pk": case.pk}))
    assert response.status_code == 302


def test_the_timeline_shows_each_step_and_the_contacts(client, worker):
    case = to_active(register(worker), worker)
    sign_in(client, worker)
    client.post(
        reverse("avhopp:contact-create", kwargs={"pk": case.pk}),
        {
            "occurred_at": local(timezone.now() - datetime.timedelta(hours=1)),
            "kind": "outreach",
            "participants": "",
            "note": "Träffades vid torget.",
        },
    )
    page = text(client.get(detail(case)))
    for state in ("Inquiry", "Intake assessment", "Active"):
        assert f"{swedish(state)} – {worker}" in page  # noqa: RUF001
    assert "Träffades vid torget." in page
    assert swedish("Outreach contact") in page


def test_the_case_page_is_logged_as_a_read(client, worker):
    case = register(worker)
    sign_in(client, worker)
    client.get(detail(case))
    assert AccessEvent.objects.filter(
        actor=worker, action="view", object_id=str(case.pk), person_ref=case.person_id
    ).exists()


def test_a_measurement_moves_the_next_due_date(worker):
    case = step(register(worker), "start_intake", worker, days_ago=5)
    assert fresh(case).next_due_occasion == "baseline"
    intake(case, worker)
    measure(case, worker, "baseline", days_ago=4)
    case = step(case, "activate", worker, days_ago=4, decision_text="Ja.")
    assert fresh(case).next_due_occasion == "during"
