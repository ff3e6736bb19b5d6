import datetime
from datetime import timedelta
import pytest
from django.utils import timezone
from casework.services import person_register
from casework.report_services import report_register, report_take_step
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

def test_probe(worker):
    person = person_register(by=worker, identity_number="20120304-2385", given_names="A", family_name="B")
    now = timezone.now()
    r = report_register(by=worker, person=person, police_reference="5000-K1", offence_category="theft",
        offence_date=(now - timedelta(days=3)).date(), received_at=now - timedelta(days=2), district=DistrictFactory())
    report_take_step(report=r, step="assess_protection", by=worker, at=now - timedelta(days=1, hours=20), protection_needed=False)
    report_take_step(report=r, step="record_first_contact", by=worker, at=now - timedelta(days=1))
    for step, kw in [("record_assessment", {"decision": "open_investigation"})]:
        try:
            report_take_step(report=r, step=step, by=worker, at=now - timedelta(hours=5), **kw)
            print("ok", r.state)
        except Exception as e:
            print("ERR", type(e), e)
    # wrong state
    try:
        report_take_step(report=r, step="assess_protection", by=worker, protection_needed=True)
    except Exception as e:
        print("ERR2", type(e), e)
