"""The load benchmark: one command, a scratch PostgreSQL database, real production settings.

    make bench        # or: .venv/bin/python bench/load.py [--persons 100000 ...]

It creates a scratch database (dropped afterwards unless --keep), migrates,
seeds it through the CSV import (100,000 persons, 30,000 open reports; one
worker holds 2,000, their unit 20,000), starts gunicorn with production
settings and TLS on 127.0.0.1, signs in through the real password and
second-factor pages, and drives with locust the worker's start page, a
report page, the unit list, a person search by identity number and the
log-contact POST, each alternating with a bare Django view doing the
comparable query (bench/urls.py) in the same run. It prints p50/p95/p99,
requests/s and each page's cost relative to its bare view; then it runs
verify_audit_chain over every event the seeding and the run wrote and prints
its rate.

Goals (never in the test suite): p95 under 50 ms for the pages and under
80 ms for the POST; each page at least 60 % of its bare view's throughput
(bare mean time / page mean time); verify_audit_chain at least 100,000
events/s. Only 127.0.0.1 is ever contacted.
"""

import argparse
import base64
import csv
import datetime
import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8443
GOALS_MS = {"log-contact POST": 80}
DEFAULT_GOAL_MS = 50
VERIFIER_GOAL = 100_000  # events/s
PAIRS = {
    "worker start page": "bare: worker list",
    "report page": "bare: report",
    "unit list": "bare: unit list",
    "person search": "bare: search",
    "log-contact POST": "bare: contact POST",
}


def _key():
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def environment(database_url):
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        MASTER_KEYS=f"1:{_key()}",
        BLIND_INDEX_KEY=_key(),
        AUDIT_KEYS=f"1:{_key()}",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_ROOT=f"https://127.0.0.1:{PORT}",
        # Passkeys need a host name; the benchmark signs in with backup codes.
        PASSKEY_ORIGINS=f"https://localhost:{PORT}",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{PORT}",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def admin_sql(admin_url, statement):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


# --- Seeding (runs in a child process with Django set up) ------------------------------


def seed(options, plan_path):
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import District, Unit, User
    from accounts.services import backup_codes_replace
    from casework.models import Under15Report
    from casework.persons.demo import identity_number
    from casework.reports.imports import reports_import
    from vault.keycache import data_key_cache

    District.objects.create(name="Hjällbo")
    units = [Unit.objects.create(name=name) for name in ("Enhet A", "Enhet B")]
    password = secrets.token_urlsafe(16)

    def user(username, group, unit):
        account = User.objects.create_user(username=username, password=password, unit=unit)
        account.groups.add(Group.objects.get(name=group))
        return account

    worker = user("bench_worker", "social_worker", units[0])
    importer_a = user("bench_importer_a", "social_worker", units[0])
    importer_b = user("bench_importer_b", "social_worker", units[1])
    manager = user("bench_manager", "unit_manager", units[0])

    births = [datetime.date(2012, 6, 1) + datetime.timedelta(days=d) for d in range(700)]
    numbers = (identity_number(born, serial) for serial in range(1, 1000) for born in births)
    header = (
        "identity_number;given_names;family_name;district;police_reference;"
        "offence_category;offence_date;received_at;summary"
    )
    now = datetime.datetime.now()
    counts = {
        "worker": options.worker_reports,
        "unit": options.unit_reports - options.worker_reports,
        "other": options.reports - options.unit_reports,
        "persons": options.persons - options.reports,
    }
    files = {name: io.StringIO() for name in counts}
    for file in files.values():
        file.write(header + "\n")
    sample_numbers = []
    for name, count in counts.items():
        for n in range(count):
            number = next(numbers)
            if len(sample_numbers) < 200:
                sample_numbers.append(number)
            person = f"{number};Alva;Ek{n};Hjällbo"
            if name == "persons":
                files[name].write(f"{person};;;;;\n")
                continue
            received = now - datetime.timedelta(hours=n % 2000)
            offence = (received - datetime.timedelta(days=1)).date()
            files[name].write(
                f"{person};5000-K{n}-26;theft;{offence};{received:%Y-%m-%d %H:%M};Stöld\n"
            )
    runs = [
        ("worker", importer_a, worker),
        ("unit", importer_a, None),
        ("other", importer_b, None),
        ("persons", importer_a, None),
    ]
    for name, by, assign_to in runs:
        started = time.monotonic()
        stream = io.BytesIO(files[name].getvalue().encode())
        with data_key_cache():
            result = reports_import(stream=stream, by=by, assign_to=assign_to, batch_size=1000)
        elapsed = time.monotonic() - started
        print(
            f"  seeded {name}: {result.rows} rows in {elapsed:.1f} s "
            f"({result.rows / max(elapsed, 1e-6):,.0f} rows/s), {len(result.errors)} refused",
            flush=True,
        )
    accounts = {"worker": [], "manager": []}
    for role, account in (("worker", worker), ("manager", manager)):
        for code in backup_codes_replace(user=account):
            accounts[role].append(
                {"username": account.username, "password": password, "backup_code": code}
            )
    reports = Under15Report.objects.filter(assigned_to=worker).values_list("pk", flat=True)
    plan = {
        "accounts": accounts,
        "reports": [str(pk) for pk in reports[:200]],
        "numbers": sample_numbers,
        "case_type": ContentType.objects.get_for_model(Under15Report).pk,
        "contact_time": now.strftime("%Y-%m-%dT%H:%M"),
    }
    Path(plan_path).write_text(json.dumps(plan))


