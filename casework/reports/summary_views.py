"""The reports' summary for unit managers (casework/reports/summary.py)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import Role
from casework.reports import summary
from casework.summaries.disclosure import month_range, region_leaves
from casework.summaries.pages import (
    section_view,
    share_text,
    summary_block,
    summary_response,
    trend_figures,
    year_report_response,
)
from casework.templatetags.casework import duration
from casework.web import casework_roles_required

SUMMARY_OBJECT = "casework.reportsummary"


def summary_blocks(*, months, region):
    k = settings.SUMMARY_MIN_COUNT
    section = summary.report_section()
    leaves = {block.leaf for block in section.blocks}
    view = section_view(section, months=months, region=region, leaves=leaves)
    extra = []
    if view.shown:
        median, p90, measured, within = summary.reaction_times(
            months=months, leaves=region_leaves(leaves, *region)
        )
        # Computed from fewer than k reports, they are not shown.
        if measured >= k:
            extra = [
                (_("Reaction time, median"), duration(median)),
                (_("Reaction time, 90th percentile"), duration(p90)),
                (_("First contact within the target"), share_text(within / measured)),
            ]
        else:
            extra = [(_("Reaction time"), _("Too few reports to show."))]
    block = summary_block(
        _("Reports by the month they arrived"),
        _("Reports received"),
        view,
        summary.TABLES,
        summary.LABELS,
        summary.TITLES,
        k,
        extra=extra,
        trend=trend_figures(section, months=months, region=region, leaves=leaves, k=k),
    )
    return [block], ""


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def report_summary(request):
    return summary_response(
        request,
        title=_("Reports to social services: summary"),
        object_type=SUMMARY_OBJECT,
        filename="reports",
        year_report_url=reverse("casework:report-year-report"),
        build=lambda months, region: summary_blocks(months=months, region=region),
    )


def year_sentences(year, block):
    view = block.view
    if not view.shown:
        return []
    sentences = [
        _("In %(year)s, %(count)s reports reached social services.")
        % {"year": year, "count": view.total.value}
    ]
    extra = dict(block.extra)
    median = extra.get(_("Reaction time, median"))
    if median:
        sentences.append(
            _("Half of the children were met within %(median)s of the report.")
            % {"median": median}
        )
    return sentences


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def report_year_report(request):
    def build(year):
        months = month_range(datetime.date(year, 1, 1), datetime.date(year, 12, 1))
        blocks, _headline = summary_blocks(months=months, region=(None, None))
        return blocks, year_sentences(year, blocks[0])

    return year_report_response(
        request,
        title=_("The reports' year"),
        object_type=SUMMARY_OBJECT,
        back_url=reverse("casework:report-summary"),
        build=build,
    )
