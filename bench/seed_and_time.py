"""Seed volume and print timings: name search, a worker's list, the audit chain.

Run against a throwaway database (it seeds demo users and many persons):

    DEBUG=1 DATABASE_URL=postgres://.../trygg_bench .venv/bin/python bench/seed_and_time.py 2000

Timing goals live here, never in the test suite.
"""

import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.demo import demo_seed  # noqa: E402
from accounts.models import District  # noqa: E402
from casework.errors import ApplicationError  # noqa: E402
from casework.persons.demo import identity_number  # noqa: E402
from casework.persons.selectors import persons_search_for_user  # noqa: E402
from casework.persons.services import person_register  # noqa: E402
from casework.reports.selectors import reports_open_for_worker  # noqa: E402
from casework.reports.services import report_register  # noqa: E402


def timed(label, function, repeat=5):
    started = time.perf_counter()
    for _ in range(repeat):
        result = function()
    elapsed = (time.perf_counter() - started) / repeat
    print(f"{label:<45} {elapsed * 1000:8.1f} ms")
    return result


def main(count):
    worker = next(s.user for s in demo_seed() if s.user.username == "socialsekreterare")
    district = District.objects.get(name="Hjällbo")
    started = time.perf_counter()
    made = 0
    for n in range(count):
        born = datetime.date(2012, 1, 1) + datetime.timedelta(days=n // 900)
        number = identity_number(born, n % 900 + 100)
        try:
            person = person_register(
                by=worker,
                identity_number=number,
                given_names=f"Bench{n % 97}",
                family_name=f"Person{n}",
            )
        except ApplicationError:  # the number exists from an earlier run
            continue
        if n % 3 == 0:
            received = timezone.now() - datetime.timedelta(hours=n % 300)
            report_register(
                by=worker,
                person=person,
                police_reference=f"5000-K{n}-26",
                offence_category="theft",
                offence_date=timezone.localtime(received).date() - datetime.timedelta(days=1),
                received_at=received,
                district=district,
            )
        made += 1
    print(f"seeded {made} persons in {time.perf_counter() - started:.1f} s")

    timed(
        "name search (two words, blind index)",
        lambda: list(persons_search_for_user(user=worker, text="Bench5 Person500")),
    )
    timed("worker's open reports, sorted by urgency", lambda: reports_open_for_worker(user=worker))
    timed(
        "verify_audit_chain",
        lambda: call_command("verify_audit_chain", stdout=io.StringIO()),
        repeat=1,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
