"""Importing persons and open under-15 reports from a CSV file (moving from an old system).

One row is one report: the child (identity number and names) and the
police report. A row with only the person's columns (identity number,
names, district) registers the person without a report. Everything goes
the same way as registration through the pages: encrypted fields under
the person's and the case's own data keys, blind indexes, history rows,
the same checks of the identity number, the dates and the age, and an
access-log event for every person and report created. Only the writing
is batched: a batch of rows is a few bulk INSERTs in one transaction.

- A bad row is reported by its line number with the reason and skipped;
  the good rows around it are imported. A row is all or nothing: its person
  and its report are written together or not at all.
- Rerunning the same file imports nothing twice: a report is recognised by
  a keyed hash of identity number and police reference (``import_key``), a
  person by the identity number's blind index. So a stopped import is
  resumed by running it again.
- The file is UTF-8 (a byte-order mark is allowed), one record per line,
  separated by semicolons (as Swedish spreadsheets write CSV) or commas.
"""

import csv
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from simple_history.utils import bulk_create_with_history

from accounts.models import District
from audit.services import access_events_record_many
from casework.errors import ApplicationError
from casework.persons.identity_numbers import parse_identity_number
from casework.persons.models import (
    Person,
    PersonNameToken,
    identity_number_index,
    name_token_index,
    name_tokens,
)
from casework.persons.services import PERSON_OBJECT
from casework.reports.deadlines import report_deadline
from casework.reports.models import OffenceCategory, Under15Report
from casework.reports.services import REPORT_OBJECT, report_values_check
from vault.bulk import data_keys_create
from vault.keyring import blind_index
from vault.models import DataKey

IMPORT_KEY_INDEX = "report-import"
PERSON_COLUMNS = ("identity_number", "given_names", "family_name", "district")
REPORT_COLUMNS = ("police_reference", "offence_category", "offence_date", "received_at")
COLUMNS = (*PERSON_COLUMNS, *REPORT_COLUMNS, "summary")
REQUIRED = PERSON_COLUMNS + REPORT_COLUMNS


def report_import_key(digits12, police_reference):
    """The keyed hash that recognises a police report sent again: the child's
    identity number (12 digits) and the police reference, spaces and case aside.
    The import and the police intake API (intake/) share it, so neither makes
    a report the other has made."""
    reference = "".join(police_reference.split()).upper()
    return blind_index(IMPORT_KEY_INDEX, f"{digits12}\x1f{reference}")


class ImportFileError(Exception):
    """The file as a whole cannot be read (its header, say)."""


@dataclass
class ImportRow:
    line: int
    number: object  # casework.identity_numbers.IdentityNumber
    given_names: str
    family_name: str
    district: District
    # Empty for a row that registers only the person.
    police_reference: str = ""
    offence_category: str = ""
    offence_date: datetime.date | None = None
    received_at: datetime.datetime | None = None
    summary: str = ""
    age: int | None = None

    @property
    def has_report(self):
        return bool(self.police_reference)

    @property
    def import_key(self):
        if not self.has_report:
            return None
        return report_import_key(self.number.digits12, self.police_reference)


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    persons_created: int = 0
    already_imported: int = 0
    errors: list = field(default_factory=list)  # (line, message)


