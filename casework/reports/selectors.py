"""Which under-15 reports a user sees, and in what order; the rules are in
casework/reports/access.py."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404
from django.utils.translation import gettext

from casework.fsm import steps_offered
from casework.journal.models import Contact, JournalEntry, JournalState
from casework.persons.access import Erased
from casework.reports import access, urgency
from casework.reports.access import ReportAccess
from casework.reports.deadlines import report_deadline
from casework.reports.models import (
    STEPS,
    AssessmentDecision,
    CloseReason,
    ReportState,
    Under15Report,
)


class ReportErased(Erased):
    """The user would reach the report, but its content was erased."""


def reports_for_user(*, user, to_work=False):
    return access.reports_for_user(user=user, to_work=to_work).select_related(
        "person", "person__data_key", "data_key", "district", "assigned_to", "unit"
    )


def report_get_for_user(*, user, pk, to_work=False):
    """The report, if the user may open it (``to_work``: as a social worker);
    404 otherwise; ReportErased if they would, but it was erased."""
    report = reports_for_user(user=user, to_work=to_work).filter(pk=pk).first()
    if report is None:
        erased = Under15Report.objects.filter(pk=pk).select_related("person").first()
        if erased is not None and erased.is_erased:
            reach = access.report_access(user=user, report=erased)
            if reach is ReportAccess.WORK or (reach is ReportAccess.MANAGE and not to_work):
                raise ReportErased(erased)
        raise Http404
    return report


def reports_open_for_worker(*, user, state=None, district=None):
    """The worker's own open reports, most urgent first (overdue, then by due time)."""
    reports = access.reports_assigned_to(user=user).exclude(state=ReportState.CLOSED)
    reports = reports.select_related("person", "person__data_key", "data_key", "district")
    if state:
        reports = reports.filter(state=state)
    if district:
        reports = reports.filter(district=district)
    return urgency.by_urgency(reports)


def reports_open_for_unit(*, user):
    """The unit's open reports for its manager: unassigned first, then by urgency."""
    reports = reports_for_user(user=user).exclude(state=ReportState.CLOSED)
    return urgency.by_urgency(reports, unassigned_first=True)


def reports_pressing_for_worker(*, user, now):
    """The worker's own open reports that are overdue or due soon, most urgent first."""
    return reports_open_for_worker(user=user).filter(due_soon_at__lte=now)


def unit_workers(*, unit):
    """The social workers a unit's reports can be assigned to."""
    return access.unit_workers(unit=unit).order_by("first_name", "last_name")


def assignable_workers(*, report):
    """The workers a manager may assign ``report`` to, by name."""
    return access.assignable_workers(report=report).order_by("first_name", "last_name")


# --- The lists of the worker's and the manager's day -----------------------------------------


def worker_reports_listing(*, user, state=None, district=None, page=None, now):
    """The worker's open reports (``state``, ``district``: filters), most urgent
    first, a page at a time, with the overdue and due-soon counts of all of
    them (the start page shows the same list). Ordered, counted and paged in SQL."""
    every_report = reports_open_for_worker(user=user)
    shown = reports_open_for_worker(user=user, state=state, district=district)
    return _paged_with_deadlines(every_report, shown, page=page, now=now)


def unit_reports_listing(*, user, page=None, now):
    """The unit's open reports, unassigned first, a page at a time, each with
    the workers one may assign it to; counts of unassigned, overdue and due soon."""
    reports = reports_open_for_unit(user=user)
    listing = _paged_with_deadlines(reports, reports, page=page, now=now)
    # Once for the page, not once per row's drop-down; a protected person's
    # report offers only the workers already assigned to the person.
    workers = list(unit_workers(unit=user.unit))
    listing["rows"] = [
        (
            report,
            deadline,
            list(assignable_workers(report=report))
            if report.person.protected_identity
            else workers,
        )
        for report, deadline in listing["rows"]
    ]
    return listing


def _paged_with_deadlines(every_report, shown, *, page, now):
    """A page of ``shown`` (a subset of ``every_report``) with each report's
    deadline, and the overdue, due-soon and unassigned counts over all."""
    page = Paginator(shown, settings.REPORTS_PER_PAGE).get_page(page)
    counts = urgency.urgency_counts(every_report, now=now)
    return {
        "page": page,
        "rows": [(report, report_deadline(report, now)) for report in page],
        "overdue_count": counts["overdue"],
        "due_soon_count": counts["due_soon"],
        "unassigned_count": counts["unassigned"],
    }


