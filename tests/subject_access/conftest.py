"""A person with data in every programme, and a second person who must not leak."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from avhopp.services import exit_case_registration, plan_goal_add
from casework.documents.services import document_add
from casework.journal.services import contact_record, journal_entry_write
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register
from sspf.services import referral_raise
from subject_access.services import subject_access_request_register
from tests.factories import DistrictFactory

BORN = datetime.date(2012, 3, 4)
SEEDED = {
    "given_names": "Åsa Maria",
    "family_name": "Lindqvist",
    "identity_number": identity_number(BORN, 238),
    "address": "Hjällbo torg 3, 424 33 Angered",
    "guardian": "Lena Lindqvist",
    "summary": "Stal en cykel vid Hjällbo torg.",
    "police_reference": "5000-K1234-26",
    "participants": "Mamma Lena och Åsa",
    "journal": "Samtal med mamma om cykeln.",
    "document": "Polisens underrättelse om cykelstölden",
    "goal": "Flytta till en egen lägenhet utanför området.",
    "concern": "Åsa är ofta borta från skolan.",
}
OTHER = {
    "given_names": "Kim",
    "family_name": "Bergström",
    "identity_number": identity_number(datetime.date(2012, 5, 6), 239),
    "address": "Kortedala torg 9",
    "guardian": "Nils Bergström",
    "summary": "Klottrade på skolan i Kortedala.",
    "police_reference": "5000-K9999-26",
    "participants": "Pappa Nils",
    "journal": "Hembesök hos familjen Bergström.",
    "document": "Brev till familjen Bergström",
}


def seed_person(by, values):
    person = person_register(
        by=by,
        identity_number=values["identity_number"],
        given_names=values["given_names"],
        family_name=values["family_name"],
        address=values["address"],
        guardians=[{"name": values["guardian"], "relation": "vårdnadshavare"}],
    )
    report = report_register(
        by=by,
        person=person,
        police_reference=values["police_reference"],
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=5),
        district=DistrictFactory(name="Hjällbo"),
        summary=values["summary"],
    )
    contact_record(
        case=report,
        by=by,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        kind="phone",
        participants=values["participants"],
    )
    journal_entry_write(case=report, by=by, text=values["journal"])
    document_add(
        owner=report,
        person=person,
        data_key=person.data_key,
        by=by,
        upload=SimpleUploadedFile("u.pdf", b"%PDF-1.4\n%%EOF\n"),
        title=values["document"],
        document_type="police_notification",
        document_date=timezone.localdate(),
        types=("police_notification",),
    )
    return person


@pytest.fixture
def person(worker, sspf_member):
    person = seed_person(worker, SEEDED)
    case = exit_case_registration(
        by=worker,
        request=None,
        identity_number=SEEDED["identity_number"],
        track="exit",
        referral_source="self",
        inquiry_at=timezone.now() - datetime.timedelta(days=3),
        inquiry_note="Ringde själv.",
        district=DistrictFactory(name="Hjällbo"),
    )
    assert case.person_id == person.pk
    plan_goal_add(case=case, by=worker, text=SEEDED["goal"])
    referral_raise(
        by=sspf_member,
        group=sspf_member.sspf_memberships.first().group,
        category="truancy",
        concern=SEEDED["concern"],
        identity_number=SEEDED["identity_number"],
        given_names=SEEDED["given_names"],
        family_name=SEEDED["family_name"],
    )
    return person


@pytest.fixture
def other_person(worker):
    return seed_person(worker, OTHER)


@pytest.fixture
def access_request(manager, person):
    return subject_access_request_register(
        person=person, by=manager, received_on=timezone.localdate() - datetime.timedelta(days=3)
    )
