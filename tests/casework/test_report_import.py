"""The CSV import: exactly the good rows, each bad one reported by line, nothing twice."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AccessEvent
from casework.models import Person, PersonNameToken, Under15Report
from casework.persons.demo import identity_number
from casework.reports.imports import reports_import
from tests.dump import database_dump
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "identity_number;given_names;family_name;district;police_reference;"
    "offence_category;offence_date;received_at;summary"
)
BORN = datetime.date(2014, 3, 4)
GOOD_A = identity_number(BORN, 123)
GOOD_B = identity_number(datetime.date(2013, 6, 1), 456)
FIFTEEN = identity_number(datetime.date(2005, 5, 5), 789)
BAD_CHECK_DIGIT = GOOD_A[:-1] + str((int(GOOD_A[-1]) + 1) % 10)


def csv_bytes(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def row(number, given="Alva", family="Ekström", reference="5000-K1-26", **overrides):
    values = {
        "district": "Hjällbo",
        "category": "theft",
        "offence": "2026-10-01",
        "received": "2026-10-02 09:30",
        "summary": "Stal en cykel vid Hjällbo torg",
    }
    values.update(overrides)
    return (
        f"{number};{given};{family};{values['district']};{reference};{values['category']};"
        f"{values['offence']};{values['received']};{values['summary']}"
    )


@pytest.fixture
def district(db):
    return DistrictFactory(name="Hjällbo")


def run(data, by, **kwargs):
    return reports_import(stream=io.BytesIO(data), by=by, batch_size=3, **kwargs)


def test_it_imports_exactly_the_good_rows_and_reports_each_bad_one(worker, district):
    data = (
        csv_bytes(
            row(GOOD_A),  # line 2
            row(GOOD_A, reference="5000-K2-26"),  # 3: a second report, same child
            row(BAD_CHECK_DIGIT),  # 4
            row(FIFTEEN),  # 5: 21 at the offence
            row(GOOD_A),  # 6: the same report twice
            row(GOOD_B, given="Kim", family="Berg", category="arson"),  # 7
            row(GOOD_B, given="Kim", family="Berg", district="Atlantis"),  # 8
        )
        + "ÅÄÖ;broken\n".encode("latin-1")  # 9: not UTF-8
        + (row(GOOD_B, given="Kim", family="Berg", reference="5000-K9-26") + "\n").encode()
    )
    result = run(data, worker)
    assert result.imported == 3
    assert result.persons_created == 2
    assert [line for line, _message in result.errors] == [4, 5, 6, 7, 8, 9]
    messages = dict(result.errors)
    assert "identity number" in messages[4]
    assert "15" in messages[5] or "21" in messages[5]
    assert "twice" in messages[6]
    assert "arson" in messages[7]
    assert "Atlantis" in messages[8]
    assert "UTF-8" in messages[9]
    assert all(person.responsible_unit == worker.unit for person in Person.objects.all())
    reports = Under15Report.objects.all()
    assert {r.police_reference for r in reports} == {"5000-K1-26", "5000-K2-26", "5000-K9-26"}
    assert all(r.assigned_to is None and r.unit == worker.unit for r in reports)
    assert all(r.due_at is not None for r in reports)


def test_a_rerun_imports_nothing_twice(worker, district):
    data = csv_bytes(row(GOOD_A), row(GOOD_B, given="Kim", family="Berg"))
    assert run(data, worker).imported == 2
    again = run(data, worker)
    assert again.imported == 0 and again.already_imported == 2
    assert Under15Report.objects.count() == 2 and Person.objects.count() == 2


def test_it_goes_through_keys_indexes_history_and_the_access_log(worker, district):
    run(csv_bytes(row(GOOD_A)), worker)
    report = Under15Report.objects.select_related("person").get()
    person = report.person
    assert (person.given_names, person.family_name) == ("Alva", "Ekström")
    assert person.identity_number == GOOD_A.replace("-", "")
    assert report.data_key_id != person.data_key_id
    assert PersonNameToken.objects.filter(person=person).count() == 2
    assert person.history.count() == 1 and report.history.count() == 1
    assert report.history.get().police_reference == "5000-K1-26"
    events = AccessEvent.objects.filter(actor=worker, action="create", detail="import")
    assert {e.object_type for e in events} == {"casework.person", "casework.under15report"}


def test_an_existing_number_with_other_names_is_refused(worker, district):
    run(csv_bytes(row(GOOD_A)), worker)
    result = run(csv_bytes(row(GOOD_A, given="Kim", family="Berg", reference="X-1")), worker)
    assert result.imported == 0
    assert result.errors[0][0] == 2 and "other names" in result.errors[0][1]


@pytest.mark.django_db(transaction=True)
def test_nothing_it_writes_is_plaintext(worker, district):
    run(csv_bytes(row(GOOD_A)), worker)
    dump = database_dump()
    for secret in ("Ekström", "Alva", "5000-K1-26", "Stal en cykel", GOOD_A.replace("-", "")):
        assert secret not in dump


def test_the_command_lists_refused_rows_and_fails(worker, district, tmp_path):
    path = tmp_path / "reports.csv"
    path.write_bytes(csv_bytes(row(GOOD_A), row(BAD_CHECK_DIGIT)))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 rows were not imported"):
        call_command("import_reports", str(path), by=worker.username, stdout=out, stderr=err)
    assert "line 3:" in err.getvalue()
    assert "1 reports imported" in out.getvalue()


def test_a_row_without_report_columns_registers_only_the_person(worker, district):
    result = run(csv_bytes(f"{GOOD_A};Alva;Ekström;Hjällbo;;;;;"), worker)
    assert result.imported == 0 and result.persons_created == 1 and not result.errors
    assert Person.objects.get().family_name == "Ekström"
    assert not Under15Report.objects.exists()
    assert run(csv_bytes(f"{GOOD_A};Alva;Ekström;Hjällbo;;;;;"), worker).persons_created == 0


def test_a_report_row_missing_a_report_column_is_refused(worker, district):
    result = run(csv_bytes(f"{GOOD_A};Alva;Ekström;Hjällbo;5000-K1-26;theft;;;"), worker)
    assert result.errors == [(2, "missing offence_date, received_at")]


def test_a_row_with_birth_serial_000_is_refused(worker, district):
    serial_000 = identity_number(BORN, 0)
    result = run(csv_bytes(row(serial_000)), worker)
    assert result.imported == 0
    [(line, message)] = result.errors
    assert line == 2 and "000" in message
