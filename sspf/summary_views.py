"""SSPF's summary for unit managers (sspf/summary.py)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import Role
from casework.summaries.disclosure import month_range
from casework.summaries.pages import (
    section_view,
    summary_block,
    summary_response,
    trend_figures,
    year_report_response,
)
from casework.web import casework_roles_required
from sspf import summary

SUMMARY_OBJECT = "sspf.summary"


def summary_blocks(*, months, region):
    k = settings.SUMMARY_MIN_COUNT
    district = (region[0], None)
    blocks = []
    for heading, total_label, section, tables in (
        (
            _("Referrals by the month they were raised"),
            _("Referrals raised"),
            summary.referral_section(),
            summary.REFERRAL_TABLES,
        ),
        (
            _("Agreed actions by the month they were due"),
            _("Actions due"),
            summary.action_section(),
            summary.ACTION_TABLES,
        ),
    ):
        leaves = {block.leaf for block in section.blocks}
        view = section_view(section, months=months, region=district, leaves=leaves)
        trend = trend_figures(section, months=months, region=district, leaves=leaves, k=k)
        blocks.append(
            summary_block(
                heading, total_label, view, tables, summary.LABELS, summary.TITLES, k, trend=trend
            )
        )
    return blocks, ""


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def sspf_summary(request):
    return summary_response(
        request,
        title=_("SSPF: summary"),
        object_type=SUMMARY_OBJECT,
        filename="sspf",
        year_report_url=reverse("sspf:year-report"),
        build=lambda months, region: summary_blocks(months=months, region=region),
        no_unit_filter=True,
    )


def year_sentences(year, blocks):
    referrals = blocks[0].view
    if not referrals.shown:
        return []
    sentences = [
        _("In %(year)s the SSPF groups raised %(count)s concerns.")
        % {"year": year, "count": referrals.total.value}
    ]
    reported = referrals.tables["sharing"]["reported"]
    if reported.shown:
        sentences.append(
            _("%(count)s of them were made into a report of concern to social services.")
            % {"count": reported.value}
        )
    return sentences


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def sspf_year_report(request):
    def build(year):
        months = month_range(datetime.date(year, 1, 1), datetime.date(year, 12, 1))
        blocks, _headline = summary_blocks(months=months, region=(None, None))
        return blocks, year_sentences(year, blocks)

    return year_report_response(
        request,
        title=_("SSPF's year"),
        object_type=SUMMARY_OBJECT,
        back_url=reverse("sspf:summary"),
        build=build,
    )
