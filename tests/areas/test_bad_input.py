"""Junk in any field of any area-work form is answered with the form again
and a message, never a server error; only what is valid is written."""

import pytest
from django.urls import reverse

from areas import forms as area_forms
from areas.models import Measure, MobilisationMeeting, PlanRow, Problem, SituationPicture
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

JUNK = ["", "x", "2026-13", "9999-99-99", "-1", "0" * 400, "<script>", "ü" * 20000]


def form_posts(angered, picture, plan, row, measure, meeting):
    """(url, form class) of every form the coordinator posts."""
    return [
        (reverse("areas:picture-create", kwargs={"pk": angered.pk}), area_forms.PictureForm),
        (
            reverse("areas:mobilisation-create", kwargs={"pk": angered.pk}),
            area_forms.MobilisationForm,
        ),
        (reverse("areas:promise-create", kwargs={"pk": angered.pk}), area_forms.PromiseForm),
        (
            reverse("areas:contribution-create", kwargs={"pk": picture.pk}),
            area_forms.ContributionForm,
        ),
        (reverse("areas:problem-create", kwargs={"pk": picture.pk}), area_forms.ProblemForm),
        (reverse("areas:plan-edit", kwargs={"pk": plan.pk}), area_forms.PlanReviseForm),
        (reverse("areas:row-create", kwargs={"pk": plan.pk}), area_forms.RowForm),
        (reverse("areas:measure-create", kwargs={"pk": plan.pk}), area_forms.MeasureForm),
        (reverse("areas:row-edit", kwargs={"pk": row.pk}), area_forms.RowForm),
        (reverse("areas:row-follow-up", kwargs={"pk": row.pk}), area_forms.FollowUpForm),
        (reverse("areas:measure-report", kwargs={"pk": measure.pk}), area_forms.MeasureReportForm),
        (reverse("areas:mobilisation-detail", kwargs={"pk": meeting.pk}), area_forms.MeasureForm),
    ]


@pytest.fixture
def meeting(coordinator, angered, police_org):
    import datetime

    from areas import services

    return services.mobilisation_record(
        by=coordinator,
        city_district=angered,
        held_on=datetime.date(2026, 5, 1),
        place="Torget",
        situation="drugs",
        description="Handel.",
        organisations=[police_org],
    )


def counts():
    return [
        model.objects.count()
        for model in (SituationPicture, MobilisationMeeting, Problem, PlanRow, Measure)
    ]


def test_junk_in_every_field_gets_the_form_again(
    client, coordinator, angered, picture, plan, row, measure, meeting
):
    sign_in(client, coordinator)
    for url, form_class in form_posts(angered, picture, plan, row, measure, meeting):
        for name in form_class.base_fields:
            for junk in JUNK:
                response = client.post(url, {name: junk, "plan-title": junk})
                if response.status_code == 302:
                    continue  # a short title alone is a valid problem
                assert response.status_code in (400, 409), (url, name, junk[:10])
                assert "form-errors" in response.content.decode() or "field-error" in (
                    response.content.decode()
                ), (url, name)
    # Nothing but problems (a title is all a problem needs) was written.
    pictures, meetings, _problems, rows, measures = counts()
    assert (pictures, meetings, rows, measures) == (1, 1, 1, 1)
    # The pages read junk in their query strings too.
    for query in ({"first_month": "x"}, {"first_month": "2026-05", "last_month": "2025-01"}):
        response = client.get(reverse("areas:district-detail", kwargs={"pk": angered.pk}), query)
        assert response.status_code == 200