def report_steps_offered(report, user):
    """The steps ``user`` may take on ``report`` now, in the order of STEPS."""
    return steps_offered(report, user, order=STEPS)


UNSIGNED_DRAFTS_SHOWN = 10


def unsigned_drafts(report):
    """(up to UNSIGNED_DRAFTS_SHOWN of the report's draft notes, oldest first, with
    their authors; whether there are more): one query, whatever the case's length."""
    case_type = ContentType.objects.get_for_model(report)
    drafts = list(
        JournalEntry.objects.filter(
            case_type=case_type, case_id=report.pk, state=JournalState.DRAFT
        )
        .select_related("created_by")
        .order_by("created_at")[: UNSIGNED_DRAFTS_SHOWN + 1]
    )
    return drafts[:UNSIGNED_DRAFTS_SHOWN], len(drafts) > UNSIGNED_DRAFTS_SHOWN


def report_contacts_newest(report, *, limit):
    """The report's newest logged contacts (up to ``limit``) since its last step,
    to offer as its first contact (steps are in time order, to the minute)."""
    case_type = ContentType.objects.get_for_model(report)
    since = max(t for t in (report.received_at, report.protection_assessed_at) if t)
    return list(
        Contact.objects.filter(
            case_type=case_type,
            case_id=report.pk,
            occurred_at__gte=since.replace(second=0, microsecond=0),
        )
        .select_related("data_key")
        .order_by("-occurred_at")[:limit]
    )


# --- The timeline -------------------------------------------------------------------------

TIMELINE_PER_PAGE = 25
# Far past any real timeline; keeps OFFSET inside a 64-bit integer for junk page numbers.
TIMELINE_MAX_PAGE = 1_000_000

# Entries are ordered by the minute they happened: users type times to the minute,
# the system records them to the microsecond, and compared as they are a note
# written at 10:00:35 would sort after a meeting typed as 10:00 that it is about.
# Within a minute, by when they were recorded; then the order the timeline always
# had, oldest first: contacts, then notes, then history rows in their order, an
# assignment before the state change of the same row. Newest first is the reverse.
_KIND_RANK = {"contact": 0, "journal": 1, "assignment": 2, "state": 3}
_ORDER = ("minute", "recorded_at", "seq", "kind_rank", "id")


@dataclass(frozen=True)
class TimelinePage:
    """One page of a report's timeline, newest first; page 1 holds the newest entries.

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


def report_timeline_page(report, *, with_records=True, page=1, per_page=None, note=None):
    """A page of the report's timeline, newest first: its entries are those of
    ``report_timeline``. ``page`` may come straight from the query string:
    anything but a positive integer is page 1. ``note``: the id of a journal
    note of the report (from a link); the page is the one that shows it.

    Ordered and paged in SQL, then one query per model: a page costs the same
    queries whatever the report's length, and whatever mix of entries it holds.
    """
    per_page = per_page or TIMELINE_PER_PAGE
    number = _page_number(page)
    if note is not None and with_records:
        newer = _timeline_count_newer(report, note)
        if newer is not None:
            number = newer // per_page + 1
    keys = _timeline_keys(
        report, with_records=with_records, limit=per_page + 1, offset=(number - 1) * per_page
    )
    entries = _timeline_entries(report, keys[:per_page], with_records=with_records)
    return TimelinePage(entries=entries, number=number, has_older=len(keys) > per_page)


def report_timeline(report, *, with_records=True):
    """Contacts (each with its notes), journal notes, assignments and state changes
    (with the answer that moved the report: protection need, decision, reason),
    oldest first, with who and when.

    ``with_records``: contacts and notes too (the user may read case records).
    Every entry: the detail page shows ``report_timeline_page`` instead.
    """
    keys = _timeline_keys(report, with_records=with_records)
    return _timeline_entries(report, keys[::-1], with_records=with_records)


def _page_number(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(number, TIMELINE_MAX_PAGE) if number >= 1 else 1


def _timeline_count_newer(report, note):
    """How many entries come before journal note ``note`` (newest first), or None
    if it is not a note of this report."""
    try:
        note = uuid.UUID(str(note))
    except ValueError:
        return None
    case_type = ContentType.objects.get_for_model(report)
    found = (
        JournalEntry.objects.filter(pk=note, case_type=case_type, case_id=report.pk)
        .values_list("contact_id", flat=True)
        .first()
    )
    # A note written with a contact is shown in the contact's entry.
    kind, target = ("contact", found) if found else ("journal", note)
    entries_sql, params = _timeline_sql(report, with_records=True)
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


def _timeline_keys(report, *, with_records, limit=None, offset=0):
    """(kind, id) of the report's timeline entries, newest first, chosen in SQL."""
    entries_sql, params = _timeline_sql(report, with_records=with_records)
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


