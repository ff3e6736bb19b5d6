import pytest
from django.urls import reverse

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_pages_render(client, coordinator, measure, angered):
    sign_in(client, coordinator)
    plan = measure.row.plan
    for url in [
        reverse("areas:home"),
        reverse("areas:district-detail", kwargs={"pk": angered.pk}),
        reverse("areas:picture-detail", kwargs={"pk": plan.picture.pk}),
        reverse("areas:plan-detail", kwargs={"pk": plan.pk}),
        reverse("areas:plan-print", kwargs={"pk": plan.pk}),
        reverse("areas:plan-edit", kwargs={"pk": plan.pk}),
        reverse("areas:row-create", kwargs={"pk": plan.pk}),
        reverse("areas:measure-create", kwargs={"pk": plan.pk}),
        reverse("areas:row-edit", kwargs={"pk": measure.row.pk}),
        reverse("areas:row-follow-up", kwargs={"pk": measure.row.pk}),
        reverse("areas:measure-report", kwargs={"pk": measure.pk}),
        reverse("areas:picture-create", kwargs={"pk": angered.pk}),
        reverse("areas:mobilisation-create", kwargs={"pk": angered.pk}),
        reverse("areas:promise-create", kwargs={"pk": angered.pk}),
        reverse("accounts:start"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
