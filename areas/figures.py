"""The figures the case programmes publish, for a city district's sub-areas.

Each sub-area is an area the programmes file cases under; its figures are
exactly the managers' summary filtered to that area and period (the same
functions, the same suppression), so the area pages offer no view the
summaries do not and can never be finer. No total over the city district is
shown: it would be a new view that, set against the summaries' others,
could reveal a suppressed cell (see the closing note of issue 11).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from avhopp import summary_views as avhopp_summary
from avhopp.scales import Occasion, Track
from casework.reports import summary_views as report_summary
from casework.summaries.disclosure import month_range
from sspf import summary_views as sspf_summary

COLUMNS = (
    _("Reports to social services"),
    _("SSPF referrals"),
    _("Exit programme, new cases"),
    _("Anti-gang team, new cases"),
)


@dataclass
class SubAreaFigures:
    name: str
    totals: list  # the text of each column's total, suppressed as on the summaries
    blocks: list  # the summaries' blocks for the sub-area, with their tables


def published_blocks(*, months, district_id):
    """The blocks the managers' summaries show for one area and period."""
    region = (district_id, None)
    reports, _headline = report_summary.summary_blocks(months=months, region=region)
    referrals, _headline = sspf_summary.summary_blocks(months=months, region=region)
    blocks = [reports[0], referrals[0]]
    for track in (Track.EXIT, Track.PREVENTION):
        cases, _headline = avhopp_summary.summary_blocks(
            track=track, occasion=Occasion.CLOSURE, months=months, region=region
        )
        cases[0].heading = f"{track.label}: {cases[0].heading}"
        blocks.append(cases[0])
    return blocks


# The summaries show nothing of a selection too small to show, not even "<k".
NOT_SHOWN = "–"  # noqa: RUF001


def _total_text(view):
    return str(view.total.value) if view.shown else NOT_SHOWN


def sub_area_figures(*, city_district, first_month, last_month):
    """For each sub-area of the city district, the published figures of the period."""
    months = month_range(first_month, last_month)
    figures = []
    for sub_area in city_district.sub_areas.select_related("district"):
        blocks = published_blocks(months=months, district_id=sub_area.district_id)
        figures.append(
            SubAreaFigures(
                name=sub_area.district.name,
                totals=[_total_text(block.view) for block in blocks],
                blocks=blocks,
            )
        )
    return figures