def _lines(stream):
    """(line number, text or None if it is not UTF-8) for each line of a binary stream."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield number, raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield number, None


def _received_at(text):
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError
        moment = datetime.datetime.combine(day, datetime.time(8, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _row(line, values, districts):
    """An ImportRow, or raise ValueError with the reason for the user."""
    has_report = any(values.get(name, "").strip() for name in (*REPORT_COLUMNS, "summary"))
    wanted = REQUIRED if has_report else PERSON_COLUMNS
    missing = [name for name in wanted if not values.get(name, "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    try:
        number = parse_identity_number(values["identity_number"])
    except ValidationError as error:
        raise ValueError(f"identity number: {' '.join(error.messages)}") from None
    district = districts.get(values["district"].strip().casefold())
    if district is None:
        raise ValueError(f"unknown district {values['district'].strip()!r}")
    person = {
        "line": line,
        "number": number,
        "given_names": values["given_names"].strip(),
        "family_name": values["family_name"].strip(),
        "district": district,
    }
    if not has_report:
        return ImportRow(**person)
    category = values["offence_category"].strip()
    if category not in OffenceCategory.values:
        raise ValueError(
            f"unknown offence category {category!r} (one of {', '.join(OffenceCategory.values)})"
        )
    offence_date = parse_date(values["offence_date"].strip() or "x")
    if offence_date is None:
        raise ValueError("offence date: not a date (YYYY-MM-DD)")
    try:
        received_at = _received_at(values["received_at"].strip())
    except ValueError:
        raise ValueError("received at: not a date and time (YYYY-MM-DD HH:MM)") from None
    try:
        age = report_values_check(
            born=number.birth_date, offence_date=offence_date, received_at=received_at
        )
    except ApplicationError as error:
        raise ValueError(error.message) from None
    return ImportRow(
        **person,
        police_reference=values["police_reference"].strip(),
        offence_category=category,
        offence_date=offence_date,
        received_at=received_at,
        summary=(values.get("summary") or "").strip(),
        age=age,
    )


def reports_import(*, stream, by, assign_to=None, batch_size=500, progress=None):
    """Import the CSV in binary ``stream`` as ``by`` (reports land in ``by``'s unit,
    assigned to ``assign_to`` or unassigned). Returns an ImportResult.

    Side effects: persons, reports, their data keys, name tokens and history
    rows, and an access-log event for each person and report created; a
    batch's rows commit together.
    """
    if not by.has_perms(["casework.register_report", "casework.register_person"]):
        raise ImportFileError(f"{by} may not register persons and reports")
    if by.unit_id is None:
        raise ImportFileError(f"{by} is not placed in a unit")
    lines = _lines(stream)
    header_line = next(lines, (1, None))[1]
    if header_line is None:
        raise ImportFileError("line 1: the file is empty or not UTF-8")
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    header = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter))]
    absent = [name for name in COLUMNS if name not in header]
    if absent:
        raise ImportFileError(f"line 1: columns missing: {', '.join(absent)}")
    districts = {district.name.casefold(): district for district in District.objects.all()}
    result = ImportResult()
    batch = []
    for line, text in lines:
        if text is None:
            result.rows += 1
            result.errors.append((line, "not valid UTF-8"))
            continue
        if not text.strip():
            continue
        result.rows += 1
        cells = next(csv.reader([text], delimiter=delimiter))
        if len(cells) != len(header):
            result.errors.append((line, f"{len(cells)} fields, the header has {len(header)}"))
            continue
        try:
            batch.append(_row(line, dict(zip(header, cells, strict=True)), districts))
        except ValueError as error:
            result.errors.append((line, str(error)))
            continue
        if len(batch) >= batch_size:
            _batch_write(batch, by=by, assign_to=assign_to, result=result)
            batch = []
            if progress:
                progress(result)
    if batch:
        _batch_write(batch, by=by, assign_to=assign_to, result=result)
        if progress:
            progress(result)
    if result.imported or result.persons_created:
        _statistics_refresh()
    result.errors.sort()
    return result


def _statistics_refresh():
    """Fresh planner statistics after a bulk load: without them PostgreSQL takes a
    20,000-row table for a one-row one and sorts it whole instead of walking an index."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Person, PersonNameToken, Under15Report, DataKey):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _persons_found(rows):
    indexes = {identity_number_index(row.number.digits12) for row in rows}
    found = Person.objects.filter(identity_number_index__in=indexes).prefetch_related(
        "name_tokens"
    )
    return {person.identity_number_index: person for person in found}


