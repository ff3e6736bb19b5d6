"""A case's timeline: its steps, assignments, contacts, notes and documents in one
order, newest first, a page at a time, merged and paged in SQL.

Any programme's case: a model with ``state`` (an FSM field),
``state_changed_at``, ``assigned_to`` and a simple-history ``history``; what
differs (the first state and when it happened, the answer that moved the
case into a state) is its ``TimelineSpec``.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from casework.documents.models import Document
from casework.journal.models import Contact, JournalEntry

TIMELINE_PER_PAGE = 25
# Far past any real timeline; keeps OFFSET inside a 64-bit integer for junk page numbers.
TIMELINE_MAX_PAGE = 1_000_000

# Entries are ordered by the minute they happened: users type times to the minute,
# the system records them to the microsecond, and compared as they are a note
# written at 10:00:35 would sort after a meeting typed as 10:00 that it is about.
# Within a minute, by when they were recorded; then the order the timeline always
# had, oldest first: contacts, then notes, then history rows in their order, an
# assignment before the state change of the same row. Newest first is the reverse.
_KIND_RANK = {"contact": 0, "journal": 1, "assignment": 2, "state": 3, "document": 4}
_ORDER = ("minute", "recorded_at", "seq", "kind_rank", "id")


@dataclass(frozen=True)
class TimelineSpec:
    """What a programme's timeline says about its own states."""

    states: type  # the TextChoices of the case's states
    first_state: str  # the state a case is born in ...
    first_at: str  # ... dated by this field of the case, not by its history row
    answer: Callable  # (history row) -> the answer that moved the case there, in words


@dataclass(frozen=True)
class TimelinePage:
    """One page of a case's timeline, newest first; page 1 holds the newest entries.

    A page past the end is empty, with ``has_newer`` true and a link back to page 1
    (finding the last page would cost a count on every page).
    """

    entries: list
    number: int
    has_older: bool

    @property
    def has_newer(self):
        return self.number > 1

    @property
    def older_page_number(self):
        return self.number + 1 if self.has_older else None

    @property
    def newer_page_number(self):
        if not self.has_newer:
            return None
        return self.number - 1 if self.entries else 1


def case_timeline_page(case, spec, *, with_records=True, page=1, per_page=None, note=None):
    """A page of the case's timeline, newest first: its entries are those of
    ``case_timeline``. ``page`` may come straight from the query string:
    anything but a positive integer is page 1. ``note``: the id of a journal
    note of the case (from a link); the page is the one that shows it.

    Ordered and paged in SQL, then one query per model: a page costs the same
    queries whatever the case's length, and whatever mix of entries it holds.
    """
    per_page = per_page or TIMELINE_PER_PAGE
    number = _page_number(page)
    if note is not None and with_records:
        newer = _timeline_count_newer(case, spec, note)
        if newer is not None:
            number = newer // per_page + 1
    keys = _timeline_keys(
        case,
        spec,
        with_records=with_records,
        limit=per_page + 1,
        offset=(number - 1) * per_page,
    )
    entries = _timeline_entries(case, spec, keys[:per_page], with_records=with_records)
    return TimelinePage(entries=entries, number=number, has_older=len(keys) > per_page)


def case_timeline(case, spec, *, with_records=True):
    """Contacts (each with its notes), journal notes, assignments and state changes
    (with the answer that moved the case: protection need, decision, reason),
    oldest first, with who and when.

    ``with_records``: contacts and notes too (the user may read case records).
    Every entry: the detail page shows ``report_timeline_page`` instead.
    """
    keys = _timeline_keys(case, spec, with_records=with_records)
    return _timeline_entries(case, spec, keys[::-1], with_records=with_records)