def _timeline_sql(report, *, with_records):
    """The ``history`` and ``entries`` common table expressions of the timeline,
    and their parameters.

    A history row makes a "state" entry where its state differs from the row
    before (the first row counts), and an "assignment" entry where its assignee
    does (not the first row); LAG compares each row with the one before. A note
    written with a contact is part of the contact's entry, not one of its own.
    Table and column names come from the models, quoted; values are parameters.
    """
    history_model = Under15Report.history.model
    history = _sql_names(history_model, "id", "history_id", "history_date", "state")
    history.update(_sql_names(history_model, "state_changed_at", "assigned_to"))
    params = [
        _sql_value(history_model, "id", report.pk),
        ReportState.RECEIVED.value,
        _sql_value(Under15Report, "received_at", report.received_at),
    ]
    records = ""
    if with_records:
        case_type = ContentType.objects.get_for_model(report)
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
            params += [case_type.pk, _sql_value(model, "case_id", report.pk)]
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


def _timeline_entries(report, keys, *, with_records):
    """The entries for ``keys``, in their order, each model's rows in one query.

    Asked even for a model the page holds none of, so that every page costs
    the same queries: history rows, contacts, notes, the contacts' notes, and
    the corrections of every note shown (each note points forward to them).
    """
    wanted = {"contact": [], "journal": [], "history": []}
    for kind, pk in keys:
        wanted["history" if kind in ("state", "assignment") else kind].append(pk)
    history = _by_id(
        report.history.select_related("history_user", "assigned_to"), wanted["history"]
    )
    contacts = notes = {}
    contact_notes = {}
    if with_records:
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
                    # As in the SQL that placed it: registration is dated by the report.
                    "at": record.state_changed_at
                    or (
                        report.received_at
                        if record.state == ReportState.RECEIVED
                        else record.history_date
                    ),
                    "object": record,
                    "state": ReportState(record.state).label,
                    "answer": _state_answer(record),
                    "by": record.history_user,
                }
            )
    return entries


def _state_answer(record):
    """The answer that moved the report into ``record``'s state, in words."""
    if record.state == ReportState.PROTECTION_ASSESSED and record.protection_needed is not None:
        return (
            gettext("Immediate protection need: yes")
            if record.protection_needed
            else gettext("Immediate protection need: no")
        )
    if record.state == ReportState.ASSESSED and record.decision:
        return gettext("Decision: %(decision)s") % {
            "decision": AssessmentDecision(record.decision).label
        }
    if record.state == ReportState.CLOSED and record.close_reason:
        return gettext("Reason: %(reason)s") % {"reason": CloseReason(record.close_reason).label}
    return ""


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


# --- A person's reports -------------------------------------------------------------------

PERSON_REPORTS_SHOWN = 50


def reports_of_person_for_user(*, user, person, limit=None):
    """(up to ``limit`` (PERSON_REPORTS_SHOWN) of the person's reports that ``user``
    may open, open and closed, newest first; whether there are more): one query,
    however many the person has. The access rule is the report page's
    (``reports_for_user``): a report of another unit, not assigned to the user,
    is not among them."""
    limit = limit or PERSON_REPORTS_SHOWN
    reports = list(
        reports_for_user(user=user, to_work=True)
        .filter(person=person)
        .order_by("-received_at", "-pk")[: limit + 1]
    )
    return reports[:limit], len(reports) > limit
