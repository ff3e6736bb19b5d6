import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import District
from casework.persons.demo import identity_number
from casework.persons.services import person_register
from casework.reports.services import report_register


@pytest.fixture
def district(db):
    return District.objects.create(name="Hjällbo")


@pytest.fixture
def person(worker):
    return person_register(
        by=worker,
        identity_number=identity_number(datetime.date(2013, 4, 6), 238),
        given_names="Tindra",
        family_name="Dokumentsdotter",
    )


@pytest.fixture
def report(worker, person, district):
    return report_register(
        by=worker,
        person=person,
        police_reference="5000-K7001-26",
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=5),
        district=district,
        summary="Stal en cykel.",
    )


def upload(data, name="dokument.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)
