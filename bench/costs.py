"""Costs that must not grow with the data: queries and time per page, events per second.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygg_costs \\
        .venv/bin/python bench/costs.py

Use a throwaway database: it migrates it, then adds a worker, a report with
1 and then 1,000 contacts and notes, and 50 persons of one name. It prints
the queries and the median time of the report page (at 1 and at 1,000
entries), of a name search with 50 results and of the contact POST, and how
many access events one process records per second, one transaction each as
page views write them: without waiting for the commit's flush to disk (the
cost of recording) and with it (what this machine's disk allows). Timing
goals live here, never in the test suite.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT  # noqa: E402
from accounts.models import District, Unit, User  # noqa: E402
from audit.services import access_event_record  # noqa: E402
from casework.journal.services import contact_record, journal_entry_write  # noqa: E402
from casework.persons.demo import identity_number  # noqa: E402
from casework.persons.services import person_register  # noqa: E402
from casework.reports.services import report_register  # noqa: E402


def signed_in(user):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = time.time()
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measured(label, request, repeat=20):
    request()  # warm caches
    reset_queries()  # each request resets the log; the context counts from its length
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code in (200, 302), (label, response.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        request()
        times.append(time.perf_counter() - started)
    print(
        f"{label:<44} {len(captured):>4} queries  {statistics.median(times) * 1000:7.1f} ms",
        flush=True,
    )


def main():
    call_command("migrate", verbosity=0)
    unit = Unit.objects.create(name=f"Bench {time.time_ns()}")
    worker = User.objects.create_user(username=f"bench_{time.time_ns()}", unit=unit)
    worker.groups.add(Group.objects.get(name="social_worker"))
    district = District.objects.create(name=f"Bench {time.time_ns()}")
    serials = iter(range(100, 1000))
    born = datetime.date(2013, 5, 1) + datetime.timedelta(days=time.time_ns() % 300)

    def person(family_name="Ek"):
        return person_register(
            by=worker,
            identity_number=identity_number(born, next(serials)),
            given_names="Alva",
            family_name=family_name,
        )

    received = timezone.now() - datetime.timedelta(hours=2)
    report = report_register(
        by=worker,
        person=person(),
        police_reference="5000-K1-26",
        offence_category="theft",
        offence_date=timezone.localtime(received).date() - datetime.timedelta(days=1),
        received_at=received,
        district=district,
    )
    client = signed_in(worker)
    detail = reverse("casework:report-detail", kwargs={"pk": report.pk})

    def add(count):
        for _ in range(count):
            contact = contact_record(
                case=report, by=worker, occurred_at=timezone.now(), kind="phone", participants="M"
            )
            journal_entry_write(case=report, by=worker, text="Samtal om skolan", contact=contact)

    add(1)
    measured("report page, 1 contact and note", lambda: client.get(detail))
    add(999)
    measured("report page, 1,000 contacts and notes", lambda: client.get(detail))
    contact_url = reverse("casework:contact-create", kwargs={"pk": report.pk})
    form = {
        "kind": "phone",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "participants": "M",
        "note": "Samtal",
    }
    measured("log-contact POST at 1,000", lambda: client.post(contact_url, form))
    for _ in range(50):
        person(family_name="Sökbar")
    search = reverse("casework:person-search")
    measured("name search, 50 results", lambda: client.post(search, {"q": "Alva Sökbar"}))

    def events_per_second(count):
        started = time.perf_counter()
        for n in range(count):
            with transaction.atomic():
                access_event_record(action="view", actor=worker, object_type="bench", object_id=n)
        return count / (time.perf_counter() - started)

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    rate = events_per_second(2000)
    print(f"{'access events, one transaction each':<44} {rate:>10,.0f} events/s")
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")
    rate = events_per_second(500)
    print(f"{'... and each commit flushed to disk':<44} {rate:>10,.0f} events/s")
    print(f"Machine: {os.cpu_count()} cores, database {connection.vendor}")


if __name__ == "__main__":
    main()
