# ruff: noqa: E501  (SQL reads better unwrapped)
"""The summaries' benchmark: 1,000,000 reports and 100,000 exit cases on a
scratch PostgreSQL database, and the render time of each summary page.

    .venv/bin/python bench/summaries.py [--reports 1000000] [--exit-cases 100000] [--keep]

The rows are seeded in SQL (generate_series) with the categorical columns and
times the summaries read; their encrypted fields stay empty and share no
text, which the summaries never read anyway. Each page is then fetched in
process through the real middleware (signed in with a second factor) as a
unit manager, three times; the median is printed. Goal: under 1 second per
page on a 2-core machine. Never part of the test suite.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import admin_sql, environment  # noqa: E402

GOAL_SECONDS = 1.0
DISTRICTS = ["Hjällbo", "Hammarkullen", "Gårdsten", "Lövgärdet", "Rannebergen", "Angered C",
             "Biskopsgården", "Tynnered", "Kortedala", "Bergsjön"]  # fmt: skip


def seed(reports, exit_cases):
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.models import District, Unit, User
    from accounts.roles import Role

    districts = [District.objects.create(name=name) for name in DISTRICTS]
    units = []
    for n in range(5):
        unit = Unit.objects.create(name=f"Barn och unga {n + 1}")
        unit.districts.add(districts[2 * n], districts[2 * n + 1])
        units.append(unit)
    manager = User.objects.create_user(username="chef", password="x", unit=units[0])
    manager.groups.add(*Group.objects.filter(name=Role.UNIT_MANAGER))
    leaves = [(d.pk, u.pk) for u in units for d in u.districts.all()]
    leaf_values = ",".join(f"({n},{d},{u})" for n, (d, u) in enumerate(leaves))
    persons = 100_000
    statements = [
        f"CREATE TEMP TABLE leaf(leaf_n int, district bigint, unit bigint); "
        f"INSERT INTO leaf VALUES {leaf_values}",
        # Data keys: persons (a…), reports (b…), exit cases (c…).
        # No wrapped key: the rows hold no ciphertext, so their keys stand as shredded.
        f"""INSERT INTO vault_datakey (id, purpose, created_at, destroyed_at)
        SELECT (prefix || lpad(to_hex(n), 12, '0'))::uuid, purpose, now(), now()
        FROM (SELECT 'a0000000-0000-4000-8000-' AS prefix, 'person' AS purpose,
                     generate_series(1, {persons}) AS n
              UNION ALL SELECT 'b0000000-0000-4000-8000-', 'case', generate_series(1, {reports})
              UNION ALL SELECT 'c0000000-0000-4000-8000-', 'case',
                     generate_series(1, {exit_cases})) k""",
        f"""INSERT INTO casework_person (id, data_key_id, gender, protected_identity, created_at)
        SELECT ('a0000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
               ('a0000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
               CASE n % 2 WHEN 0 THEN 'male' ELSE 'female' END, false, now()
        FROM generate_series(1, {persons}) n""",
        f"""INSERT INTO casework_under15report (id, data_key_id, person_id, unit_id, district_id,
            source, offence_category, offence_date, age_at_offence, received_at, state, decision,
            close_reason, protection_assessed_at, first_contact_at, reaction_time, assessed_at,
            created_by_id, created_at)
        SELECT ('b0000000-0000-4000-8000-' || lpad(to_hex(r.n), 12, '0'))::uuid,
               ('b0000000-0000-4000-8000-' || lpad(to_hex(r.n), 12, '0'))::uuid,
               ('a0000000-0000-4000-8000-' || lpad(to_hex(1 + n % {persons}), 12, '0'))::uuid,
               leaf.unit, leaf.district,
               CASE WHEN n % 10 = 0 THEN 'other' ELSE 'police_under15' END,
               CASE WHEN n % 10 = 0 THEN '' ELSE (ARRAY['violence','threat','robbery','theft',
                   'drugs','weapons','vandalism','traffic','sexual','other'])[1 + (n / 10) % 10] END,
               (received - interval '1 day')::date, 13, received,
               CASE WHEN n % 3 = 0 THEN 'closed' ELSE 'assessed' END,
               (ARRAY['open_investigation','no_investigation','refer_sspf','refer_support'])[1 + n % 4],
               '', received + interval '3 hours', received + (n % 200) * interval '1 hour',
               (n % 200) * interval '1 hour', received + (n % 400) * interval '1 hour',
               {manager.pk}, received
        FROM (SELECT n, now() - (n % (3 * 365 * 24 * 60)) * interval '1 minute' AS received
              FROM generate_series(1, {reports}) n) r
        JOIN leaf ON leaf.leaf_n = r.n % {len(leaves)}""",
        f"""INSERT INTO avhopp_exitcase (id, data_key_id, person_id, unit_id, district_id, track,
            referral_source, protected, inquiry_at, age_exception, risk_level, state,
            decline_reason, pause_reason, dropout_reason, close_reason, next_due_occasion,
            created_by_id, created_at)
        SELECT ('c0000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
               ('c0000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
               ('a0000000-0000-4000-8000-' || lpad(to_hex(1 + n % {persons}), 12, '0'))::uuid,
               leaf.unit, leaf.district,
               CASE WHEN n % 4 = 0 THEN 'prevention' ELSE 'exit' END,
               (ARRAY['self','family','police','probation','social_services','school',
                      'other_organisation'])[1 + n % 7],
               n % 50 = 0, inquiry, false, 'moderate',
               (ARRAY['inquiry','intake_assessment','active','paused','completed','follow_up',
                      'closed','declined','dropped_out'])[1 + n % 9],
               '', '', '', '', '', {manager.pk}, inquiry
        FROM (SELECT n, now() - (n % (3 * 365 * 24 * 60)) * interval '1 minute' AS inquiry
              FROM generate_series(1, {exit_cases}) n) c
        JOIN leaf ON leaf.leaf_n = c.n % {len(leaves)}""",
        """INSERT INTO avhopp_casetargetgroup (id, case_id, "group")
        SELECT gen_random_uuid(), id,
               (ARRAY['criminal_lifestyle','territorial_gang','girls_in_gangs','age_18_25',
                      'violent_extremism'])[1 + abs(hashtext(id::text)) % 5]
        FROM avhopp_exitcase""",
        """INSERT INTO avhopp_measurement (id, case_id, data_key_id, occasion, measured_on,
            occupation, drug_use, criminality, housing, network_contact, audit_band, dudit_band,
            positive_development, created_by_id, created_at)
        SELECT gen_random_uuid(), id, data_key_id, o.occasion,
               (inquiry_at + o.after)::date,
               CASE WHEN o.occasion = 'baseline' THEN 'none'
                    ELSE (ARRAY['full_time_job','part_time_job','studies','none'])[1 + abs(hashtext(id::text)) % 4] END,
               CASE WHEN o.occasion = 'baseline' THEN 'regular'
                    ELSE (ARRAY['none','occasional','regular'])[1 + abs(hashtext(id::text)) % 3] END,
               CASE WHEN o.occasion = 'baseline' THEN 'regular'
                    ELSE (ARRAY['none','occasional','regular'])[1 + abs(hashtext(id::text) / 3) % 3] END,
               'own', 'occasional', '', '',
               CASE WHEN o.occasion = 'baseline' THEN NULL ELSE abs(hashtext(id::text)) % 3 <> 2 END,
               created_by_id, now()
        FROM avhopp_exitcase
        CROSS JOIN (VALUES ('baseline', interval '10 days'), ('closure', interval '200 days'))
            AS o(occasion, after)
        WHERE state IN ('active','paused','completed','follow_up','closed','dropped_out')
          AND (o.occasion = 'baseline' OR state IN ('completed','follow_up','closed'))""",
        "ANALYZE",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            started = time.perf_counter()
            cursor.execute(statement)
            print(f"  {statement.split()[0:3]} {time.perf_counter() - started:.1f} s", flush=True)
    return manager


def refresh():
    """The cron job's cost: every programme's counts recomputed in SQL."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from casework.summaries.snapshots import snapshot_refresh

    for module in settings.SUMMARY_SNAPSHOT_MODULES:
        for name, compute in import_string(f"{module}.SNAPSHOTS").items():
            started = time.perf_counter()
            snapshot_refresh(name, compute)
            print(f"  summaries_refresh {name:<32} {time.perf_counter() - started:6.2f} s")


def measure(manager):
    import django_otp
    from django.test import Client
    from django.utils import timezone

    from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
    from accounts.models import AuthenticatorDevice

    device = AuthenticatorDevice.objects.create(user=manager, name="app", confirmed=True)
    client = Client()
    client.force_login(manager)
    session = client.session
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = time.time()
    session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    year = timezone.localdate().year - 1
    pages = {
        "reports, a year": ("/reports/summary/", {"period": str(year)}),
        "reports, a quarter and a district": (
            "/reports/summary/",
            {"period": f"{year}-Q2", "district": "1"},
        ),
        "SSPF, a year": ("/sspf/summary/", {"period": str(year)}),
        "exit programme, a year": ("/avhopp/summary/", {"period": str(year)}),
        "exit programme, year report": ("/avhopp/summary/year/", {"year": str(year)}),
    }
    results = {}
    for name, (url, query) in pages.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(url, query, secure=True)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
        results[name] = statistics.median(times)
    width = max(len(name) for name in results)
    for name, seconds in results.items():
        verdict = "met" if seconds < GOAL_SECONDS else "NOT MET"
        print(f"{name:<{width}}  {seconds * 1000:8.0f} ms  goal {GOAL_SECONDS:.0f} s: {verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--exit-cases", type=int, default=100_000)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--database", default="trygg_summary_bench")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print("Seeding ...", flush=True)
        manager = seed(options.reports, options.exit_cases)
        print("Refreshing the snapshots (cron) ...", flush=True)
        refresh()
        print("Rendering each page (median of 3, snapshots fresh) ...", flush=True)
        measure(manager)
        return
    database_url = options.admin_url.rsplit("/", 1)[0] + "/" + options.database
    env = environment(database_url)
    env["ALLOWED_HOSTS"] = "testserver"
    admin_sql(options.admin_url, f'DROP DATABASE IF EXISTS "{options.database}"')
    admin_sql(options.admin_url, f'CREATE DATABASE "{options.database}"')
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        subprocess.run(
            [sys.executable, __file__, *sys.argv[1:], "--child"], env=env, cwd=ROOT, check=True
        )
    finally:
        if not options.keep:
            admin_sql(options.admin_url, f'DROP DATABASE IF EXISTS "{options.database}"')


if __name__ == "__main__":
    main()
