"""Non-negotiable 1: the database, history tables included, holds no personal data in clear.

Seed the demo data and more generated persons, change and erase some so
history has rows, dump the whole database (pg_dump on PostgreSQL, iterdump
on SQLite) and search it for every name, identity number, address and
guardian detail that went in.
"""

import base64
import datetime
import re

import pytest
from django.utils import timezone
from faker import Faker

from accounts.demo import demo_seed
from accounts.models import District
from avhopp.demo import DEMO_EXIT_CASES, demo_exit_cases_seed
from avhopp.models import ExitCase, Intervention, Measurement, PlanGoal
from casework.documents.demo import (
    DEMO_DOCUMENT_TEXT,
    DEMO_DOCUMENT_TITLE,
    DEMO_DOCUMENTS,
    demo_documents_seed,
)
from casework.documents.models import Document
from casework.journal.services import contact_record, journal_entry_sign, journal_entry_write
from casework.models import Person
from casework.persons.demo import DEMO_PERSONS, demo_persons_seed, identity_number
from casework.persons.identity_numbers import parse_identity_number
from casework.persons.services import person_erase, person_register, person_update
from casework.reports.demo import DEMO_REPORTS, demo_reports_seed
from casework.reports.services import report_register
from sspf.demo import (
    DEMO_ACTION,
    DEMO_MINUTES,
    DEMO_REFERRALS,
    demo_groups_seed,
    demo_referrals_seed,
)
from sspf.models import SspfGroup
from sspf.services import consent_record, referral_raise
from tests.dump import database_dump


def spellings(number):
    digits12 = parse_identity_number(number).digits12
    return {
        digits12,
        f"{digits12[:8]}-{digits12[8:]}",
        digits12[2:],
        f"{digits12[2:8]}-{digits12[8:]}",
    }


def occurs(text, dump):
    # Whole words only: "Berg" inside base64 noise or "Bergsjön" is not a leak.
    return re.search(rf"(?<![\w+/]){re.escape(text)}(?![\w+/])", dump) is not None


