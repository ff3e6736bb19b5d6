"""The programme's summary for unit managers: anonymised, suppressed figures
(avhopp/summary.py), the page and its exports of exactly what it shows."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import Role
from avhopp import summary
from avhopp.forms import SummaryOptionsForm
from casework.summaries.pages import section_view, summary_block, summary_response
from casework.web import casework_roles_required

SUMMARY_OBJECT = "avhopp.summary"


def summary_blocks(*, track, occasion, months, region):
    k = settings.SUMMARY_MIN_COUNT
    leaves = summary.leaves()
    cases = section_view(
        summary.case_section(track=track), months=months, region=region, leaves=leaves
    )
    outcomes = section_view(
        summary.outcome_section(track=track, occasion=occasion),
        months=months,
        region=region,
        leaves=leaves,
    )
    blocks = [
        summary_block(
            _("Cases by the month of the inquiry"),
            _("New cases"),
            cases,
            summary.CASE_TABLES,
            summary.LABELS,
            summary.TABLE_TITLES,
            k,
        ),
        summary_block(
            _("Outcomes against the baseline"),
            _("Measured in the period"),
            outcomes,
            summary.OUTCOME_TABLES,
            summary.LABELS,
            summary.TABLE_TITLES,
            k,
        ),
    ]
    headline = ""
    share = outcomes.share("development", "positive")
    if cases.shown and share is not None:
        headline = _(
            "The programme took %(cases)s new cases; a positive development in %(share)s %% "
            "of the cases measured."
        ) % {"cases": cases.total.value, "share": round(share * 100)}
    return blocks, headline


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def summary_page(request):
    options = SummaryOptionsForm(request.GET)
    track, occasion = options.choice("track"), options.choice("occasion")
    return summary_response(
        request,
        title=_("Exit and prevention programme: summary"),
        object_type=SUMMARY_OBJECT,
        filename=f"avhopp-{track}-{occasion}",
        options=options,
        build=lambda months, region: summary_blocks(
            track=track, occasion=occasion, months=months, region=region
        ),
    )