def _page_number(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(number, TIMELINE_MAX_PAGE) if number >= 1 else 1


def _timeline_count_newer(case, spec, note):
    """How many entries come before journal note ``note`` (newest first), or None
    if it is not a note of this case."""
    try:
        note = uuid.UUID(str(note))
    except ValueError:
        return None
    case_type = ContentType.objects.get_for_model(case)
    found = (
        JournalEntry.objects.filter(pk=note, case_type=case_type, case_id=case.pk)
        .values_list("contact_id", flat=True)
        .first()
    )
    # A note written with a contact is shown in the contact's entry.
    kind, target = ("contact", found) if found else ("journal", note)
    entries_sql, params = _timeline_sql(case, spec, with_records=True)
    columns = ", ".join(_ORDER)
    sql = f"""
        WITH {entries_sql},
        target AS (SELECT {columns} FROM entries WHERE kind = %s AND id = %s)
        SELECT COUNT(*), (SELECT COUNT(*) FROM target) FROM entries
        WHERE ({columns}) > (SELECT {columns} FROM target)"""  # noqa: S608
    params += [kind, _sql_value(JournalEntry, "id", target)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        newer, found = cursor.fetchone()
    return newer if found else None


def _timeline_keys(case, spec, *, with_records, limit=None, offset=0):
    """(kind, id) of the case's timeline entries, newest first, chosen in SQL."""
    entries_sql, params = _timeline_sql(case, spec, with_records=with_records)
    order = ", ".join(f"{column} DESC" for column in _ORDER)
    sql = f"WITH {entries_sql} SELECT kind, id FROM entries ORDER BY {order}"  # noqa: S608
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params += [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # UUIDs come back as text on SQLite.
        return [(kind, uuid.UUID(str(pk))) for kind, pk in cursor.fetchall()]


def _minute(expression):
    """``expression`` (a datetime column) cut to the minute, in SQL.

    SQLite keeps datetimes as text of one format, in UTC: its first 16
    characters are the minute. Cutting in UTC is cutting in Stockholm time,
    whose offsets are whole hours.
    """
    if connection.vendor == "sqlite":
        return f"substr({expression}, 1, 16)"
    return f"date_trunc('minute', {expression})"


def _timeline_sql(case, spec, *, with_records):
    """The ``history`` and ``entries`` common table expressions of the timeline,
    and their parameters.

    A history row makes a "state" entry where its state differs from the row
    before (the first row counts), and an "assignment" entry where its assignee
    does (not the first row); LAG compares each row with the one before. A note
    written with a contact is part of the contact's entry, not one of its own.
    Table and column names come from the models, quoted; values are parameters.
    """
    history_model = type(case).history.model
    history = _sql_names(history_model, "id", "history_id", "history_date", "state")
    history.update(_sql_names(history_model, "state_changed_at", "assigned_to"))
    params = [
        _sql_value(history_model, "id", case.pk),
        spec.first_state,
        _sql_value(type(case), spec.first_at, getattr(case, spec.first_at)),
    ]
    records = ""
    if with_records:
        case_type = ContentType.objects.get_for_model(case)
        for kind, model, at, alone in (
            ("contact", Contact, "occurred_at", ""),
            ("journal", JournalEntry, "created_at", "contact"),
        ):
            names = _sql_names(model, "id", "case_type", "case_id", "created_at", at)
            if alone:
                names.update(_sql_names(model, alone))
            only_alone = f" AND {names[alone]} IS NULL" if alone else ""
            records += f"""
            UNION ALL
            SELECT '{kind}', {_KIND_RANK[kind]}, 0, {names["id"]}, {names[at]},
                {names["created_at"]}
            FROM {names["table"]}
            WHERE {names["case_type"]} = %s AND {names["case_id"]} = %s{only_alone}"""  # noqa: S608
            params += [case_type.pk, _sql_value(model, "case_id", case.pk)]
        documents = _sql_names(Document, "id", "owner_type", "owner_id", "added_at", "erased_at")
        records += f"""
            UNION ALL
            SELECT 'document', {_KIND_RANK["document"]}, 0, {documents["id"]},
                {documents["added_at"]}, {documents["added_at"]}
            FROM {documents["table"]}
            WHERE {documents["owner_type"]} = %s AND {documents["owner_id"]} = %s
                AND {documents["erased_at"]} IS NULL"""  # noqa: S608
        params += [case_type.pk, _sql_value(Document, "owner_id", case.pk)]
    # The assignee test is "IS DISTINCT FROM" spelled out: SQLite has it only from 3.39.
    sql = f"""
        history AS (
            SELECT {history["history_id"]} AS history_id,
                {history["history_date"]} AS history_date,
                {history["state"]} AS state,
                {history["state_changed_at"]} AS state_changed_at,
                {history["assigned_to"]} AS assigned_to,
                ROW_NUMBER() OVER rows_in_order AS seq,
                LAG({history["state"]}) OVER rows_in_order AS previous_state,
                LAG({history["assigned_to"]}) OVER rows_in_order AS previous_assignee
            FROM {history["table"]}
            WHERE {history["id"]} = %s
            WINDOW rows_in_order AS (ORDER BY {history["history_date"]}, {history["history_id"]})
        ),
        raw_entries AS (
            SELECT 'state' AS kind, {_KIND_RANK["state"]} AS kind_rank, seq, history_id AS id,
                COALESCE(
                    state_changed_at,
                    CASE WHEN state = %s THEN %s ELSE history_date END
                ) AS happened_at,
                history_date AS recorded_at
            FROM history
            WHERE seq = 1 OR state <> previous_state
            UNION ALL
            SELECT 'assignment', {_KIND_RANK["assignment"]}, seq, history_id, history_date,
                history_date
            FROM history
            WHERE seq > 1 AND (
                assigned_to <> previous_assignee
                OR (assigned_to IS NULL) <> (previous_assignee IS NULL)
            ){records}
        ),
        entries AS (
            SELECT kind, kind_rank, seq, id, recorded_at, {_minute("happened_at")} AS minute
            FROM raw_entries
        )"""  # noqa: S608
    return sql, params


def _sql_names(model, *fields):
    """The model's table and the named fields' columns, quoted for SQL."""
    quote = connection.ops.quote_name
    names = {field: quote(model._meta.get_field(field).column) for field in fields}
    names["table"] = quote(model._meta.db_table)
    return names


def _sql_value(model, field, value):
    """``value`` as the database stores the field (UUIDs and datetimes differ on SQLite)."""
    return model._meta.get_field(field).get_db_prep_value(value, connection)


def _timeline_entries(case, spec, keys, *, with_records):
    """The entries for ``keys``, in their order, each model's rows in one query.

    Asked even for a model the page holds none of, so that every page costs
    the same queries: history rows, contacts, notes, the contacts' notes, and
    the corrections of every note shown (each note points forward to them).
    """
    wanted = {"contact": [], "journal": [], "history": [], "document": []}
    for kind, pk in keys:
        wanted["history" if kind in ("state", "assignment") else kind].append(pk)
    history = _by_id(case.history.select_related("history_user", "assigned_to"), wanted["history"])
    contacts = notes = documents = {}
    contact_notes = {}
    if with_records:
        documents = _by_id(
            Document.objects.select_related("added_by", "data_key"), wanted["document"]
        )
        contacts = _by_id(
            Contact.objects.select_related("created_by", "data_key"), wanted["contact"]
        )
        note_rows = JournalEntry.objects.select_related(
            "created_by", "signed_by", "corrects", "data_key"
        )
        notes = _by_id(note_rows, wanted["journal"])
        for note in _rows_where(note_rows, "contact_id", wanted["contact"]).order_by("created_at"):
            contact_notes.setdefault(note.contact_id, []).append(note)
        shown = [*notes.values(), *(n for group in contact_notes.values() for n in group)]
        corrections = {}
        for row in _rows_where(
            JournalEntry.objects.only("id", "corrects_id", "created_at"),
            "corrects_id",
            [note.pk for note in shown],
        ).order_by("created_at"):
            corrections.setdefault(row.corrects_id, []).append(row)
        for note in shown:
            note.corrected_by = corrections.get(note.pk, [])
    entries = []
    for kind, pk in keys:
        if kind == "contact":
            contact = contacts[pk]
            entries.append(
                {
                    "kind": kind,
                    "at": contact.occurred_at,
                    "object": contact,
                    "notes": contact_notes.get(pk, []),
                }
            )
        elif kind == "document":
            document = documents[pk]
            entries.append({"kind": kind, "at": document.added_at, "object": document})
        elif kind == "journal":
            note = notes[pk]
            entries.append({"kind": kind, "at": note.created_at, "object": note})
        elif kind == "assignment":
            record = history[pk]
            entries.append(
                {
                    "kind": kind,
                    "at": record.history_date,
                    "object": record,
                    "assignee": record.assigned_to,
                    "by": record.history_user,
                }
            )
        else:
            record = history[pk]
            entries.append(
                {
                    "kind": kind,
                    # As in the SQL that placed it: registration is dated by the case.
                    "at": record.state_changed_at
                    or (
                        getattr(case, spec.first_at)
                        if record.state == spec.first_state
                        else record.history_date
                    ),
                    "object": record,
                    "state": spec.states(record.state).label,
                    "answer": spec.answer(record),
                    "by": record.history_user,
                }
            )
    return entries


def _rows_where(queryset, field, ids):
    # As _by_id: the database is asked even for no ids, so the count stays the same.
    if ids:
        return queryset.filter(**{f"{field}__in": ids})
    return queryset.filter(pk__isnull=True)


def _by_id(queryset, ids):
    # Django answers "pk IN ()" without asking the database; ask anyway (a
    # primary key is never NULL), so the count does not depend on the page's mix.
    rows = queryset.filter(pk__in=ids) if ids else queryset.filter(pk__isnull=True)
    return {row.pk: row for row in rows}
