"""Which under-15 reports a user sees, and in what order; the rules are in casework/policy.py."""

import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import Http404

from casework import policy, urgency
from casework.models import Contact, JournalEntry, ReportState, Under15Report


class ReportErased(policy.Erased):
    """The user would reach the report, but its content was erased."""


def reports_for_user(*, user, to_work=False):
    return policy.reports_for_user(user=user, to_work=to_work).select_related(
        "person", "person__data_key", "data_key", "district", "assigned_to", "unit"
    )


def report_get_for_user(*, user, pk, to_work=False):
    """The report, if the user may open it (``to_work``: as a social worker);
    404 otherwise; ReportErased if they would, but it was erased."""
    report = reports_for_user(user=user, to_work=to_work).filter(pk=pk).first()
    if report is None:
        erased = Under15Report.objects.filter(pk=pk).select_related("person").first()
        if erased is not None and erased.is_erased:
            access = policy.report_access(user=user, report=erased)
            if access is policy.ReportAccess.WORK or (
                access is policy.ReportAccess.MANAGE and not to_work
            ):
                raise ReportErased(erased)
        raise Http404
    return report


def reports_open_for_worker(*, user, state=None, district=None):
    """The worker's own open reports, most urgent first (overdue, then by due time)."""
    reports = policy.reports_assigned_to(user=user).exclude(state=ReportState.CLOSED)
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
    return policy.unit_workers(unit=unit).order_by("first_name", "last_name")


# --- The timeline -------------------------------------------------------------------------

TIMELINE_PER_PAGE = 25
# Far past any real timeline; keeps OFFSET inside a 64-bit integer for junk page numbers.
TIMELINE_MAX_PAGE = 1_000_000

# Ties in time keep the order the timeline always had, oldest first: contacts, then
# notes, then history rows in their order, an assignment before the state change of
# the same row. Newest first is exactly the reverse.
_KIND_RANK = {"contact": 0, "journal": 1, "assignment": 2, "state": 3}


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


def report_timeline_page(report, *, with_records=True, page=1, per_page=None):
    """A page of the report's timeline, newest first: its entries are those of
    ``report_timeline``. ``page`` may come straight from the query string:
    anything but a positive integer is page 1.

    Ordered and paged in SQL, then one query per model: a page costs the same
    queries whatever the report's length, and whatever mix of entries it holds.
    """
    per_page = per_page or TIMELINE_PER_PAGE
    number = _page_number(page)
    keys = _timeline_keys(
        report, with_records=with_records, limit=per_page + 1, offset=(number - 1) * per_page
    )
    entries = _timeline_entries(report, keys[:per_page], with_records=with_records)
    return TimelinePage(entries=entries, number=number, has_older=len(keys) > per_page)


def report_timeline(report, *, with_records=True):
    """Contacts, journal entries and state changes, oldest first, with who and when.

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


def _timeline_keys(report, *, with_records, limit=None, offset=0):
    """(kind, id) of the report's timeline entries, newest first, chosen in SQL.

    A history row makes a "state" entry where its state differs from the row
    before (the first row counts), and an "assignment" entry where its assignee
    does (not the first row); LAG compares each row with the one before.
    Datetimes order right on SQLite too, where they are text of one format.
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
        for kind, model, at in (
            ("contact", Contact, "occurred_at"),
            ("journal", JournalEntry, "created_at"),
        ):
            names = _sql_names(model, "id", "case_type", "case_id", at)
            records += f"""
            UNION ALL
            SELECT '{kind}', {_KIND_RANK[kind]}, 0, {names["id"]}, {names[at]}
            FROM {names["table"]}
            WHERE {names["case_type"]} = %s AND {names["case_id"]} = %s"""  # noqa: S608
            params += [case_type.pk, _sql_value(model, "case_id", report.pk)]
    # The assignee test is "IS DISTINCT FROM" spelled out: SQLite has it only from 3.39.
    sql = f"""
        WITH history AS (
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
        entries AS (
            SELECT 'state' AS kind, {_KIND_RANK["state"]} AS kind_rank, seq, history_id AS id,
                COALESCE(
                    state_changed_at,
                    CASE WHEN state = %s THEN %s ELSE history_date END
                ) AS happened_at
            FROM history
            WHERE seq = 1 OR state <> previous_state
            UNION ALL
            SELECT 'assignment', {_KIND_RANK["assignment"]}, seq, history_id, history_date
            FROM history
            WHERE seq > 1 AND (
                assigned_to <> previous_assignee
                OR (assigned_to IS NULL) <> (previous_assignee IS NULL)
            ){records}
        )
        SELECT kind, id FROM entries
        ORDER BY happened_at DESC, seq DESC, kind_rank DESC, id DESC"""  # noqa: S608
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params += [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # UUIDs come back as text on SQLite.
        return [(kind, uuid.UUID(str(pk))) for kind, pk in cursor.fetchall()]


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
    the same queries.
    """
    wanted = {"contact": [], "journal": [], "history": []}
    for kind, pk in keys:
        wanted["history" if kind in ("state", "assignment") else kind].append(pk)
    history = _by_id(
        report.history.select_related("history_user", "assigned_to"), wanted["history"]
    )
    contacts = notes = {}
    if with_records:
        contacts = _by_id(
            Contact.objects.select_related("created_by", "data_key"), wanted["contact"]
        )
        notes = _by_id(
            JournalEntry.objects.select_related("created_by", "signed_by", "corrects", "data_key"),
            wanted["journal"],
        )
    entries = []
    for kind, pk in keys:
        if kind == "contact":
            contact = contacts[pk]
            entries.append({"kind": kind, "at": contact.occurred_at, "object": contact})
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
                    "by": record.history_user,
                }
            )
    return entries


def _by_id(queryset, ids):
    # Django answers "pk IN ()" without asking the database; ask anyway (a
    # primary key is never NULL), so the count does not depend on the page's mix.
    rows = queryset.filter(pk__in=ids) if ids else queryset.filter(pk__isnull=True)
    return {row.pk: row for row in rows}