# --- The run ------------------------------------------------------------------------------


def certificate(directory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = Path(directory, "cert.pem"), Path(directory, "key.pem")
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def wait_for_health(timeout=60):
    import ssl

    context = ssl._create_unverified_context()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"https://127.0.0.1:{PORT}/health/", context=context, timeout=2
            ) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /health/ in time")


def report(stats_path):
    with open(stats_path) as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    print()
    print(
        f"{'page':<22}{'req':>7}{'req/s':>8}{'p50':>6}{'p95':>6}{'p99':>6}   bare view "
        f"{'p50':>5}{'p95':>5}   cost vs bare   goal"
    )
    failures = []
    for page, bare in PAIRS.items():
        if page not in rows or bare not in rows:
            failures.append(f"{page}: no requests measured")
            continue
        p, b = rows[page], rows[bare]
        ratio = float(b["Average Response Time"]) / max(float(p["Average Response Time"]), 1e-6)
        goal = GOALS_MS.get(page, DEFAULT_GOAL_MS)
        met = float(p["95%"]) < goal and ratio >= 0.6 and int(p["Failure Count"]) == 0
        if not met:
            failures.append(page)
        print(
            f"{page:<22}{p['Request Count']:>7}{float(p['Requests/s']):>8.1f}"
            f"{p['50%']:>6}{p['95%']:>6}{p['99%']:>6}   {'':>9} {b['50%']:>5}{b['95%']:>5}"
            f"   {ratio:>11.0%}   p95<{goal} ms, >=60 %: {'met' if met else 'NOT MET'}"
        )
    failed = sum(int(row["Failure Count"]) for row in rows.values())
    print(f"\nfailed requests: {failed}")
    return failures


def verifier_rate(env):
    """verify_audit_chain over every event the seeding and the run wrote; goal 100,000/s."""
    print("Verifying the access log ...", flush=True)
    result = subprocess.run(
        [PYTHON, "manage.py", "verify_audit_chain"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    summary = result.stdout.strip().splitlines()[-1]
    print(f"  {summary}")
    rate = float(summary.rsplit("(", 1)[1].split()[0].replace(",", ""))
    return [] if rate >= VERIFIER_GOAL else ["verify_audit_chain"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=30_000)
    parser.add_argument("--worker-reports", type=int, default=2_000)
    parser.add_argument("--unit-reports", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=4, help="concurrent locust users")
    parser.add_argument("--run-time", default="30s")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL role that may create databases",
    )
    parser.add_argument("--database", default="trygg_bench")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--seed-into", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.seed_into:
        seed(options, options.seed_into)
        return

    database_url = options.admin_url.rsplit("/", 1)[0] + "/" + options.database
    env = environment(database_url)
    admin_sql(options.admin_url, f'DROP DATABASE IF EXISTS "{options.database}"')
    admin_sql(options.admin_url, f'CREATE DATABASE "{options.database}"')
    gunicorn = None
    try:
        with tempfile.TemporaryDirectory() as scratch:
            print("Migrating and collecting static files ...", flush=True)
            run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env)
            run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], env)
            print("Seeding through the CSV import ...", flush=True)
            plan_path = Path(scratch, "plan.json")
            run([PYTHON, __file__, *sys.argv[1:], "--seed-into", str(plan_path)], env)
            cert, key = certificate(scratch)
            gunicorn = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{PORT}",
                    "--workers",
                    str(options.workers),
                    "--certfile",
                    str(cert),
                    "--keyfile",
                    str(key),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
            )
            wait_for_health()
            print(f"Driving it: {options.users} users for {options.run_time} ...", flush=True)
            stats = Path(scratch, "locust")
            run(
                [
                    PYTHON,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(options.users),
                    "--spawn-rate",
                    str(options.users),
                    "--run-time",
                    options.run_time,
                    "--host",
                    f"https://127.0.0.1:{PORT}",
                    "--csv",
                    str(stats),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                {**env, "BENCH_PLAN": plan_path.read_text()},
                stdout=subprocess.DEVNULL,
            )
            failures = report(f"{stats}_stats.csv")
            failures += verifier_rate(env)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        if not options.keep:
            admin_sql(options.admin_url, f'DROP DATABASE IF EXISTS "{options.database}"')
    print(f"Machine: {os.cpu_count()} cores; goals not met: {', '.join(failures) or 'none'}")


if __name__ == "__main__":
    main()
