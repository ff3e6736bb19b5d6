"""The programme's summary: right against a hand-built year, counted without
touching an encrypted column or an identifier, and for unit managers only."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from avhopp import summary
from avhopp.models import ExitCase, Measurement
from casework.summaries.disclosure import month_range, view_blocks
from tests.conftest import sign_in
from tests.factories import DistrictFactory, PersonFactory, UserFactory
from vault.models import DataKey

pytestmark = pytest.mark.django_db

YEAR = 2025
STOCKHOLM_NOON = datetime.time(12, 0)


def case(worker, district, *, month, source="police", state="completed", track="exit"):
    made = ExitCase(
        data_key=DataKey.create(DataKey.Purpose.CASE),
        person=PersonFactory(),
        unit=worker.unit,
        assigned_to=worker,
        track=track,
        referral_source=source,
        district=district,
        inquiry_at=timezone.make_aware(
            datetime.datetime.combine(datetime.date(YEAR, month, 10), STOCKHOLM_NOON)
        ),
        state=state,
        created_by=worker,
    )
    made.save()
    return made


def measurement(worker, made, occasion, *, month, drug, crime, occupation, positive=None):
    row = Measurement(
        case=made,
        data_key_id=made.data_key_id,
        occasion=occasion,
        measured_on=datetime.date(YEAR, month, 20),
        occupation=occupation,
        drug_use=drug,
        criminality=crime,
        housing="own",
        network_contact="none",
        positive_development=positive,
        created_by=worker,
    )
    row.save()


@pytest.fixture
def year_of_39(worker, unit):
    """39 cases in YEAR, 30 measured at closure: 17 with a positive development
    (by hand: 17 / 30 = 56.7 %, shown as 57 %), 20 with ceased or reduced drug
    use, 12 in employment."""
    district = DistrictFactory(name="Hjällbo")
    unit.districts.add(district)
    made = [case(worker, district, month=1 + n % 12) for n in range(39)]
    for n, row in enumerate(made[:30]):
        measurement(
            worker, row, "baseline", month=1, drug="regular", crime="regular", occupation="none"
        )
        measurement(
            worker,
            row,
            "closure",
            month=12,
            drug="occasional" if n < 20 else "regular",
            crime="none" if n < 17 else "regular",
            occupation="full_time_job" if n < 12 else "none",
            positive=n < 17,
        )
    return district


def year_view(section, leaves):
    return section.view(
        view_blocks(
            month_range(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 1)), set(leaves)
        )
    )


def test_the_year_reads_as_counted_by_hand(year_of_39):
    leaves = summary.leaves()
    cases = year_view(summary.case_section(track="exit"), leaves)
    assert cases.shown and cases.total.value == 39
    assert cases.tables["referral_source"]["police"].value == 39
    outcomes = year_view(summary.outcome_section(track="exit", occasion="closure"), leaves)
    assert outcomes.total.value == 30
    development = outcomes.tables["development"]
    assert development["positive"].value == 17
    assert development["drug_use_better"].value == 20
    assert development["criminality_better"].value == 17
    assert outcomes.tables["occupation"]["employed"].value == 12
    assert round(outcomes.share("development", "positive") * 100) == 57


def test_the_tracks_are_counted_apart(year_of_39):
    prevention = year_view(summary.case_section(track="prevention"), summary.leaves())
    assert prevention.total.value == 0


def test_no_query_touches_an_encrypted_column_or_an_identifier(year_of_39):
    encrypted = {
        field.column
        for model in (ExitCase, Measurement)
        for field in model._meta.concrete_fields
        if field.__class__.__name__.startswith("Encrypted")
    }
    with CaptureQueriesContext(connection) as captured:
        summary.case_section(track="exit")
        summary.outcome_section(track="exit", occasion="closure")
    sql = " ".join(query["sql"] for query in captured).lower()
    assert captured.captured_queries
    for column in encrypted | {"person_id", "data_key_id", "assigned_to_id"}:
        assert not re.search(rf"\b{column}\b", sql), column
    selected = [
        query["sql"].lower().split(" from ")[0]
        for query in captured
        if query["sql"].lower().startswith("select")
    ]
    for select in selected:
        for table in ("avhopp_exitcase", "avhopp_measurement", "avhopp_casetargetgroup"):
            assert f'"{table}"."id"' not in select


def test_only_unit_managers_reach_the_summary(client, year_of_39, worker, manager, auditor):
    url = reverse("avhopp:summary")
    member = UserFactory(username="sspfmember", role=Role.SSPF_MEMBER)
    administrator = UserFactory(username="admin2", role=Role.ADMINISTRATOR, is_staff=True)
    expected = {worker: 403, auditor: 403, administrator: 403, member: 404, manager: 200}
    for user, status in expected.items():
        sign_in(client, user)
        assert client.get(url, {"period": str(YEAR)}).status_code == status
    sign_in(client, manager)
    page = client.get(url, {"period": str(YEAR)}).content.decode()
    assert re.search(r"\b39\b", page) and "57 %" in page
    # No way from the summary to a person or a case.
    assert "/persons/" not in page and "/avhopp/" + "0" not in page
    for made in ExitCase.objects.all():
        assert str(made.pk) not in page
    assert AccessEvent.objects.filter(actor=manager, object_type="avhopp.summary").exists()


def test_the_csv_export_is_what_the_page_shows(client, year_of_39, manager):
    sign_in(client, manager)
    response = client.get(reverse("avhopp:summary"), {"period": f"{YEAR}-03"})
    assert response.status_code == 200
    export = client.get(reverse("avhopp:summary"), {"period": str(YEAR), "format": "csv"})
    assert export["Content-Type"] == "text/csv"
    text = export.content.decode("utf-8-sig")
    assert ";17;57 %" in text
    assert AccessEvent.objects.filter(
        actor=manager, object_type="avhopp.summary", detail__startswith="csv:"
    ).exists()


def test_a_month_with_few_cases_is_not_shown(client, year_of_39, manager):
    sign_in(client, manager)
    page = client.get(reverse("avhopp:summary"), {"period": f"{YEAR}-03"}).content.decode()
    # Three or four cases a month: the month alone cannot be shown.
    assert not re.search(r"<td>[1-4]</td>", page)


def test_a_bad_filter_comes_back_with_a_message_not_a_500(client, manager):
    sign_in(client, manager)
    response = client.get(
        reverse("avhopp:summary"),
        {"period": "range", "first_month": "2026-05", "last_month": "2026-01"},
    )
    assert response.status_code == 200
    assert client.get(reverse("avhopp:summary"), {"period": "junk"}).status_code == 200


def test_the_year_report_says_it_in_words(client, year_of_39, manager, worker):
    from tests.conftest import swedish

    sign_in(client, worker)
    assert client.get(reverse("avhopp:year-report")).status_code == 403
    sign_in(client, manager)
    response = client.get(reverse("avhopp:year-report"), {"year": str(YEAR)})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        swedish("In %(year)s the exit programme took in %(count)s new cases.", year=YEAR, count=39)
        in page
    )
    assert "57 %" in page
    assert "<svg" in page and 'role="img"' in page
    assert AccessEvent.objects.filter(actor=manager, detail=f"year:{YEAR}").exists()
