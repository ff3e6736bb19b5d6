import base64
import io
import os

import pytest
from django.core.management import call_command

from casework.persons.selectors import person_find_by_identity_number, persons_search_for_user
from casework.persons.services import person_register

pytestmark = pytest.mark.django_db


def test_it_rebuilds_the_indexes_under_a_new_key(settings, worker):
    person = person_register(
        by=worker, identity_number="20120304-2385", given_names="Kim", family_name="Ekdahl"
    )
    settings.BLIND_INDEX_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
    assert person_find_by_identity_number("20120304-2385") is None
    out = io.StringIO()
    call_command("rebuild_blind_indexes", stdout=out)
    assert "1 persons" in out.getvalue()
    assert person_find_by_identity_number("20120304-2385") == person
    assert list(persons_search_for_user(user=worker, text="ekdahl")) == [person]