@pytest.mark.django_db(transaction=True)
def test_no_seeded_personal_data_appears_anywhere_in_the_database(settings, django_user_model):
    settings.DEBUG = True
    seeded_staff = demo_seed() + demo_groups_seed()
    # What staff and organisation already put there in clear (staff names,
    # districts) is not personal data of the persons; measured, not assumed.
    baseline = database_dump()
    demo_persons_seed()
    demo_reports_seed()
    demo_documents_seed()
    demo_referrals_seed()
    demo_exit_cases_seed()

    fake = Faker("sv_SE")
    fake.seed_instance(20261121)
    worker = next(item.user for item in seeded_staff if item.user.username == "socialsekreterare")
    secrets = set()
    generated = []
    for n in range(25):
        born = fake.date_between(start_date="-14y", end_date="-8y")
        number = identity_number(born, 100 + n)
        person = person_register(
            by=worker,
            identity_number=number,
            given_names=fake.first_name(),
            family_name=fake.last_name(),
            address=fake.street_address(),
            guardians=[{"name": fake.name(), "phone": fake.phone_number(), "email": fake.email()}],
        )
        generated.append(person)
        secrets |= spellings(number)
        secrets |= {person.given_names, person.family_name, person.address}
        secrets |= {value for guardian in person.guardians for value in guardian.values()}
    # Reports, contacts and journal notes (drafts, signed, corrections).
    district = District.objects.first()
    for n, person in enumerate(generated[6:16]):
        reference = f"5000-K{700000 + n}-26"
        summary = fake.sentence(nb_words=8)
        report = report_register(
            by=worker,
            person=person,
            police_reference=reference,
            offence_category="theft",
            offence_date=timezone.localdate() - datetime.timedelta(days=3),
            received_at=timezone.now() - datetime.timedelta(days=2),
            district=district,
            summary=summary,
        )
        participants = f"{fake.name()} ({fake.job()})"
        contact_record(
            case=report,
            by=worker,
            occurred_at=timezone.now() - datetime.timedelta(hours=5),
            kind="meeting",
            participants=participants,
        )
        note = journal_entry_write(case=report, by=worker, text=fake.paragraph())
        journal_entry_sign(entry=note, by=worker)
        correction = journal_entry_write(
            case=report, by=worker, text=fake.paragraph(), corrects=note
        )
        secrets |= {reference, summary, participants, note.text, correction.text}
    for _index, _hours, _offence, _steps, demo_note, _worker in DEMO_REPORTS:
        if demo_note:
            secrets.add(demo_note)
    # Documents: the title in the database; the content is in the storage (tests/documents).
    assert Document.objects.count() == DEMO_DOCUMENTS
    secrets |= {DEMO_DOCUMENT_TITLE, *DEMO_DOCUMENT_TEXT.splitlines()}
    # SSPF referrals: the concern, a place, the youth's own view in a consent.
    secrets |= {*DEMO_MINUTES, DEMO_ACTION}
    for about, _category, concern, _next in DEMO_REFERRALS:
        secrets.add(concern)
        if isinstance(about, str):
            secrets.add(about)
    member = next(item.user for item in seeded_staff if item.user.username == "sspf")
    referral = referral_raise(
        by=member,
        group=SspfGroup.objects.get(name="SSPF Hammarkullen"),
        category="truancy",
        concern=fake.paragraph(),
        identity_number=identity_number(generated[16].date_of_birth, 116),
        given_names=generated[16].given_names,
        family_name=generated[16].family_name,
    )
    youth_view = fake.sentence(nb_words=9)
    consent_record(
        referral=referral,
        by=member,
        granted=True,
        method="oral",
        given_on=timezone.localdate(),
        organisations=["school"],
        guardian_one=True,
        youth_agrees=True,
        youth_view=youth_view,
    )
    secrets |= {referral.concern, youth_view}

    # History rows for changes and for an erasure.
    for person in generated[:5]:
        new_name = fake.last_name() + "sson"
        person_update(person=Person.objects.get(pk=person.pk), by=worker, family_name=new_name)
        secrets.add(new_name)
    person_erase(person=Person.objects.get(pk=generated[5].pk), by=worker)

    for given, family, born, serial, coordination, district, guardians in DEMO_PERSONS:
        secrets |= {given, family, *guardians}
        secrets |= spellings(identity_number(born, serial, coordination))
        secrets.add(f"{district}svägen {serial % 40 + 1}, lgh {1000 + serial}")

    # Exit cases: every encrypted field of the programme holds something seeded.
    for spec in DEMO_EXIT_CASES:
        secrets |= {spec.given_names, spec.family_name, spec.inquiry_note, spec.motivation}
        secrets |= {spec.threat_assessment, spec.decision_text, spec.exception, spec.partner}
        secrets |= {spec.outreach_note, *spec.goals}
        secrets |= spellings(identity_number(spec.born, spec.serial))
    for model in (ExitCase, PlanGoal, Intervention, Measurement):
        for field in model._meta.concrete_fields:
            if field.__class__.__name__.startswith("Encrypted"):
                values = [getattr(row, field.name) for row in model.objects.all()]
                assert any(values), f"the demo seeds no {model.__name__}.{field.name}"

    # Second factors: TOTP seeds (hex as stored by django-otp, base32 as in
    # the app) and backup codes.
    for item in seeded_staff:
        base32 = item.otpauth_uri.split("secret=")[1].split("&")[0]
        secrets |= {base32, base64.b32decode(base32).hex(), *item.backup_codes}

    dump = database_dump()
    assert "casework_historicalperson" in dump or "historicalperson" in dump.lower()
    assert Person.history.count() >= 30
    leaks = sorted(
        secret
        for secret in secrets
        if len(secret) >= 4 and occurs(secret, dump) and not occurs(secret, baseline)
    )
    assert leaks == []
    # The test must be able to see a leak: the dump does contain staff names.
    assert occurs(worker.last_name, dump)
