"""The auditor's pages: search the access log, download it as CSV.

They live with the access rules (accounts) so that ``audit`` depends on
nothing of ours; the log's models, search form and selectors stay in audit.
"""

import csv
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import roles_required
from accounts.auditing.services import access_log_use_record, review_report_export_record
from accounts.models import Unit
from accounts.roles import Role
from audit import selectors
from audit.forms import (
    AccessEventSearchForm,
    ReviewConclusionForm,
    ReviewQueueForm,
    ReviewReportForm,
)
from audit.models import Action, Conclusion, ReviewItem
from audit.selectors import access_events_search
from audit.services import AlreadyReviewed, ReviewRefused, review_item_conclude

PAGE_SIZE = 50
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel with Swedish settings splits a CSV file on ";": "," is the decimal
# separator there.
CSV_DELIMITER = ";"


def _person_lookup():
    """casework's identity-number look-up (AUDIT_PERSON_LOOKUP), or None."""
    path = getattr(settings, "AUDIT_PERSON_LOOKUP", None)
    return import_string(path) if path else None


def _require(request, permission):
    # The role is the access rule; the permission lets an administrator
    # take exporting away from the role without a code change.
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _role_labels(page):
    """Each event's role snapshot in words (the log keeps role names only)."""
    labels = {role.value: role.label for role in Role}
    for event in page or ():
        event.role_labels = [
            labels.get(name, name) for name in event.actor_roles.split(",") if name
        ]


