"""Who reaches what in the area work: every URL of areas/urls.py, per user.

The expected answers are literal tables, read from the area-work rules of
docs/design.md and the top of areas/selectors.py; nothing here is computed
from the selectors. A district's coordinator owns its area work; a partner in
one of its bodies and a manager whose unit works in it read it; the partner
responsible for a measure also reports on it; a coordinator of another
district gets 404 (the district must look as if it did not exist); the roles
without area work get 403. Every request is made through the test client,
signed in as the user; a POST carries valid data, and the database is
compared before and after: a refused POST changes nothing, a write changes
what it should and nothing else.
"""

import datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from areas import services
from areas.models import (
    ActionPlan,
    CitizenPromise,
    Contribution,
    Measure,
    MeasurePhase,
    MeasureStatus,
    MobilisationMeeting,
    Organisation,
    OrganisationKind,
    PictureSource,
    PlanRow,
    Problem,
    SituationPicture,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

USERS = (
    "coordinator",
    "other_coordinator",
    "police",
    "partner",
    "manager",
    "worker",
    "sspf_member",
    "auditor",
    "administrator",
)

OK, FORBIDDEN, NOT_FOUND, DONE = "200", "403", "404", "302"
# The roles that have no area work: refused by role, whatever the object.
NO_AREA_ROLE = {name: FORBIDDEN for name in ("worker", "sspf_member", "auditor", "administrator")}

HOME = {
    "coordinator": OK,
    "other_coordinator": OK,  # lists their own district only
    "police": OK,
    "partner": OK,
    "manager": OK,
    **NO_AREA_ROLE,
}
READS = {
    "coordinator": OK,
    "other_coordinator": NOT_FOUND,
    "police": OK,
    "partner": OK,
    "manager": OK,
    **NO_AREA_ROLE,
}
OWNS_FORM = {
    "coordinator": OK,
    "other_coordinator": NOT_FOUND,
    "police": FORBIDDEN,
    "partner": FORBIDDEN,
    "manager": FORBIDDEN,
    **NO_AREA_ROLE,
}
OWNS_WRITE = {**OWNS_FORM, "coordinator": DONE}
REPORTS_FORM = {
    "coordinator": OK,
    "other_coordinator": NOT_FOUND,
    "police": OK,  # responsible for the measure
    "partner": FORBIDDEN,  # same body, another's measure
    "manager": FORBIDDEN,
    **NO_AREA_ROLE,
}
REPORTS_WRITE = {**REPORTS_FORM, "coordinator": DONE, "police": DONE}

# view (" POST": with valid data, else GET) -> (object in the URL, user -> outcome)
VIEWS = {
    "home": (None, HOME),
    "district-detail": ("district", READS),
    "picture-detail": ("picture", READS),
    "plan-detail": ("plan", READS),
    "plan-print": ("plan", READS),
    "mobilisation-detail": ("meeting", READS),
    "picture-create": ("district", OWNS_FORM),
    "picture-create POST": ("district", OWNS_WRITE),
    "contribution-create POST": ("picture", OWNS_WRITE),
    "problem-create POST": ("picture", OWNS_WRITE),
    "plan-create POST": ("bare_picture", OWNS_WRITE),  # a picture without a plan yet
    "plan-edit": ("plan", OWNS_FORM),
    "plan-edit POST": ("plan", OWNS_WRITE),
    "row-create": ("plan", OWNS_FORM),
    "row-create POST": ("plan", OWNS_WRITE),
    "row-edit": ("row", OWNS_FORM),
    "row-edit POST": ("row", OWNS_WRITE),
    "row-follow-up": ("row", OWNS_FORM),
    "row-follow-up POST": ("row", OWNS_WRITE),
    "measure-create": ("plan", OWNS_FORM),
    "measure-create POST": ("plan", OWNS_WRITE),
    "mobilisation-create": ("district", OWNS_FORM),
    "mobilisation-create POST": ("district", OWNS_WRITE),
    "promise-create": ("district", OWNS_FORM),
    "promise-create POST": ("district", OWNS_WRITE),
    "mobilisation-detail POST": ("meeting", OWNS_WRITE),  # an action agreed at the meeting
    "measure-report": ("measure", REPORTS_FORM),
    "measure-report POST": ("measure", REPORTS_WRITE),
}


def _measure_data(work):
    return {
        "row": work.row.pk,
        "description": "Matrisåtgärd: fler vuxna ute",
        "phase": MeasurePhase.PREVENTIVE,
        "organisation": work.organisation.pk,
        "responsible": work.responsible.pk,
        "starts_on": "2026-04-01",
    }


# view -> valid data for the district's work (the same for Angered and Östra).
POSTS = {
    "picture-create": lambda work: {"first_month": "2025-07", "last_month": "2025-12"},
    "contribution-create": lambda work: {
        "source": PictureSource.DISTRICT,
        "reference": "Matrisens rapport",
        "summary": "Otrygghet vid busshållplatsen.",
    },
    "problem-create": lambda work: {
        "title": "Matrisproblem",
        "sub_areas": [area.pk for area in work.district.sub_areas.all()],
    },
    "plan-create": lambda work: {"plan-title": "Matrisplan"},
    "plan-edit": lambda work: {"title": "Matrisplan reviderad", "lessons": "Mer närvaro."},
    "row-create": lambda work: {
        "problem": work.problem.pk,
        "cause_analysis": "Matrisorsak",
        "effect_goal": "Tryggare torg",
        "responsible": "Polisen",
    },
    "row-edit": lambda work: {
        "problem": work.problem.pk,
        "cause_analysis": "Matrisorsak reviderad",
        "effect_goal": work.row.effect_goal,
        "responsible": work.row.responsible,
        "seen_at": PlanRow.objects.get(pk=work.row.pk).changed_at.isoformat(),
    },
    "row-follow-up": lambda work: {"effect": "Handeln minskade."},
    "measure-create": _measure_data,
    "mobilisation-create": lambda work: {
        "held_on": timezone.localdate().isoformat(),
        "place": "Matristorget",
        "situation": "vandalism",
        "description": "Skadegörelse i natt.",
        "organisations": [work.organisation.pk],
    },
    "promise-create": lambda work: {"year": 2027, "goals": "Mindre otrygghet"},
    "mobilisation-detail": _measure_data,
    "measure-report": lambda work: {
        "status": MeasureStatus.CARRIED_OUT,
        "carried_out": "Polisen var på torget varje kväll.",
        "reported_on": timezone.localdate().isoformat(),
    },
}

# view -> (what a write changes, the page it then redirects to)
WRITES = {
    "picture-create": ("pictures", "picture-detail"),
    "contribution-create": ("contributions", "picture-detail"),
    "problem-create": ("problems", "picture-detail"),
    "plan-create": ("plans", "plan-detail"),
    "plan-edit": ("plans", "plan-detail"),
    "row-create": ("rows", "plan-detail"),
    "row-edit": ("rows", "plan-detail"),
    "row-follow-up": ("rows", "plan-detail"),
    "measure-create": ("measures", "plan-detail"),
    "mobilisation-create": ("mobilisations", "mobilisation-detail"),
    "promise-create": ("promises", "district-detail"),
    "mobilisation-detail": ("measures", "mobilisation-detail"),
    "measure-report": ("measures", "plan-detail"),
}
# The writes that add an entry (the others change one).
CREATES = set(WRITES) - {"plan-edit", "row-edit", "row-follow-up", "measure-report"}

# Text of Angered's work (tests/areas/conftest.py and the meeting below): a
# reading page shows it; no refused page does.
ANGERED_SECRETS = (
    "Handlingsplan Angered",
    "Öppen narkotikahandel vid torget",
    "Torget är tomt på kvällen",
    "Mer närvaro av polis på torget",
    "Hjällbo centrum",
)
SHOWS = {
    "district-detail": "Hjällbo centrum",
    "picture-detail": "Öppen narkotikahandel vid torget",
    "plan-detail": "Mer närvaro av polis på torget",
    "plan-print": "Mer närvaro av polis på torget",
    "mobilisation-detail": "Hjällbo centrum",
}
# The city districts each user's home page lists.
HOME_LISTS = {
    "coordinator": {"Angered"},
    "other_coordinator": {"Östra Göteborg"},
    "police": {"Angered"},
    "partner": {"Angered"},
    "manager": {"Angered"},
}
OSTRA_SECRETS = (
    "Östra Göteborg",
    "Handlingsplan Kortedala",
    "Klotter vid Kortedala torg",
    "Belysningen är trasig",
    "Mer belysning vid torget",
    "Kortedala torg",
)

ROWS = [
    pytest.param(view, user, outcome, id=f"{view}|{user}")
    for view, (_, by_user) in VIEWS.items()
    for user, outcome in by_user.items()
]


def test_the_table_covers_every_areas_url_and_user():
    from areas.urls import urlpatterns

    assert {view.removesuffix(" POST") for view in VIEWS} == {p.name for p in urlpatterns}
    assert {view.removesuffix(" POST") for view in VIEWS if view.endswith(" POST")} == set(POSTS)
    assert set(POSTS) == set(WRITES)
    for _, by_user in VIEWS.values():
        assert set(by_user) == set(USERS)


def _meeting(by, city_district, organisation, place):
    return services.mobilisation_record(
        by=by,
        city_district=city_district,
        held_on=datetime.date(2026, 5, 1),
        place=place,
        situation="drugs",
        description="Handel på torget.",
        organisations=[organisation],
    )


def _bare_picture(by, city_district):
    return services.picture_create(
        by=by,
        city_district=city_district,
        first_month=datetime.date(2025, 1, 1),
        last_month=datetime.date(2025, 6, 1),
    )


@pytest.fixture
def users(request):
    return {name: request.getfixturevalue(name) for name in USERS}


@pytest.fixture
def angered_work(users, angered, picture, problem, plan, row, measure, police, police_org):
    coordinator = users["coordinator"]
    return SimpleNamespace(
        district=angered,
        picture=picture,
        bare_picture=_bare_picture(coordinator, angered),
        problem=problem,
        plan=plan,
        row=row,
        measure=measure,
        meeting=_meeting(coordinator, angered, police_org, "Hjällbo centrum"),
        organisation=police_org,
        responsible=police,
    )


@pytest.fixture
def ostra_work(users, ostra):
    """Östra Göteborg's work, made by its own coordinator."""
    by = users["other_coordinator"]
    organisation = Organisation.objects.create(name="Polisen Östra", kind=OrganisationKind.POLICE)
    picture = services.picture_create(
        by=by,
        city_district=ostra,
        first_month=datetime.date(2026, 1, 1),
        last_month=datetime.date(2026, 6, 1),
    )
    services.contribution_add(
        by=by,
        picture=picture,
        source=PictureSource.POLICE,
        reference="Polisens lägesbild Östra",
        summary="Klotter vid Kortedala torg varje helg.",
    )
    problem = services.problem_add(
        by=by, picture=picture, title="Klotter", sub_areas=list(ostra.sub_areas.all())
    )
    plan = services.plan_create(by=by, picture=picture, title="Handlingsplan Kortedala")
    row = services.row_add(
        by=by,
        plan=plan,
        problem=problem,
        cause_analysis="Belysningen är trasig.",
        effect_goal="Inget klotter.",
        sub_goals="",
        responsible="Bostadsbolaget",
    )
    measure = services.measure_add(
        by=by,
        row=row,
        description="Mer belysning vid torget",
        phase=MeasurePhase.PREVENTIVE,
        organisation=organisation,
        responsible=by,
        starts_on=datetime.date(2026, 3, 1),
    )
    return SimpleNamespace(
        district=ostra,
        picture=picture,
        bare_picture=_bare_picture(by, ostra),
        problem=problem,
        plan=plan,
        row=row,
        measure=measure,
        meeting=_meeting(by, ostra, organisation, "Kortedala torg"),
        organisation=organisation,
        responsible=by,
    )


def _state():
    """Everything of the area work a request could change, each entry with
    its city district's name second."""
    pictures = SituationPicture.objects.select_related("city_district")
    plans = ActionPlan.objects.select_related("picture__city_district")
    rows = PlanRow.objects.select_related("plan__picture__city_district")
    measures = Measure.objects.select_related("row__plan__picture__city_district")
    return {
        "pictures": {(p.pk, p.city_district.name, p.first_month, p.last_month) for p in pictures},
        "contributions": {
            (c.pk, c.picture.city_district.name, c.reference, c.summary)
            for c in Contribution.objects.select_related("picture__city_district")
        },
        "problems": {
            (p.pk, p.picture.city_district.name, p.title, tuple(p.sub_areas.all()))
            for p in Problem.objects.select_related("picture__city_district")
        },
        "plans": {(p.pk, p.city_district.name, p.title, p.lessons) for p in plans},
        "rows": {
            (r.pk, r.plan.city_district.name, r.cause_analysis, r.effect_goal, r.effect)
            for r in rows
        },
        "measures": {
            (
                m.pk,
                m.row.plan.city_district.name,
                m.description,
                m.status,
                m.carried_out,
                m.mobilisation_id,
            )
            for m in measures
        },
        "mobilisations": {
            (m.pk, m.city_district.name, m.place)
            for m in MobilisationMeeting.objects.select_related("city_district")
        },
        "promises": {
            (p.pk, p.city_district.name, p.year, tuple(g.text for g in p.goals.all()))
            for p in CitizenPromise.objects.select_related("city_district")
        },
    }


def _request(client, view, work):
    name = view.removesuffix(" POST")
    object_name = VIEWS[view][0]
    kwargs = {} if object_name is None else {"pk": getattr(work, object_name).pk}
    url = reverse(f"areas:{name}", kwargs=kwargs)
    if view.endswith(" POST"):
        return client.post(url, POSTS[name](work))
    return client.get(url)


def _outcome(response):
    if response.status_code != 302:
        return str(response.status_code)
    return f"302 {resolve(urlsplit(response['Location']).path).url_name}"


@pytest.mark.parametrize(("view", "user_name", "expected"), ROWS)
def test_access_matrix(client, users, angered_work, view, user_name, expected):
    name = view.removesuffix(" POST")
    before = _state()
    sign_in(client, users[user_name])
    client.raise_request_exception = False  # a crash is a 500 in the table, not an error

    response = _request(client, view, angered_work)

    if expected == DONE:
        expected = f"302 {WRITES[name][1]}"
    assert _outcome(response) == expected
    content = response.content.decode(errors="replace")
    if expected in (FORBIDDEN, NOT_FOUND):
        for secret in ANGERED_SECRETS:
            assert secret not in content, f"{view} shows {secret!r} to {user_name}"
    if expected == OK and name in SHOWS:
        assert SHOWS[name] in content
    if expected == OK and name == "home":
        for district in ("Angered", "Östra Göteborg"):
            assert (district in content) == (district in HOME_LISTS[user_name]), district

    after = _state()
    changed = {key for key in before if before[key] != after[key]}
    if not expected.startswith(DONE):
        assert not changed, f"{view} by {user_name} changed {changed}, answering {expected}"
        return
    key = WRITES[name][0]
    assert changed == {key}
    new, gone = after[key] - before[key], before[key] - after[key]
    assert {entry[1] for entry in new} == {"Angered"}
    assert len(new) == 1
    assert len(gone) == (0 if name in CREATES else 1)
    if name == "measure-report":
        reported = Measure.objects.get(pk=angered_work.measure.pk)
        assert reported.status == MeasureStatus.CARRIED_OUT
        assert reported.reported_by == users[user_name]
    if name == "mobilisation-detail":
        assert new.pop()[-1] == angered_work.meeting.pk


# Guessed ids: objects of Östra Göteborg asked for by those who reach Angered.
GUESSERS = ("coordinator", "police", "manager")
GUESS_ROWS = [
    pytest.param(view, user, id=f"{view}|{user}")
    for view, (object_name, _) in VIEWS.items()
    if object_name is not None
    for user in GUESSERS
]


@pytest.mark.parametrize(("view", "user_name"), GUESS_ROWS)
def test_another_districts_objects_are_not_found(
    client, users, angered_work, ostra_work, view, user_name
):
    before = _state()
    sign_in(client, users[user_name])
    client.raise_request_exception = False

    response = _request(client, view, ostra_work)

    assert response.status_code == 404
    content = response.content.decode(errors="replace")
    for secret in OSTRA_SECRETS:
        assert secret not in content, f"{view} shows {secret!r} to {user_name}"
    assert _state() == before


def test_the_other_coordinators_own_work_is_theirs(client, users, ostra_work):
    """The 404s above are about the district, not about the data: Östra's own
    coordinator reaches and writes the same objects."""
    sign_in(client, users["other_coordinator"])
    response = client.get(reverse("areas:plan-detail", kwargs={"pk": ostra_work.plan.pk}))
    assert response.status_code == 200
    assert "Mer belysning vid torget" in response.content.decode()
    response = _request(client, "measure-report POST", ostra_work)
    assert _outcome(response) == "302 plan-detail"
    assert Measure.objects.get(pk=ostra_work.measure.pk).status == MeasureStatus.CARRIED_OUT
