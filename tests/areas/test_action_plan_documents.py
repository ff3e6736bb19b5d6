"""The situation picture, the joint action plan and its follow-up as documents:
created, revised and followed up by the district's coordinator, reported on by
the partner responsible; every change kept in history and in the access log;
refusals in words, with what the user typed kept."""

import datetime

import pytest
from django.urls import reverse

from areas import services
from areas.models import (
    ActionPlan,
    Measure,
    MeasurePhase,
    MeasureStatus,
    MobilisationKind,
    PlanRow,
    Problem,
    SubArea,
)
from audit.models import AccessEvent
from casework.errors import ApplicationError
from tests.conftest import sign_in, swedish

pytestmark = pytest.mark.django_db


def row_data(row, **changes):
    data = {
        "problem": str(row.problem_id),
        "cause_analysis": row.cause_analysis,
        "effect_goal": row.effect_goal,
        "sub_goals": row.sub_goals,
        "responsible": row.responsible,
        "seen_at": row.changed_at.isoformat(),
    }
    data.update(changes)
    return data


def events(obj):
    return AccessEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def test_the_plan_is_revised_and_followed_up_and_every_version_is_kept(client, coordinator, row):
    sign_in(client, coordinator)
    last_event = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = client.post(
        reverse("areas:row-edit", kwargs={"pk": row.pk}),
        row_data(row, cause_analysis="Torget är tomt och mörkt på kvällen."),
    )
    assert response.status_code == 302
    response = client.post(
        reverse("areas:row-follow-up", kwargs={"pk": row.pk}),
        {"effect": "Handeln flyttade från torget efter tre veckor."},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.cause_analysis == "Torget är tomt och mörkt på kvällen."
    assert row.effect == "Handeln flyttade från torget efter tre veckor."
    assert row.followed_up_by == coordinator and row.followed_up_at is not None
    # Each version, oldest first, with who saved it.
    versions = list(PlanRow.history.filter(id=row.pk).order_by("history_date"))
    assert [v.cause_analysis for v in versions] == [
        "Torget är tomt på kvällen.",
        "Torget är tomt och mörkt på kvällen.",
        "Torget är tomt och mörkt på kvällen.",
    ]
    assert [v.effect for v in versions][-1].startswith("Handeln flyttade")
    assert {v.history_user for v in versions} == {coordinator}
    changes = events(row.plan).filter(action="change", id__gt=last_event).order_by("id")
    assert [e.detail for e in changes] == [f"row={row.pk}", f"follow_up={row.pk}"]
    assert {e.actor_id for e in changes} == {coordinator.pk}
    # The plan page lists the revisions.
    page = client.get(reverse("areas:plan-detail", kwargs={"pk": row.plan_id})).content.decode()
    assert page.count(swedish("Revisions")) >= 1 and "Handeln flyttade" in page


def test_an_unchanged_revision_writes_nothing(client, coordinator, row):
    sign_in(client, coordinator)
    before = (PlanRow.history.filter(id=row.pk).count(), AccessEvent.objects.count())
    response = client.post(reverse("areas:row-edit", kwargs={"pk": row.pk}), row_data(row))
    assert response.status_code == 302
    assert (PlanRow.history.filter(id=row.pk).count(), AccessEvent.objects.count()) == before


def test_a_revision_from_an_older_copy_is_refused_naming_who_saved_first(
    client, coordinator, row, angered
):
    from accounts.roles import Role
    from tests.factories import UserFactory

    second = UserFactory(
        username="second_coordinator",
        first_name="Nadia",
        last_name="Berg",
        role=Role.SAFETY_COORDINATOR,
    )
    angered.coordinators.add(second)
    stale = row_data(row, effect_goal="Mitt förslag till mål.")
    services.row_revise(
        by=second,
        row=row,
        seen_at=row.changed_at,
        problem=row.problem,
        cause_analysis="Nadias analys.",
        effect_goal=row.effect_goal,
        sub_goals="",
        responsible=row.responsible,
    )
    sign_in(client, coordinator)
    response = client.post(reverse("areas:row-edit", kwargs={"pk": row.pk}), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nadia Berg" in page
    assert "Mitt förslag till mål." in page  # what the user typed is kept
    assert "Nadias analys." in page  # beside the row as it is now
    row.refresh_from_db()
    assert row.cause_analysis == "Nadias analys." and row.effect_goal == "Ingen öppen handel."
    # Saving again from the page, now up to date, goes through.
    fresh = row_data(row, effect_goal="Mitt förslag till mål.")
    assert client.post(reverse("areas:row-edit", kwargs={"pk": row.pk}), fresh).status_code == 302


def test_the_responsible_partner_reports_the_measure_and_the_follow_up_shows_it(
    client, police, measure
):
    sign_in(client, police)
    response = client.post(
        reverse("areas:measure-report", kwargs={"pk": measure.pk}),
        {
            "status": MeasureStatus.CARRIED_OUT,
            "carried_out": "Två patruller varje kväll i tre veckor.",
            "reported_on": datetime.date(2026, 3, 25).isoformat(),
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.CARRIED_OUT
    assert measure.reported_by == police and measure.reported_on == datetime.date(2026, 3, 25)
    assert Measure.history.filter(id=measure.pk, history_user=police).exists()
    assert events(measure.row.plan).filter(actor=police, detail=f"report={measure.pk}").exists()
    page = client.get(reverse("areas:plan-detail", kwargs={"pk": measure.row.plan_id}))
    follow_up = page.content.decode().split('id="follow-up"', 1)[1]
    assert "Två patruller varje kväll i tre veckor." in follow_up


def test_a_carried_out_measure_needs_words_and_the_form_keeps_the_date(client, police, measure):
    sign_in(client, police)
    response = client.post(
        reverse("areas:measure-report", kwargs={"pk": measure.pk}),
        {"status": MeasureStatus.CARRIED_OUT, "carried_out": " ", "reported_on": "2026-03-20"},
    )
    assert response.status_code == 400
    assert swedish("Describe what was carried out.") in response.content.decode()
    assert 'value="2026-03-20"' in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_each_write_is_in_the_access_log(coordinator, picture, angered, police, police_org):
    """One event per change, by its actor, whatever is written."""
    sub_area = SubArea.objects.get(district__name="Hjällbo")

    def logged(write):
        before = AccessEvent.objects.count()
        result = write()
        new = list(AccessEvent.objects.order_by("id")[before:])
        assert len(new) == 1 and new[0].action in {"create", "change"}, write
        return result, new[0]

    problem, _event = logged(
        lambda: services.problem_add(
            by=coordinator, picture=picture, title="Nedskräpning", sub_areas=[sub_area]
        )
    )
    plan, event = logged(lambda: services.plan_create(by=coordinator, picture=picture, title="P"))
    assert (event.action, event.object_id) == ("create", str(plan.pk))
    row, _event = logged(
        lambda: services.row_add(
            by=coordinator,
            plan=plan,
            problem=problem,
            cause_analysis="Få papperskorgar.",
            effect_goal="Rent.",
            sub_goals="",
            responsible="Stadsområdet",
        )
    )
    logged(lambda: services.plan_revise(by=coordinator, plan=plan, title="P", lessons="Tidigt."))
    meeting, event = logged(
        lambda: services.mobilisation_record(
            by=coordinator,
            city_district=angered,
            held_on=datetime.date(2026, 4, 2),
            place="Hjällbo torg",
            situation=MobilisationKind.VANDALISM,
            description="Skadegörelse vid torget.",
            organisations=[police_org],
        )
    )
    assert event.object_type == "areas.mobilisationmeeting"
    promise, event = logged(
        lambda: services.promise_record(
            by=coordinator, city_district=angered, year=2026, goals=["Renare torg"]
        )
    )
    assert event.object_type == "areas.citizenpromise"
    logged(
        lambda: services.measure_add(
            by=coordinator,
            row=row,
            description="Städdag",
            phase=MeasurePhase.PREVENTIVE,
            organisation=police_org,
            responsible=police,
            starts_on=datetime.date(2026, 4, 10),
            serves=list(promise.goals.all()),
            mobilisation=meeting,
        )
    )
    # History keeps the problem's sub-areas and the measure's goals too.
    assert Problem.history.filter(id=problem.pk).latest().sub_areas.count() == 1
    assert Measure.history.filter(mobilisation_id=meeting.pk).latest().serves.count() == 1


def test_a_problem_is_tagged_only_with_its_own_districts_sub_areas(coordinator, picture, ostra):
    with pytest.raises(ApplicationError) as refused:
        services.problem_add(
            by=coordinator,
            picture=picture,
            title="Mopedåkning",
            sub_areas=list(ostra.sub_areas.all()),
        )
    assert refused.value.field == "sub_areas"
    assert not Problem.objects.filter(title="Mopedåkning").exists()


def test_the_responsible_person_must_take_part_in_the_districts_work(
    coordinator, row, worker, police_org
):
    with pytest.raises(ApplicationError) as refused:
        services.measure_add(
            by=coordinator,
            row=row,
            description="Samtal",
            phase=MeasurePhase.REACTIVE,
            organisation=police_org,
            responsible=worker,
            starts_on=datetime.date(2026, 4, 1),
        )
    assert refused.value.field == "responsible"


def test_a_partner_reports_only_their_own_measures(partner, measure):
    with pytest.raises(ApplicationError):
        services.measure_report(
            by=partner, measure=measure, status=MeasureStatus.CARRIED_OUT, carried_out="Gjort"
        )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_the_lessons_of_the_last_round_open_the_next_situation_picture(
    client, coordinator, plan, angered
):
    services.plan_revise(
        by=coordinator, plan=plan, title=plan.title, lessons="Kalla in handlarna tidigt."
    )
    sign_in(client, coordinator)
    page = client.get(reverse("areas:picture-create", kwargs={"pk": angered.pk}))
    assert "Kalla in handlarna tidigt." in page.content.decode()
    response = client.post(
        reverse("areas:picture-create", kwargs={"pk": angered.pk}),
        {"first_month": "2026-07", "last_month": "2026-12"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert swedish("Lessons of the last round") in page and "Kalla in handlarna tidigt." in page


def test_a_contribution_of_the_wrong_kind_is_refused_with_what_was_typed_kept(
    client, coordinator, picture
):
    sign_in(client, coordinator)
    response = client.post(
        reverse("areas:contribution-create", kwargs={"pk": picture.pk}),
        {
            "source": "police",
            "reference": "Polisens data v. 12",
            "summary": "Rån vid hållplatsen.",
            "survey_figures": "40 % otrygga",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert swedish("Survey figures and interviews come from residents and businesses.") in page
    assert "Polisens data v. 12" in page and "Rån vid hållplatsen." in page
    assert picture.contributions.count() == 1


def test_an_agreed_action_of_a_mobilisation_meeting_lands_in_the_plan(
    client, coordinator, row, police, police_org, angered
):
    meeting = services.mobilisation_record(
        by=coordinator,
        city_district=angered,
        held_on=datetime.date(2026, 5, 4),
        place="Rannebergen centrum",
        situation=MobilisationKind.UNREST,
        description="Stök i centrum.",
        organisations=[police_org],
    )
    sign_in(client, coordinator)
    response = client.post(
        reverse("areas:mobilisation-detail", kwargs={"pk": meeting.pk}),
        {
            "row": str(row.pk),
            "description": "Polisens husbil på plats",
            "phase": "1",
            "organisation": str(police_org.pk),
            "responsible": str(police.pk),
            "starts_on": "2026-05-05",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(mobilisation=meeting)
    assert measure.row == row and measure.phase == MeasurePhase.REACTIVE
    plan_page = client.get(reverse("areas:plan-detail", kwargs={"pk": row.plan_id}))
    assert "Polisens husbil på plats" in plan_page.content.decode()
    assert swedish("From a mobilisation meeting") in plan_page.content.decode()


def test_a_promise_goal_served_by_a_measure_cannot_be_removed(coordinator, angered, measure):
    promise = services.promise_record(
        by=coordinator, city_district=angered, year=2026, goals=["Tryggare torg", "Mer närvaro"]
    )
    measure.serves.add(promise.goals.get(text="Mer närvaro"))
    with pytest.raises(ApplicationError):
        services.promise_record(
            by=coordinator, city_district=angered, year=2026, goals=["Tryggare torg"]
        )
    assert promise.goals.count() == 2
    kept = services.promise_record(
        by=coordinator, city_district=angered, year=2026, goals=["Mer närvaro", "Renare"]
    )
    assert list(kept.goals.order_by("position").values_list("text", flat=True)) == [
        "Mer närvaro",
        "Renare",
    ]


def test_the_printable_plan_has_both_tables_and_no_forms(client, police, measure):
    sign_in(client, police)
    response = client.get(reverse("areas:plan-print", kwargs={"pk": measure.row.plan_id}))
    page = response.content.decode()
    assert 'id="action-plan"' in page and 'id="follow-up"' in page
    assert "print.css" in page and 'class="plan-print"' in page
    assert '<form method="post"' not in page.split("<main", 1)[1]
    for column in ("Cause analysis", "Overall effect goal", "Sub-goals", "Proposed measures"):
        assert swedish(column) in page
    assert ActionPlan.objects.get(pk=measure.row.plan_id)  # still there; reading changes nothing
    assert events(measure.row.plan).filter(action="view", detail="print", actor=police).exists()


@pytest.mark.parametrize(
    ("url_name", "object_of"),
    [
        ("areas:district-detail", lambda measure: measure.row.plan.picture.city_district),
        ("areas:picture-detail", lambda measure: measure.row.plan.picture),
        ("areas:plan-detail", lambda measure: measure.row.plan),
        ("areas:row-edit", lambda measure: measure.row),
        ("areas:measure-report", lambda measure: measure),
    ],
)
def test_a_guessed_id_of_another_district_is_logged_as_refused(
    client, other_coordinator, measure, url_name, object_of
):
    target = object_of(measure)
    sign_in(client, other_coordinator)
    response = client.get(reverse(url_name, kwargs={"pk": target.pk}))
    assert response.status_code == 404
    refused = AccessEvent.objects.get(actor=other_coordinator, action="access_denied")
    assert refused.outcome == "denied"
    assert (refused.object_type, refused.object_id) == (target._meta.label_lower, str(target.pk))
