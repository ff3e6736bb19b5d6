"""Demo area work for Angered: its sub-areas, bodies and partners, a situation
picture merged into problems, a joint action plan with the social unrest in
Rannebergen centrum followed up, a mobilisation meeting and the citizen
promise. Östra Göteborg has its own coordinator and nothing else, to show
that one district's coordinator does not reach another's plans.

Idempotent: a second run finds the picture it made and adds nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import DemoUser, demo_user_seed
from accounts.models import District
from accounts.roles import Role
from areas import services
from areas.models import (
    Body,
    BodyKind,
    BodyMembership,
    CityDistrict,
    MeasurePhase,
    MeasureStatus,
    MobilisationKind,
    Organisation,
    OrganisationKind,
    PictureSource,
    SubArea,
)

CITY_DISTRICTS = {
    "Angered": [
        "Hjällbo",
        "Hammarkullen",
        "Gårdsten",
        "Lövgärdet",
        "Rannebergen",
        "Angered centrum",
        "Eriksbo",
        "Linnarhult",
    ],
    "Östra Göteborg": ["Bergsjön", "Kortedala"],
}
ORGANISATIONS = [
    ("Polisen lokalpolisområde Angered", OrganisationKind.POLICE),
    ("Stadsområde Nordost", OrganisationKind.DISTRICT),
    ("Socialtjänsten Nordost", OrganisationKind.SOCIAL_SERVICES),
    ("Fritid Angered", OrganisationKind.LEISURE),
    ("Grundskolan Angered", OrganisationKind.SCHOOL),
    ("Bostadsbolaget", OrganisationKind.HOUSING),
    ("Handlarna i Rannebergen centrum", OrganisationKind.BUSINESS),
    ("Rannebergens hyresgästförening", OrganisationKind.RESIDENTS),
    ("Föreningar i Angered", OrganisationKind.CIVIL_SOCIETY),
    ("Väktarbolaget", OrganisationKind.OTHER),
]
COORDINATOR = DemoUser("trygghetssamordnare", "Lena", "Berg", Role.SAFETY_COORDINATOR)
OTHER_COORDINATOR = DemoUser("trygghetssamordnare2", "Nils", "Öberg", Role.SAFETY_COORDINATOR)
POLICE = DemoUser("lokalpolis", "Johan", "Nilsson", Role.AREA_PARTNER)
HOUSING = DemoUser("bostadsbolag", "Amina", "Yusuf", Role.AREA_PARTNER)

CONTRIBUTIONS = [
    (
        PictureSource.POLICE,
        "Polisens lägesbild, lokalpolisområde Angered",
        "Öppen narkotikahandel vid torgen i Hjällbo och Hammarkullen. Kriminella grupper "
        "styr genom våld och hot. Störande mopedåkning på gång- och cykelvägar.",
        "",
        "",
    ),
    (
        PictureSource.DISTRICT,
        "Stadsområdets egen lägesbild (fältarbetare, fritid, skola)",
        "Nedskräpning i Hjällbo, Hammarkullen, Gårdsten och Lövgärdet. Oro i Rannebergen "
        "centrum på kvällarna; unga samlas och affärer stänger tidigt.",
        "",
        "",
    ),
    (
        PictureSource.RESIDENTS,
        "Trygghetsundersökningen och intervjuer med boende och näringsidkare",
        "Boende upplever otrygghet vid torgen efter mörkrets inbrott.",
        "42 % känner sig otrygga ute sent på kvällen i Hammarkullen.\n"
        "61 % ser nedskräpning som ett stort problem.",
        "Handlare i Rannebergen centrum berättar om stök och skadegörelse på kvällarna.",
    ),
]
PROBLEMS = [
    ("Nedskräpning", ["Hjällbo", "Hammarkullen", "Gårdsten", "Lövgärdet"]),
    ("Öppen narkotikahandel", ["Hjällbo", "Hammarkullen"]),
    ("Störande mopedåkning", ["Gårdsten", "Rannebergen"]),
    ("Kriminella grupper som styr genom våld", ["Hjällbo"]),
    ("Social oro i Rannebergen centrum", ["Rannebergen"]),
]
UNREST_MEASURES = [
    (MeasurePhase.REACTIVE, "Mer närvaro av polis och stadens personal", 0, POLICE),
    (MeasurePhase.REACTIVE, "Polisens husbil på plats i centrum", 0, POLICE),
    (MeasurePhase.REACTIVE, "Orossamtal med unga och föräldrar", 2, COORDINATOR),
    (MeasurePhase.REACTIVE, "Väktare på kvällstid", 9, HOUSING),
    (MeasurePhase.PREVENTIVE, "Fritidsplanering för unga i centrum", 3, COORDINATOR),
    (MeasurePhase.PREVENTIVE, "Brev till de boende", 5, HOUSING),
    (MeasurePhase.PREVENTIVE, "Rutiner mot klotter", 5, HOUSING),
    (MeasurePhase.PREVENTIVE, "Affärerna hålls öppna på kvällen", 6, COORDINATOR),
    (MeasurePhase.PREVENTIVE, "Situationell prevention: belysning och buskage", 1, COORDINATOR),
]
PROMISE_GOALS = [
    "Mindre otrygghet i Hammarkullen",
    "En polis som upplevs mer närvarande",
    "Mer förtroende för polis, stadsdel och bostadsbolag",
]


def _structure():
    for name, kind in ORGANISATIONS:
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    for name, areas in CITY_DISTRICTS.items():
        city_district, _created = CityDistrict.objects.get_or_create(name=name)
        for area in areas:
            district, _created = District.objects.get_or_create(name=area)
            SubArea.objects.get_or_create(
                district=district, defaults={"city_district": city_district}
            )


def _member(body, user, organisation_name):
    BodyMembership.objects.get_or_create(
        body=body,
        user=user,
        defaults={"organisation": Organisation.objects.get(name=organisation_name)},
    )


def _bodies(angered, coordinator, police, housing):
    def body(kind, name, sub_area=None):
        found, _created = Body.objects.get_or_create(
            city_district=angered, name=name, defaults={"kind": kind, "sub_area": sub_area}
        )
        return found

    management = body(BodyKind.MANAGEMENT_GROUP, "Ledningsgrupp Angered")
    council = body(BodyKind.SAFETY_COUNCIL, "Trygghetsråd Angered")
    preparation = body(BodyKind.PREPARATION_GROUP, "Beredningsgrupp Angered")
    for area in ("Hjällbo", "Rannebergen"):
        body(
            BodyKind.LOCAL_SAFETY_GROUP,
            f"Trygghetsgrupp {area}",
            SubArea.objects.get(district__name=area),
        )
    for each in (management, council, preparation):
        _member(each, coordinator, "Stadsområde Nordost")
        _member(each, police, "Polisen lokalpolisområde Angered")
    _member(council, housing, "Bostadsbolaget")
    _member(Body.objects.get(name="Trygghetsgrupp Rannebergen"), housing, "Bostadsbolaget")


def _plan(angered, users):
    by = users[COORDINATOR.username]
    today = timezone.localdate()
    first = datetime.date(today.year, 1, 1)
    picture = services.picture_create(
        by=by, city_district=angered, first_month=first, last_month=today.replace(day=1)
    )
    for source, reference, summary, figures, notes in CONTRIBUTIONS:
        services.contribution_add(
            by=by,
            picture=picture,
            source=source,
            reference=reference,
            summary=summary,
            survey_figures=figures,
            interview_notes=notes,
        )
    problems = {
        title: services.problem_add(
            by=by,
            picture=picture,
            title=title,
            sub_areas=list(SubArea.objects.filter(district__name__in=areas)),
        )
        for title, areas in PROBLEMS
    }
    plan = services.plan_create(
        by=by, picture=picture, title=f"Gemensam handlingsplan Angered {today.year}"
    )
    promise = services.promise_record(
        by=by, city_district=angered, year=today.year, goals=PROMISE_GOALS
    )
    goals = list(promise.goals.order_by("position"))
    unrest = services.row_add(
        by=by,
        plan=plan,
        problem=problems["Social oro i Rannebergen centrum"],
        cause_analysis="Unga saknar mötesplatser på kvällen; affärerna stänger tidigt och "
        "centrum blir tomt; en grupp äldre unga drar till sig yngre.",
        effect_goal="Rannebergen centrum är tryggt att vistas i på kvällen.",
        sub_goals="Oron upphör inom en månad.\nFler vuxna i centrum på kvällarna.",
        responsible="Polisen, stadsområdet, bostadsbolaget",
    )
    # Long enough ago that the unrest's two weeks are over and followed up.
    started = today - datetime.timedelta(days=75)
    meeting = services.mobilisation_record(
        by=by,
        city_district=angered,
        sub_area=SubArea.objects.get(district__name="Rannebergen"),
        held_on=started,
        place="Rannebergen centrum, föreningslokalen",
        situation=MobilisationKind.UNREST,
        description="Stök, skadegörelse och hot mot handlare i centrum under två veckor.",
        organisations=list(
            Organisation.objects.filter(
                name__in=[
                    "Polisen lokalpolisområde Angered",
                    "Stadsområde Nordost",
                    "Bostadsbolaget",
                    "Handlarna i Rannebergen centrum",
                    "Rannebergens hyresgästförening",
                    "Föreningar i Angered",
                ]
            )
        ),
    )
    organisations = {
        POLICE.username: "Polisen lokalpolisområde Angered",
        HOUSING.username: "Bostadsbolaget",
        COORDINATOR.username: "Stadsområde Nordost",
    }
    for phase, description, offset, spec in UNREST_MEASURES:
        responsible = users[spec.username]
        measure = services.measure_add(
            by=by,
            row=unrest,
            description=description,
            phase=phase,
            organisation=Organisation.objects.get(name=organisations[spec.username]),
            responsible=responsible,
            starts_on=started + datetime.timedelta(days=offset),
            ends_on=started + datetime.timedelta(days=14 + offset),
            serves=[goals[1]] if spec is POLICE else [],
            mobilisation=meeting,
        )
        services.measure_report(
            by=responsible,
            measure=measure,
            status=MeasureStatus.CARRIED_OUT,
            carried_out=description,
            on=started + datetime.timedelta(days=14 + offset),
        )
    services.row_follow_up(
        by=by, row=unrest, effect="Oron upphörde efter två veckors arbete i fas 1 och 2."
    )
    litter = services.row_add(
        by=by,
        plan=plan,
        problem=problems["Nedskräpning"],
        cause_analysis="För få papperskorgar och sen tömning; ingen känner ansvar för ytorna.",
        effect_goal="Rena och välskötta utemiljöer.",
        sub_goals="Nedskräpningen halveras enligt trygghetsundersökningen.",
        responsible="Stadsområdet, bostadsbolaget",
    )
    services.measure_add(
        by=by,
        row=litter,
        description="Städdagar med skolor och föreningar",
        phase=MeasurePhase.PREVENTIVE,
        organisation=Organisation.objects.get(name="Bostadsbolaget"),
        responsible=users[HOUSING.username],
        starts_on=today,
        serves=[goals[0]],
    )
    services.measure_add(
        by=by,
        row=litter,
        description="Fler papperskorgar och tätare tömning vid torgen",
        phase=MeasurePhase.REACTIVE,
        organisation=Organisation.objects.get(name="Stadsområde Nordost"),
        responsible=users[COORDINATOR.username],
        starts_on=today,
    )
    services.plan_revise(
        by=by,
        plan=plan,
        title=plan.title,
        lessons="Snabb mobilisering med handlarna gjorde skillnad: "
        "kalla in dem tidigt nästa gång.",
    )


@transaction.atomic
def demo_area_work_seed(stdout=None):
    """Angered's area work; returns the coordinators and partners, to print how they sign in."""
    _structure()
    seeded = [demo_user_seed(spec) for spec in (COORDINATOR, OTHER_COORDINATOR, POLICE, HOUSING)]
    users = {item.user.username: item.user for item in seeded}
    angered = CityDistrict.objects.get(name="Angered")
    angered.coordinators.add(users[COORDINATOR.username])
    CityDistrict.objects.get(name="Östra Göteborg").coordinators.add(
        users[OTHER_COORDINATOR.username]
    )
    _bodies(angered, *(users[spec.username] for spec in (COORDINATOR, POLICE, HOUSING)))
    if not angered.situation_pictures.exists():
        _plan(angered, users)
    return seeded
