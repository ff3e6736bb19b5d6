"""The programme's summary for unit managers: anonymised, suppressed figures
(avhopp/summary.py), the page and its CSV export of exactly what it shows."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import Role
from avhopp import summary
from avhopp.forms import SummaryOptionsForm
from casework.summaries.pages import csv_response, section_view, summary_viewed, table_figures
from casework.summaries.periods import unbound_or
from casework.web import casework_roles_required

SUMMARY_OBJECT = "avhopp.summary"


def summary_context(request):
    filters = unbound_or(request.GET)
    options = SummaryOptionsForm(request.GET)
    k = settings.SUMMARY_MIN_COUNT
    context = {"filters": filters, "options": options, "k": k}
    if not filters.is_valid():
        return context
    track, occasion = options.choice("track"), options.choice("occasion")
    leaves = summary.leaves()
    months, region = filters.months(), filters.region()
    cases = section_view(
        summary.case_section(track=track), months=months, region=region, leaves=leaves
    )
    outcomes = section_view(
        summary.outcome_section(track=track, occasion=occasion),
        months=months,
        region=region,
        leaves=leaves,
    )
    tables = [
        (summary.TABLE_TITLES[table.name], table_figures(cases, table, summary.LABELS, k))
        for table in summary.CASE_TABLES
    ]
    outcome_tables = [
        (
            summary.TABLE_TITLES[table.name],
            table_figures(outcomes, table, summary.LABELS, k, share_of=outcomes.total),
        )
        for table in summary.OUTCOME_TABLES
    ]
    context.update(
        {
            "cases": cases,
            "outcomes": outcomes,
            "case_tables": tables,
            "outcome_tables": outcome_tables,
            "positive_percent": _percent(outcomes.share("development", "positive")),
            "detail": f"{track}:{occasion}:{months[0]:%Y-%m}:{months[-1]:%Y-%m}:{region}",
            "first_month": months[0],
            "last_month": months[-1],
        }
    )
    return context


def _percent(share):
    return None if share is None else round(share * 100)


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def summary_page(request):
    context = summary_context(request)
    if "detail" in context:
        export = request.GET.get("format") == "csv"
        summary_viewed(
            request,
            object_type=SUMMARY_OBJECT,
            detail=("csv:" if export else "") + context["detail"],
        )
        if export:
            return csv_response(
                f"avhopp-{context['first_month']:%Y-%m}-{context['last_month']:%Y-%m}.csv",
                [*context["case_tables"], *context["outcome_tables"]],
            )
    return render(request, "avhopp/summary.html", context)
