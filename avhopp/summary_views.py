"""The programme's summary for unit managers: anonymised, suppressed figures
(avhopp/summary.py), the page and its exports of exactly what it shows."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import Role
from avhopp import summary
from avhopp.forms import SummaryOptionsForm
from casework.summaries.disclosure import month_range
from casework.summaries.pages import (
    section_view,
    summary_block,
    summary_response,
    trend_figures,
    year_report_response,
)
from casework.web import casework_roles_required

SUMMARY_OBJECT = "avhopp.summary"


def summary_blocks(*, track, occasion, months, region):
    k = settings.SUMMARY_MIN_COUNT
    leaves = summary.leaves()
    case_section = summary.case_section(track=track)
    outcome_section = summary.outcome_section(track=track, occasion=occasion)
    where = {"months": months, "region": region, "leaves": leaves}
    cases = section_view(case_section, **where)
    outcomes = section_view(outcome_section, **where)
    blocks = [
        summary_block(
            _("Cases by the month of the inquiry"),
            _("New cases"),
            cases,
            summary.CASE_TABLES,
            summary.LABELS,
            summary.TABLE_TITLES,
            k,
            trend=trend_figures(case_section, k=k, **where),
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
        year_report_url=reverse("avhopp:year-report"),
        build=lambda months, region: summary_blocks(
            track=track, occasion=occasion, months=months, region=region
        ),
    )


def _share_words(view, table, category):
    share = view.share(table, category)
    return None if share is None else round(share * 100)


def year_sentences(year, blocks_by_track):
    """The year in words, in the spirit of the programme's own follow-up; a
    sentence only where every figure in it is shown."""
    sentences = []
    exit_cases, exit_outcomes = blocks_by_track["exit"]
    prevention_cases, _outcomes = blocks_by_track["prevention"]
    if exit_cases.view.shown:
        sentences.append(
            _("In %(year)s the exit programme took in %(count)s new cases.")
            % {"year": year, "count": exit_cases.view.total.value}
        )
        sources = exit_cases.view.tables["referral_source"]
        shown = [(cell.value, name) for name, cell in sources.items() if cell.shown]
        if shown and max(shown)[0] * 2 > exit_cases.view.total.value:
            sentences.append(
                _("Most were referred by: %(source)s.")
                % {"source": summary.LABELS["referral_source"][max(shown)[1]]}
            )
    if prevention_cases.view.shown:
        sentences.append(
            _("The preventive track took in %(count)s new cases.")
            % {"count": prevention_cases.view.total.value}
        )
    outcomes = exit_outcomes.view
    positive = _share_words(outcomes, "development", "positive") if outcomes.shown else None
    if positive is not None:
        sentences.append(
            _(
                "Of the %(measured)s cases measured at closure, a positive development took "
                "place in %(share)s %%."
            )
            % {"measured": outcomes.total.value, "share": positive}
        )
        parts = [
            (
                _share_words(outcomes, "development", "drug_use_better"),
                _("ceased or reduced drug use"),
            ),
            (
                _share_words(outcomes, "development", "criminality_better"),
                _("ceased or reduced criminality"),
            ),
            (_share_words(outcomes, "occupation", "employed"), _("were in employment")),
        ]
        said = [f"{share} % {words}" for share, words in parts if share is not None]
        if said:
            sentences.append(_("Of them: %(parts)s.") % {"parts": "; ".join(said)})
    return sentences


@casework_roles_required(Role.UNIT_MANAGER)
@require_GET
def year_report(request):
    def build(year):
        months = month_range(datetime.date(year, 1, 1), datetime.date(year, 12, 1))
        by_track = {
            track: summary_blocks(
                track=track, occasion="closure", months=months, region=(None, None)
            )[0]
            for track in ("exit", "prevention")
        }
        return by_track["exit"], year_sentences(year, by_track)

    return year_report_response(
        request,
        title=_("The exit programme's year"),
        object_type=SUMMARY_OBJECT,
        back_url=reverse("avhopp:summary"),
        build=build,
    )
