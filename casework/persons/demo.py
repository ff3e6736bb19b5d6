"""Demo persons for `make demo`: fictional, with valid-looking identity numbers.

Idempotent: a person whose identity number is already registered is left alone.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import District
from casework.persons.identity_numbers import luhn_check_digit
from casework.persons.selectors import person_find_by_identity_number
from casework.persons.services import person_register


def identity_number(born, serial, coordination=False):
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    return f"{born:%Y%m}{day:02d}-{serial:03d}{luhn_check_digit(nine)}"


DEMO_PERSONS = [
    # given names, family name, born, serial, coordination, district, guardians
    (
        "Nils Erik",
        "Håkansson",
        datetime.date(2013, 5, 14),
        231,
        False,
        "Hjällbo",
        ["Karin Håkansson"],
    ),
    ("Amira", "Yusuf", datetime.date(2012, 9, 2), 482, False, "Hammarkullen", ["Fadumo Yusuf"]),
    (
        "Leo",
        "Karlström",
        datetime.date(2014, 1, 27),
        115,
        False,
        "Gårdsten",
        ["Petra Karlström", "Jonny Karlström"],
    ),
    (
        "Sofia",
        "Nordin",
        datetime.date(2013, 11, 8),
        364,
        False,
        "Angered centrum",
        ["Helena Nordin"],
    ),
    (
        "Yasin",
        "Abdirahman",
        datetime.date(2012, 4, 19),
        277,
        True,
        "Hjällbo",
        ["Hodan Abdirahman"],
    ),
    (
        "Elsa Maria",
        "Vikström",
        datetime.date(2014, 7, 30),
        508,
        False,
        "Hammarkullen",
        ["Anders Vikström"],
    ),
    ("Omar", "Haddad", datetime.date(2013, 2, 11), 643, False, "Gårdsten", ["Rania Haddad"]),
    (
        "Liam",
        "Sjöberg",
        datetime.date(2012, 12, 3),
        719,
        False,
        "Angered centrum",
        ["Therese Sjöberg"],
    ),
]


@transaction.atomic
def demo_persons_seed(stdout=None):
    worker = get_user_model().objects.get(username="socialsekreterare")
    created = 0
    for given, family, born, serial, coordination, district, guardians in DEMO_PERSONS:
        number = identity_number(born, serial, coordination)
        if person_find_by_identity_number(number) is not None:
            continue
        person_register(
            by=worker,
            identity_number=number,
            given_names=given,
            family_name=family,
            district=District.objects.get(name=district),
            address=f"{district}svägen {serial % 40 + 1}, lgh {1000 + serial}",
            guardians=[
                {"name": name, "relation": "vårdnadshavare", "phone": f"070-{serial:03d} 1{n} 00"}
                for n, name in enumerate(guardians)
            ],
        )
        created += 1
    if stdout is not None:
        stdout.write(
            f"Demo persons: {created} created, {len(DEMO_PERSONS) - created} already there."
        )