def object_label(object_type, object_id):
    """ "Person 2FAB3896", "Anmälan om barn under 15 F9468BB5": the model's name
    in the user's language and the id's first eight characters. An object
    type that is no model (a summary, the log itself) keeps its name."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return f"{object_type} {object_id}".strip()
    reference = object_id
    if len(object_id) == 36 and object_id.count("-") == 4:
        reference = object_id[:8].upper()
    return f"{capfirst(model._meta.verbose_name)} {reference}".strip()


def _object_labels(page):
    for event in page or ():
        event.object_label = object_label(event.object_type, event.object_id)


def _render_list(request, form, *, page=None, no_match=False):
    _role_labels(page)
    _object_labels(page)
    # Only a valid search has a query string and a person filter to show.
    searched = page is not None
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "no_match": no_match,
            "query": form.query_string() if searched else "",
            "person_ref": form.person_ref if searched else None,
            "query_without_person": form.query_string(with_person=False) if searched else "",
            "can_export": request.user.has_perm("audit.export_accessevent"),
        },
    )


@roles_required(Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def event_list(request):
    _require(request, "audit.view_accessevent")
    if request.method == "POST":
        # The search is posted so that an identity number never sits in a
        # URL; the result page is a GET that names the person by ref only.
        form = AccessEventSearchForm(request.POST, person_lookup=_person_lookup(), posted=True)
        if not form.is_valid():
            return _render_list(request, form)
        if form.person_not_found:
            return _render_list(request, form, no_match=True)
        if form.cleaned_data.get("identity_number"):
            access_log_use_record(
                action=Action.SEARCH, by=request.user, request=request, person_ref=form.person_ref
            )
        query = form.query_string()
        return redirect(reverse("audit:event-list") + (f"?{query}" if query else ""))
    form = AccessEventSearchForm(request.GET, person_lookup=_person_lookup())
    if not form.is_valid():
        return _render_list(request, form)
    events = access_events_search(**form.search_filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render_list(request, form, page=page)


class _Echo:
    """A file-like object for csv.writer that hands each line back."""

    def write(self, value):
        return value


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_lines(events):
    # Values holding ";", a quote or a line break are quoted (csv.QUOTE_MINIMAL).
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    # A byte-order mark, so spreadsheet programs read å, ä and ö right.
    yield "\ufeff"
    yield writer.writerow(
        [
            "id",
            "occurred_at",
            "actor_username",
            "actor_roles",
            "actor_unit_id",
            "subject_user_id",
            "action",
            "object_type",
            "object_id",
            "person_ref",
            "reason",
            "detail",
            "outcome",
            "flagged",
            "address",
            "session_ref",
            "request_id",
            "chain",
            "sequence",
        ]
    )
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                event.pk,
                timezone.localtime(event.occurred_at).isoformat(),
                _cell(event.actor_username),
                _cell(event.actor_roles),
                _cell(event.actor_unit_id),
                _cell(event.subject_user_id),
                event.action,
                _cell(event.object_type),
                _cell(event.object_id),
                _cell(event.person_ref),
                event.reason,
                _cell(event.detail),
                event.outcome,
                "1" if event.flagged else "0",
                _cell(event.address),
                event.session_ref,
                _cell(event.request_id),
                event.chain,
                event.sequence,
            ]
        )


def _export_filename(form):
    """Names the searched person (by ref) and days, so exports of different searches
    do not overwrite each other, and ends with when it was made, in Swedish time.

    access-log-person-0b4c8f5e-2026-06-01-to-2026-06-30-20260701-1205.csv
    """
    data = form.cleaned_data
    parts = ["access-log"]
    if form.person_ref is not None:
        parts.append(f"person-{str(form.person_ref)[:8]}")
    if data.get("date_from") or data.get("date_to"):
        first = data["date_from"].isoformat() if data.get("date_from") else "start"
        last = data["date_to"].isoformat() if data.get("date_to") else "now"
        parts.append(f"{first}-to-{last}")
    parts.append(timezone.localtime().strftime("%Y%m%d-%H%M"))
    return "-".join(parts) + ".csv"


@roles_required(Role.AUDITOR)
@require_GET
def event_export(request):
    _require(request, "audit.export_accessevent")
    form = AccessEventSearchForm(request.GET, person_lookup=_person_lookup())
    if not form.is_valid():
        return _render_list(request, form)
    events = access_events_search(**form.search_filters())
    # Logged before the first row leaves: a download cut short still counts.
    access_log_use_record(
        action=Action.EXPORT, by=request.user, request=request, person_ref=form.person_ref
    )
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_export_filename(form)
    )
    return response


# The log review: the queue, one item's review, the monthly report.

REVIEW_PERMISSION = "audit.review_access_log"


def _event_labels(events):
    """The readable role and object labels of the event list, for any events."""
    events = list(events)
    _role_labels(events)
    _object_labels(events)
    return events


@roles_required(Role.AUDITOR)
@require_GET
def review_queue(request):
    _require(request, REVIEW_PERMISSION)
    form = ReviewQueueForm(request.GET)
    page = None
    if form.is_valid():
        items = selectors.review_queue(**form.queue_filters())
        page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
        _event_labels(item.event for item in page)
    return render(
        request,
        "audit/review_queue.html",
        {
            "form": form,
            "page": page,
            "query": form.query_string() if page is not None else "",
            "overdue_days": settings.LOG_REVIEW_OVERDUE_DAYS,
        },
    )


def _review_item_for_auditor(request, pk):
    """The item, or 404; every item is the auditor's to see (the view's rule)."""
    try:
        item = selectors.review_item_get(pk=pk)
    except ReviewItem.DoesNotExist:
        raise Http404 from None
    _event_labels([item.event])
    return item


def _render_item(request, item, form, *, status=200):
    own = item.event.actor_id is not None and item.event.actor_id == request.user.pk
    day = timezone.localtime(item.event.occurred_at).date().isoformat()
    return render(
        request,
        "audit/review_item.html",
        {
            "item": item,
            "event": item.event,
            "form": form,
            "can_conclude": not item.is_reviewed and not own,
            "own_event": own and not item.is_reviewed,
            "overdue": not item.is_reviewed
            and item.added_at < timezone.now() - timedelta(days=settings.LOG_REVIEW_OVERDUE_DAYS),
            "conclusion_label": Conclusion(item.conclusion).label if item.conclusion else "",
            "same_day_query": urlencode(
                {"username": item.event.actor_username, "date_from": day, "date_to": day}
            )
            if item.event.actor_username
            else "",
        },
        status=status,
    )


@roles_required(Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def review_item(request, pk):
    _require(request, REVIEW_PERMISSION)
    item = _review_item_for_auditor(request, pk)
    if request.method == "GET":
        return _render_item(request, item, ReviewConclusionForm())
    form = ReviewConclusionForm(request.POST)
    if not form.is_valid():
        return _render_item(request, item, form)
    try:
        review_item_conclude(
            item=item,
            by=request.user,
            conclusion=form.cleaned_data["conclusion"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except AlreadyReviewed as refusal:
        # Shown with the review that won, read again.
        messages.error(request, refusal.message)
        return _render_item(request, _review_item_for_auditor(request, pk), ReviewConclusionForm())
    except ReviewRefused as refusal:
        form.add_error(refusal.field, refusal.message)
        return _render_item(request, item, form)
    messages.success(request, _("The review is saved."))
    return redirect("audit:review-queue")


def _report_rows(form):
    since, until = form.bounds()
    rows = list(selectors.review_report_by_unit(since=since, until=until))
    names = Unit.objects.in_bulk([row["unit_id"] for row in rows if row["unit_id"]])
    for row in rows:
        unit = names.get(row["unit_id"])
        row["unit_name"] = unit.name if unit else ""
    totals = {
        key: sum(row[key] for row in rows)
        for key in ("total", "reviewed", *Conclusion.values, "open", "overdue")
    }
    return rows, totals


@roles_required(Role.AUDITOR)
@require_GET
def review_report(request):
    _require(request, REVIEW_PERMISSION)
    form = ReviewReportForm(request.GET)
    rows = totals = None
    if form.is_valid():
        rows, totals = _report_rows(form)
    return render(
        request,
        "audit/review_report.html",
        {
            "form": form,
            "rows": rows,
            "totals": totals,
            "month": form.cleaned_data["month"].strftime("%Y-%m") if rows is not None else "",
        },
    )


REPORT_COLUMNS = ("total", "reviewed", *Conclusion.values, "open", "overdue")


@roles_required(Role.AUDITOR)
@require_GET
def review_report_export(request):
    _require(request, REVIEW_PERMISSION)
    form = ReviewReportForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "audit/review_report.html",
            {"form": form, "rows": None, "totals": None, "month": ""},
        )
    rows, totals = _report_rows(form)
    month = form.cleaned_data["month"].strftime("%Y-%m")
    review_report_export_record(by=request.user, request=request, month=month)
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    lines = [
        "\ufeff",
        writer.writerow(["unit_id", "unit", *REPORT_COLUMNS]),
        *(
            writer.writerow(
                [
                    row["unit_id"] if row["unit_id"] is not None else "",
                    _cell(row["unit_name"]),
                    *(row[key] for key in REPORT_COLUMNS),
                ]
            )
            for row in rows
        ),
        writer.writerow(["", "total", *(totals[key] for key in REPORT_COLUMNS)]),
    ]
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"log-review-{month}.csv"
    )
    return response
