"""Demo under-15 reports for `make demo`, about the demo persons (casework/persons/demo.py).

Idempotent: a person who already has a report gets no other.
"""

import datetime
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import District
from casework.errors import ApplicationError
from casework.journal.services import journal_entry_write
from casework.persons.demo import DEMO_PERSONS, identity_number
from casework.persons.selectors import person_find_by_identity_number
from casework.reports.imports import COLUMNS, reports_import
from casework.reports.models import Under15Report
from casework.reports.services import report_assign, report_register, report_take_step


@transaction.atomic
def demo_reports_seed(stdout=None):
    worker = get_user_model().objects.get(username="socialsekreterare")
    reports = _demo_reports_seed(worker)
    if stdout is not None:
        stdout.write(f"Demo under-15 reports: {reports} created.")


# (person index, hours since the report arrived, offence, steps taken, journal note,
# worker): the worker's user name, or None for a report that came in through the
# police import and waits for the unit manager to assign it.
DEMO_REPORTS = [
    (0, 30, "theft", [], "", "socialsekreterare"),
    (1, 20, "threat", [], "", "socialsekreterare"),
    (
        2,
        100,
        "violence",
        ["assess_protection"],
        "Skyddsbedömning gjord per telefon med mamma.",
        "socialsekreterare",
    ),
    (
        3,
        200,
        "vandalism",
        ["assess_protection", "record_first_contact"],
        "Orossamtal hemma.",
        "socialsekreterare",
    ),
    (5, 24 * 16, "robbery", ["assess_protection", "record_first_contact"], "", "handlaggare"),
    (4, 6, "weapons", [], "", None),
    (6, 30, "drugs", [], "", None),
    (7, 3, "theft", [], "", None),
]


def _demo_reports_seed(worker):
    created = 0
    now = timezone.now()
    users = get_user_model().objects
    manager = users.get(username="enhetschef")
    unassigned = []
    for index, hours, offence, steps, note, assignee in DEMO_REPORTS:
        _given, _family, born, serial, coordination, district, guardians = DEMO_PERSONS[index]
        number = identity_number(born, serial, coordination)
        person = person_find_by_identity_number(number)
        if person is None or Under15Report.objects.filter(person=person).exists():
            continue
        received = now - datetime.timedelta(hours=hours)
        values = {
            "police_reference": f"5000-K{100000 + serial * 7}-26",
            "offence_category": offence,
            "offence_date": timezone.localtime(received).date() - datetime.timedelta(days=1),
            "received_at": received,
            "district": District.objects.get(name=district),
            "summary": "Anmälan från polisen efter händelse vid centrum.",
        }
        if assignee is None:
            unassigned.append((number, person, values))
            continue
        try:
            report = report_register(by=worker, person=person, **values)
        except ApplicationError:
            # The fictional children grow up: one who has turned 15 gets no
            # under-15 report, and the seed carries on.
            continue
        if assignee != worker.username:
            report = report_assign(report=report, to_user=users.get(username=assignee), by=manager)
        by = report.assigned_to
        at = received
        for step in steps:
            at = at + datetime.timedelta(hours=min(hours / 4, 20))
            report_take_step(
                report=report,
                step=step,
                by=by,
                at=at,
                protection_needed=False,
                contact_kind="home_visit",
                participants=", ".join([f"{person.given_names} (barnet)", *guardians]),
            )
        if note:
            journal_entry_write(case=report, by=by, text=note)
        created += 1
    return created + _demo_unassigned_seed(worker, unassigned)


def _demo_unassigned_seed(worker, rows):
    """Reports as the police import brings them: in the unit, assigned to nobody."""
    if not rows:
        return 0
    lines = [";".join(COLUMNS)]
    for number, person, values in rows:
        lines.append(
            ";".join(
                [
                    number,
                    person.given_names,
                    person.family_name,
                    values["district"].name,
                    values["police_reference"],
                    values["offence_category"],
                    values["offence_date"].isoformat(),
                    timezone.localtime(values["received_at"]).strftime("%Y-%m-%d %H:%M"),
                    values["summary"],
                ]
            )
        )
    result = reports_import(stream=io.BytesIO("\n".join(lines).encode()), by=worker)
    return result.imported


# --- Two years of history, for the managers' summaries ---------------------------------------

HISTORY_REPORTS = 160
HISTORY_GIVEN = ("Alva", "Elias", "Maja", "Omar", "Liam", "Noor", "Vera", "Adam", "Saga", "Ali")
HISTORY_FAMILY = ("Berg", "Lind", "Holm", "Nilsson", "Hassan", "Ek", "Strand", "Yilmaz")
HISTORY_OFFENCES = ("theft", "vandalism", "threat", "violence", "robbery", "drugs", "traffic")


@transaction.atomic
def demo_report_history_seed(stdout=None):
    """Reports over the last two years across the demo districts, worked
    through their steps at varying speed: the summaries have something to
    count. Idempotent: skipped once the history is there."""
    from casework.persons.services import person_register

    worker = get_user_model().objects.get(username="socialsekreterare")
    now = timezone.now()
    first_born = timezone.localtime(now - datetime.timedelta(days=20)).date().replace(
        day=1
    ) - datetime.timedelta(days=365 * 12)
    first = person_find_by_identity_number(identity_number(first_born, 500))
    if first is not None and Under15Report.objects.filter(person=first).exists():
        return
    districts = list(District.objects.filter(units=worker.unit).order_by("name")) or list(
        District.objects.order_by("name")[:2]
    )
    for n in range(HISTORY_REPORTS):
        received = now - datetime.timedelta(days=20 + n * 700 // HISTORY_REPORTS, hours=n % 9)
        born = timezone.localtime(received).date().replace(day=1) - datetime.timedelta(
            days=365 * 12 + n % 300
        )
        person = person_register(
            by=worker,
            identity_number=identity_number(born, 500 + n % 400),
            given_names=HISTORY_GIVEN[n % len(HISTORY_GIVEN)],
            family_name=HISTORY_FAMILY[n % len(HISTORY_FAMILY)] + "sson" * (n % 2),
            district=districts[n % len(districts)],
        )
        report = report_register(
            by=worker,
            person=person,
            police_reference=f"5000-H{100000 + n}-{timezone.localtime(received):%y}",
            offence_category=HISTORY_OFFENCES[n % len(HISTORY_OFFENCES)],
            offence_date=timezone.localtime(received).date() - datetime.timedelta(days=2),
            received_at=received,
            district=districts[n % len(districts)],
        )
        at = received + datetime.timedelta(hours=2 + n % 30)
        report = report_take_step(
            report=report, step="assess_protection", by=worker, at=at, protection_needed=False
        )
        at += datetime.timedelta(hours=12 + (n * 7) % 200)
        report = report_take_step(
            report=report,
            step="record_first_contact",
            by=worker,
            at=at,
            contact_kind="home_visit",
            participants=f"{person.given_names} (barnet) och vårdnadshavare",
        )
        at += datetime.timedelta(days=1 + n % 12)
        decision = ("no_investigation", "open_investigation", "refer_sspf", "refer_support")[n % 4]
        report_take_step(
            report=report, step="record_assessment", by=worker, at=at, decision=decision
        )
    if stdout is not None:
        stdout.write(f"Demo report history: {HISTORY_REPORTS} reports over two years.")