def _names_fit(tokens, row):
    family, given = name_tokens(row.family_name), name_tokens(row.given_names)
    return (
        bool(family and given)
        and all(name_token_index(token) in tokens for token in family)
        and any(name_token_index(token) in tokens for token in given)
    )


@transaction.atomic
def _batch_write(rows, *, by, assign_to, result):
    """Write one batch: new persons, then reports; skip what is there already."""
    keys = {row.import_key for row in rows if row.has_report}
    done = set(
        Under15Report.objects.filter(import_key__in=keys).values_list("import_key", flat=True)
    )
    persons = _persons_found(rows)
    tokens = {index: {t.token for t in p.name_tokens.all()} for index, p in persons.items()}
    new_persons, writable, seen_keys = {}, [], set()
    for row in rows:
        if row.has_report and row.import_key in done:
            result.already_imported += 1
            continue
        if row.has_report and row.import_key in seen_keys:
            result.errors.append((row.line, "the same report twice in the file"))
            continue
        index = identity_number_index(row.number.digits12)
        if not row.has_report and index in persons:
            result.already_imported += 1  # the person is there: nothing to do
            continue
        if index in persons:
            if not _names_fit(tokens[index], row):
                result.errors.append(
                    (row.line, "the identity number is registered with other names")
                )
                continue
        elif index in new_persons:
            if (row.given_names, row.family_name) != new_persons[index][1:]:
                result.errors.append((row.line, "the same identity number with other names"))
                continue
        else:
            new_persons[index] = (row, row.given_names, row.family_name)
        if row.has_report:
            seen_keys.add(row.import_key)
        writable.append(row)
    if not writable:
        return
    now = timezone.now()
    person_keys = data_keys_create(purpose=DataKey.Purpose.PERSON, count=len(new_persons))
    created = []
    for (index, (row, given, family)), data_key in zip(
        new_persons.items(), person_keys, strict=True
    ):
        person = Person(
            data_key=data_key,
            given_names=given,
            family_name=family,
            identity_number=row.number.digits12,
            identity_number_index=index,
            date_of_birth=row.number.birth_date,
            guardians=[],
            district=row.district,
            responsible_unit_id=by.unit_id,
            created_by=by,
            created_at=now,
        )
        person.research_birthday_refresh()
        persons[index] = person
        created.append(person)
    bulk_create_with_history(created, Person, default_user=by, default_date=now)
    PersonNameToken.objects.bulk_create(
        PersonNameToken(person=person, token=name_token_index(token))
        for person in created
        for token in sorted(name_tokens(person.given_names, person.family_name))
    )
    with_report = [row for row in writable if row.has_report]
    case_keys = data_keys_create(purpose=DataKey.Purpose.CASE, count=len(with_report))
    reports = []
    for row, data_key in zip(with_report, case_keys, strict=True):
        report = Under15Report(
            data_key=data_key,
            person=persons[identity_number_index(row.number.digits12)],
            unit_id=by.unit_id,
            assigned_to=assign_to,
            police_reference=row.police_reference,
            offence_category=row.offence_category,
            offence_date=row.offence_date,
            received_at=row.received_at,
            district=row.district,
            age_at_offence=row.age,
            summary=row.summary,
            import_key=row.import_key,
            created_by=by,
            created_at=now,
        )
        report.set_deadline(report_deadline(report, now))
        reports.append(report)
    bulk_create_with_history(reports, Under15Report, default_user=by, default_date=now)
    access_events_record_many(
        actor=by,
        events=[
            *(
                {
                    "action": "create",
                    "object_type": PERSON_OBJECT,
                    "object_id": str(person.pk),
                    "person_ref": person.pk,
                    "detail": "import",
                }
                for person in created
            ),
            *(
                {
                    "action": "create",
                    "object_type": REPORT_OBJECT,
                    "object_id": str(report.pk),
                    "person_ref": report.person_id,
                    "detail": "import",
                }
                for report in reports
            ),
        ],
    )
    result.imported += len(reports)
    result.persons_created += len(created)
