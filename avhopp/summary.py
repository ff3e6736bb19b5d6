"""The programme's anonymised figures for unit managers and for the area work:
counted in SQL over categorical columns only (never an encrypted column, never
an identifier), then suppressed by casework/summaries/disclosure.py.

Two populations, each counted apart for the exit and the preventive track:
- cases by the month their inquiry arrived: referral source, state now,
  target groups;
- outcomes by the month of the measurement (at closure, or a follow-up)
  against the baseline: positive development (the one rule,
  avhopp/outcomes.py, stored with the measurement), ceased or reduced drug
  use and criminality, occupation.
"""

import datetime
import functools
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from avhopp.models import CaseTargetGroup, ExitCase, ExitCaseState, Measurement
from avhopp.outcomes import Change, level_change
from avhopp.scales import Occasion, Occupation, ReferralSource, TargetGroup, Track
from casework.summaries.disclosure import Block, Table
from casework.summaries.snapshots import counts_as_json, section_from_json, snapshot

SOURCE = Table("referral_source", tuple(ReferralSource.values))
STATE = Table("state", tuple(ExitCaseState.values))
TARGET_GROUP = Table("target_group", tuple(TargetGroup.values), exclusive=False)
EMPLOYED = (Occupation.FULL_TIME_JOB, Occupation.PART_TIME_JOB)
OCCUPATION = Table("occupation", ("employed", "other_occupation", "none"))
DEVELOPMENT = Table(
    "development",
    ("positive", "drug_use_better", "criminality_better"),
    exclusive=False,
)
CASE_TABLES = (SOURCE, STATE, TARGET_GROUP)
OUTCOME_TABLES = (OCCUPATION, DEVELOPMENT)
OUTCOME_OCCASIONS = (Occasion.CLOSURE, Occasion.FOLLOW_UP_6, Occasion.FOLLOW_UP_12)

LABELS = {
    "referral_source": dict(ReferralSource.choices),
    "state": dict(ExitCaseState.choices),
    "target_group": dict(TargetGroup.choices),
    "occupation": {
        "employed": _("In employment (full or part time)"),
        "other_occupation": _("Studies, training or other occupation"),
        "none": _("No occupation"),
    },
    "development": {
        "positive": _("Positive development"),
        "drug_use_better": _("Ceased or reduced drug use"),
        "criminality_better": _("Ceased or reduced criminality"),
    },
}
TABLE_TITLES = {
    "referral_source": _("Referred by"),
    "state": _("State now"),
    "target_group": _("Target groups"),
    "occupation": _("Occupation"),
    "development": _("Against the baseline"),
}


def _month(value):
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.replace(day=1)


def _stockholm():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def leaves():
    """Every (district, unit) a case can be counted under: the districts each
    unit serves, whether or not it has cases yet."""
    return sorted(
        {
            (district, unit)
            for unit, district in Unit.districts.through.objects.values_list(
                "unit_id", "district_id"
            )
        }
    )


def case_section(*, track, k=None):
    """The cases of ``track`` by the month their inquiry arrived, by source,
    state and target group (a Section: views pick the months and areas)."""
    data, _at = snapshot(f"avhopp.cases.{track}", functools.partial(case_counts, track=track))
    return section_from_json(data, tables=CASE_TABLES, leaves=leaves(), k=k)


def outcome_section(*, track, occasion, k=None):
    """The measurements at ``occasion`` of ``track``'s cases, by the month
    they were taken, against each case's baseline (a Section)."""
    data, _at = snapshot(
        f"avhopp.outcomes.{track}.{occasion}",
        functools.partial(outcome_counts, track=track, occasion=occasion),
    )
    return section_from_json(data, tables=OUTCOME_TABLES, leaves=leaves(), k=k)


def case_counts(*, track):
    """The counts behind ``case_section``, in SQL; erased cases count too
    (erasure keeps the categorical columns for the statistics)."""
    cases = ExitCase.objects.filter(track=track).annotate(
        month=TruncMonth("inquiry_at", tzinfo=_stockholm())
    )
    rows = cases.values("month", "district_id", "unit_id", "referral_source", "state").annotate(
        n=Count("*")
    )
    population, counts = defaultdict(int), defaultdict(int)
    for row in rows:
        block = Block(_month(row["month"]), (row["district_id"], row["unit_id"]))
        population[block] += row["n"]
        counts[("referral_source", row["referral_source"], block)] += row["n"]
        counts[("state", row["state"], block)] += row["n"]
    groups = (
        CaseTargetGroup.objects.filter(case__track=track)
        .annotate(month=TruncMonth("case__inquiry_at", tzinfo=_stockholm()))
        .values("month", "case__district_id", "case__unit_id", "group")
        .annotate(n=Count("*"))
    )
    for row in groups:
        block = Block(_month(row["month"]), (row["case__district_id"], row["case__unit_id"]))
        counts[("target_group", row["group"], block)] += row["n"]
    return counts_as_json(population, counts)


def outcome_counts(*, track, occasion):
    """The counts behind ``outcome_section``, in SQL."""
    baseline = Measurement.objects.filter(case=OuterRef("case"), occasion=Occasion.BASELINE)
    rows = (
        Measurement.objects.filter(occasion=occasion, case__track=track)
        .annotate(
            month=TruncMonth("measured_on"),
            drug_before=Subquery(baseline.values("drug_use")[:1]),
            criminality_before=Subquery(baseline.values("criminality")[:1]),
        )
        .values(
            "month",
            "case__district_id",
            "case__unit_id",
            "occupation",
            "drug_use",
            "drug_before",
            "criminality",
            "criminality_before",
            "positive_development",
        )
        .annotate(n=Count("*"))
    )
    population, counts = defaultdict(int), defaultdict(int)
    better = {Change.CEASED, Change.REDUCED}
    for row in rows:
        block = Block(_month(row["month"]), (row["case__district_id"], row["case__unit_id"]))
        n = row["n"]
        population[block] += n
        occupation = (
            "employed"
            if row["occupation"] in EMPLOYED
            else "none"
            if row["occupation"] == Occupation.NONE
            else "other_occupation"
        )
        counts[("occupation", occupation, block)] += n
        if row["positive_development"]:
            counts[("development", "positive", block)] += n
        if level_change(row["drug_before"], row["drug_use"]) in better:
            counts[("development", "drug_use_better", block)] += n
        if level_change(row["criminality_before"], row["criminality"]) in better:
            counts[("development", "criminality_better", block)] += n
    return counts_as_json(population, counts)


SNAPSHOTS = {
    **{
        f"avhopp.cases.{track}": functools.partial(case_counts, track=track)
        for track in Track.values
    },
    **{
        f"avhopp.outcomes.{track}.{occasion}": functools.partial(
            outcome_counts, track=track, occasion=occasion
        )
        for track in Track.values
        for occasion in OUTCOME_OCCASIONS
    },
}


__all__ = [
    "CASE_TABLES",
    "LABELS",
    "OUTCOME_OCCASIONS",
    "OUTCOME_TABLES",
    "TABLE_TITLES",
    "Track",
    "case_section",
    "leaves",
    "outcome_section",
]
