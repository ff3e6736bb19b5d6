"""Demo exit and prevention cases for `make demo`: one in every state, with
intake assessments, plans, baselines and closure measurements, and one
protected case that only its worker (socialsekreterare) and the unit manager reach.

The persons are fictional adults registered here. Idempotent: a person who
already has an exit case gets no other.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import District
from avhopp.models import ExitCase
from avhopp.services import (
    exit_case_record_intake,
    exit_case_registration,
    exit_case_take_step,
    intervention_add,
    measurement_record,
    plan_goal_add,
)
from casework.journal.services import contact_record_with_note
from casework.persons.demo import identity_number
from casework.persons.selectors import person_find_by_identity_number

# Where a person stands: occupation, drug use, criminality, housing, network contact.
STARTING_OUT = ("none", "regular", "regular", "temporary", "regular")
BETTER = ("part_time_job", "occasional", "none", "with_family", "occasional")
MUCH_BETTER = ("full_time_job", "none", "none", "own", "none")
# AUDIT item answers (option indexes) at intake and at closure.
AUDIT_AT_INTAKE = [3, 2, 2, 1, 1, 0, 1, 0, 2, 1]
AUDIT_AT_CLOSURE = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
DUDIT_AT_INTAKE = [3, 2, 1, 1, 2, 0, 1, 0, 1, 0, 1]


@dataclass(frozen=True)
class DemoExitCase:
    given_names: str
    family_name: str
    born: datetime.date
    serial: int
    district: str
    track: str
    source: str
    groups: tuple
    # (step, days ago, answers) in order; measurements are recorded where the path needs them.
    path: tuple
    days_ago: int
    inquiry_note: str
    motivation: str = ""
    threat_assessment: str = ""
    decision_text: str = ""
    goals: tuple = ()
    partner: str = ""
    exception: str = ""
    protected: bool = False
    outreach_note: str = ""
    worker: str = "socialsekreterare"
    later: tuple = field(default=BETTER)


DEMO_EXIT_CASES = [
    DemoExitCase(
        "Kevin",
        "Lindqvist",
        datetime.date(2001, 3, 9),
        611,
        "Hjällbo",
        "exit",
        "probation",
        (),
        (),
        days_ago=2,
        inquiry_note="Frivården hör av sig: vill lämna nätverket efter frigivning i maj.",
    ),
    DemoExitCase(
        "Dalia",
        "Haddad",
        datetime.date(2003, 11, 21),
        622,
        "Hammarkullen",
        "exit",
        "self",
        ("girls_in_gangs", "age_18_25"),
        (("start_intake", 6, {}),),
        days_ago=8,
        inquiry_note="Ringde själv. Pojkvännen är aktiv i gruppen i området.",
        motivation="Vill flytta till sin moster och börja plugga igen.",
        threat_assessment="Hot från pojkvännens kretsar; ingen akut fara enligt polisen.",
    ),
    DemoExitCase(
        "Marcus",
        "Öberg",
        datetime.date(1996, 6, 2),
        633,
        "Hjällbo",
        "exit",
        "police",
        ("criminal_lifestyle", "territorial_gang"),
        (
            ("start_intake", 80, {}),
            ("activate", 70, {"decision_text": "Motiverad, stöd från familjen."}),
        ),
        days_ago=90,
        inquiry_note="Polisens avhopparverksamhet förmedlar kontakt efter gripande.",
        motivation="Har en dotter och vill inte tillbaka till kriminaliteten.",
        threat_assessment="Skulder till gruppen; risk för repressalier.",
        decision_text="Motiverad, stöd från familjen.",
        goals=("Ett eget förstahandskontrakt inom ett år.", "Skulderna reglerade."),
        partner="Kriminalvården, frivården Angered",
    ),
    DemoExitCase(
        "Jonatan",
        "Pettersson",
        datetime.date(1999, 1, 15),
        644,
        "Hjällbo",
        "exit",
        "social_services",
        ("criminal_lifestyle",),
        (
            ("start_intake", 150, {}),
            ("activate", 140, {"decision_text": "Tas in efter samråd i teamet."}),
            ("pause", 20, {"pause_reason": "custody"}),
        ),
        days_ago=160,
        inquiry_note="Remiss från socialtjänstens vuxenenhet.",
        motivation="Trött på livet i gruppen.",
        decision_text="Tas in efter samråd i teamet.",
    ),
    DemoExitCase(
        "Sanna",
        "Berglund",
        datetime.date(2000, 8, 30),
        655,
        "Hammarkullen",
        "exit",
        "family",
        ("girls_in_gangs",),
        (
            ("start_intake", 420, {}),
            ("activate", 410, {"decision_text": "Tydlig vilja att lämna."}),
            ("complete", 200, {}),
        ),
        days_ago=430,
        inquiry_note="Mamman hörde av sig efter en skottlossning i trappuppgången.",
        motivation="Vill bort från området och börja arbeta.",
        decision_text="Tydlig vilja att lämna.",
        goals=("Arbete på heltid.",),
        later=MUCH_BETTER,
    ),
    DemoExitCase(
        "Robin",
        "Nyström",
        datetime.date(1997, 4, 4),
        666,
        "Hjällbo",
        "exit",
        "probation",
        ("violent_extremism",),
        (
            ("start_intake", 560, {}),
            (
                "activate",
                550,
                {"decision_text": "Vill lämna rörelsen; stöd från Exit-verksamheten."},
            ),
            ("complete", 300, {}),
            ("start_follow_up", 100, {}),
        ),
        days_ago=570,
        inquiry_note="Kriminalvården förmedlar kontakt inför frigivning.",
        motivation="Har brutit med rörelsen och vill ha ett vanligt liv.",
        decision_text="Vill lämna rörelsen; stöd från Exit-verksamheten.",
    ),
    DemoExitCase(
        "Elias",
        "Sandberg",
        datetime.date(1995, 12, 12),
        677,
        "Hjällbo",
        "exit",
        "police",
        ("criminal_lifestyle", "territorial_gang"),
        (
            ("start_intake", 900, {}),
            ("activate", 890, {"decision_text": "Tas in."}),
            ("complete", 500, {}),
            ("start_follow_up", 300, {}),
            ("close", 5, {"close_reason": "follow_up_done"}),
        ),
        days_ago=910,
        inquiry_note="Polisen förmedlar kontakt.",
        decision_text="Tas in.",
        later=MUCH_BETTER,
    ),
    DemoExitCase(
        "Adam",
        "Mohammed",
        datetime.date(2002, 2, 17),
        688,
        "Hammarkullen",
        "exit",
        "school",
        ("territorial_gang",),
        (("start_intake", 40, {}), ("decline", 30, {"decline_reason": "not_motivated"})),
        days_ago=45,
        inquiry_note="Komvux-läraren är orolig.",
        motivation="Säger själv att han inte vill lämna just nu.",
    ),
    DemoExitCase(
        "Tobias",
        "Ek",
        datetime.date(1998, 7, 7),
        699,
        "Hjällbo",
        "exit",
        "self",
        ("criminal_lifestyle",),
        (
            ("start_intake", 200, {}),
            ("activate", 190, {"decision_text": "Tas in på prov."}),
            ("drop_out", 60, {"dropout_reason": "returned_to_network"}),
        ),
        days_ago=210,
        inquiry_note="Kom till mottagningen själv.",
        decision_text="Tas in på prov.",
    ),
    DemoExitCase(
        "Liam",
        "Rosén",
        datetime.date(1994, 10, 3),
        702,
        "Hjällbo",
        "exit",
        "police",
        ("criminal_lifestyle", "age_18_25"),
        (("start_intake", 50, {}), ("activate", 45, {"decision_text": "Skyddat ärende."})),
        days_ago=55,
        inquiry_note="Vittne i rättegång; polisen begär skyddat ärende.",
        motivation="Vill vittna och sedan lämna staden.",
        threat_assessment="Konkret hot mot livet; skyddat boende ordnat.",
        decision_text="Skyddat ärende.",
        exception="Stor påverkan på lokalsamhället: central person i nätverket.",
        protected=True,
        goals=("Ny ort och nytt arbete.",),
        partner="Polisens personsäkerhetsgrupp",
    ),
    DemoExitCase(
        "Hampus",
        "Larsson",
        datetime.date(2010, 5, 19),
        713,
        "Hammarkullen",
        "prevention",
        "school",
        ("recruitment_exposed",),
        (("start_intake", 30, {}), ("activate", 25, {"decision_text": "Uppsökande stöd."})),
        days_ago=35,
        inquiry_note="Skolan har sett äldre killar rekrytera vid fritidsgården.",
        motivation="Vill spela fotboll, inte springa ärenden.",
        decision_text="Uppsökande stöd.",
        outreach_note="Träffade Hampus och två kompisar vid torget; pratade om fotbollsträningen.",
    ),
]


@transaction.atomic
def demo_exit_cases_seed(stdout=None):
    created = sum(_demo_case_seed(spec) for spec in DEMO_EXIT_CASES)
    if stdout is not None:
        stdout.write(f"Demo exit cases: {created} created.")


def _levels(values):
    names = ("occupation", "drug_use", "criminality", "housing", "network_contact")
    return dict(zip(names, values, strict=True))


def _demo_case_seed(spec):
    users = get_user_model().objects
    worker = users.get(username=spec.worker)
    number = identity_number(spec.born, spec.serial)
    person = person_find_by_identity_number(number)
    if person is not None and ExitCase.objects.filter(person=person).exists():
        return 0
    now = timezone.now()
    case = exit_case_registration(
        by=worker,
        request=None,
        identity_number=number,
        given_names=spec.given_names,
        family_name=spec.family_name,
        track=spec.track,
        referral_source=spec.source,
        inquiry_at=now - datetime.timedelta(days=spec.days_ago),
        inquiry_note=spec.inquiry_note,
        protected=spec.protected,
        district=District.objects.get(name=spec.district),
    )
    for step, days_ago, answers in spec.path:
        at = now - datetime.timedelta(days=days_ago)
        if step == "activate":
            _intake(case, spec, worker, on=at.date())
        if step == "complete":
            _measure(case, worker, "closure", at.date(), spec.later, AUDIT_AT_CLOSURE)
        if step == "start_follow_up":
            _measure(case, worker, "follow_up_6", at.date(), spec.later)
        if step == "close":
            _measure(case, worker, "follow_up_12", at.date(), spec.later)
        if step == "decline":
            _intake(case, spec, worker, on=None)
        case = exit_case_take_step(case=case, step=step, by=worker, at=at, **answers)
        if step == "activate":
            _plan(case, spec, worker, on=at.date())
    if spec.path and spec.path[-1][0] == "start_intake" and spec.motivation:
        _intake(case, spec, worker, on=None)
    if spec.outreach_note:
        contact_record_with_note(
            case=case,
            by=worker,
            occurred_at=now - datetime.timedelta(days=3),
            kind="outreach",
            participants="",
            note=spec.outreach_note,
        )
    return 1


def _intake(case, spec, worker, *, on):
    exit_case_record_intake(
        case=case,
        by=worker,
        target_groups=spec.groups,
        risk_level="high" if spec.protected else "moderate",
        motivation=spec.motivation,
        threat_assessment=spec.threat_assessment,
        age_exception_justification=spec.exception,
    )
    if on is not None:
        _measure(
            case,
            worker,
            "baseline",
            on - datetime.timedelta(days=1),
            STARTING_OUT,
            AUDIT_AT_INTAKE,
            DUDIT_AT_INTAKE,
        )


def _measure(case, worker, occasion, on, values, audit=None, dudit=None):
    measurement_record(
        case=ExitCase.objects.get(pk=case.pk),
        by=worker,
        occasion=occasion,
        measured_on=on,
        audit_answers=audit,
        dudit_answers=dudit,
        **_levels(values),
    )


def _plan(case, spec, worker, *, on):
    for goal in spec.goals:
        plan_goal_add(case=case, by=worker, text=goal)
    if spec.goals:
        intervention_add(
            case=case,
            by=worker,
            kind="employment_support",
            status="ongoing",
            responsible_user=worker,
            starts_on=on,
        )
    if spec.partner:
        intervention_add(
            case=case,
            by=worker,
            kind="debt_counselling" if not spec.protected else "protected_housing",
            status="planned",
            responsible_organisation=spec.partner,
            starts_on=on,
        )


# --- Two years of history, for the managers' summaries ---------------------------------------

HISTORY_CASES = 60
HISTORY_NAMES = ("Ali", "Sara", "Jonas", "Mira", "Deniz", "Emil", "Hanna", "Yusuf")
HISTORY_FAMILY = ("Karlsson", "Demir", "Lundberg", "Osman", "Wikström", "Berglund")
SOURCES = ("police", "probation", "self", "family", "social_services", "school")
GROUP_SETS = (
    ("criminal_lifestyle",),
    ("territorial_gang",),
    ("criminal_lifestyle", "territorial_gang"),
)
OUTCOMES = (MUCH_BETTER, BETTER, STARTING_OUT, BETTER)


@transaction.atomic
def demo_exit_case_history_seed(stdout=None):
    """Exit cases over the last two years: taken in, measured, most completed
    with a closure measurement, some dropped out. Idempotent."""
    users = get_user_model().objects
    worker = users.get(username="socialsekreterare")
    first = person_find_by_identity_number(identity_number(datetime.date(1996, 1, 3), 800))
    if first is not None and ExitCase.objects.filter(person=first).exists():
        return
    districts = list(District.objects.filter(units=worker.unit).order_by("name")) or list(
        District.objects.order_by("name")[:2]
    )
    now = timezone.now()
    for n in range(HISTORY_CASES):
        days_ago = 60 + n * 640 // HISTORY_CASES
        case = exit_case_registration(
            by=worker,
            request=None,
            identity_number=identity_number(datetime.date(1996 + n % 8, 1 + n % 12, 3), 800 + n),
            given_names=HISTORY_NAMES[n % len(HISTORY_NAMES)],
            family_name=HISTORY_FAMILY[n % len(HISTORY_FAMILY)],
            track="prevention" if n % 5 == 4 else "exit",
            referral_source=SOURCES[n % len(SOURCES)],
            inquiry_at=now - datetime.timedelta(days=days_ago),
            inquiry_note="Historik.",
            district=districts[n % len(districts)],
        )
        groups = (
            ("in_criminality",) if case.track == "prevention" else GROUP_SETS[n % len(GROUP_SETS)]
        )
        at = now - datetime.timedelta(days=days_ago - 3)
        case = exit_case_take_step(case=case, step="start_intake", by=worker, at=at)
        exit_case_record_intake(case=case, by=worker, target_groups=groups, risk_level="moderate")
        _measure(case, worker, "baseline", at.date(), STARTING_OUT)
        case = exit_case_take_step(
            case=ExitCase.objects.get(pk=case.pk),
            step="activate",
            by=worker,
            at=at + datetime.timedelta(days=2),
            decision_text="Motiverad.",
        )
        if n % 6 == 5:
            exit_case_take_step(
                case=case,
                step="drop_out",
                by=worker,
                at=at + datetime.timedelta(days=30),
                dropout_reason="returned_to_network",
            )
            continue
        if days_ago > 200:
            closed = at + datetime.timedelta(days=150 + n % 40)
            _measure(case, worker, "closure", closed.date(), OUTCOMES[n % len(OUTCOMES)])
            exit_case_take_step(
                case=ExitCase.objects.get(pk=case.pk), step="complete", by=worker, at=closed
            )
    if stdout is not None:
        stdout.write(f"Demo exit case history: {HISTORY_CASES} cases over two years.")
