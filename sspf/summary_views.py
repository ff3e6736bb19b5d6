"""SSPF's summary for unit managers (sspf/summary.py)."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import Role
from casework.summaries.pages import (
    section_view,
    summary_block,
    summary_response,
    trend_figures,
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
        build=lambda months, region: summary_blocks(months=months, region=region),
        no_unit_filter=True,
    )
