"""Reports to social services in anonymised figures, for unit managers:
counted in SQL over categorical columns and times only (never an encrypted
column, never an identifier), suppressed by casework/summaries/disclosure.py.

Reports by the month they arrived: by source, offence (or a report of
concern), decision, and whether each step was done within its deadline;
the reaction time's median and 90th percentile over the reports of the view.
"""

import datetime
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from casework.reports.models import (
    AssessmentDecision,
    OffenceCategory,
    ReportSource,
    Under15Report,
)
from casework.summaries.disclosure import Block, Table
from casework.summaries.snapshots import counts_as_json, section_from_json, snapshot

SOURCE = Table("source", tuple(ReportSource.values))
OFFENCE = Table("offence", (*OffenceCategory.values, ""))
DECISION = Table("decision", (*AssessmentDecision.values, ""))
IN_TIME = Table("in_time", ("protection", "first_contact", "assessment"), exclusive=False)
TABLES = (SOURCE, OFFENCE, DECISION, IN_TIME)

LABELS = {
    "source": dict(ReportSource.choices),
    "offence": {**dict(OffenceCategory.choices), "": _("No offence (a report of concern)")},
    "decision": {**dict(AssessmentDecision.choices), "": _("Not decided yet")},
    "in_time": {
        "protection": _("Protection assessed within its deadline"),
        "first_contact": _("First contact within its deadline"),
        "assessment": _("Initial assessment within its deadline"),
    },
}
TITLES = {
    "source": _("Reported by"),
    "offence": _("Offence"),
    "decision": _("Decision"),
    "in_time": _("Steps within their deadlines"),
}


def _in_time(done, limit):
    return ExpressionWrapper(
        Q(**{f"{done}__isnull": False}) & Q(**{f"{done}__lte": F("received_at") + limit}),
        output_field=BooleanField(),
    )


def _leaves():
    return {
        (district, unit)
        for unit, district in Unit.districts.through.objects.values_list("unit_id", "district_id")
    }


def report_section(*, k=None):
    """The reports by the month they arrived (a Section: views pick months and areas)."""
    data, _at = snapshot("reports", report_counts)
    return section_from_json(data, tables=TABLES, leaves=_leaves(), k=k)


def report_counts():
    """The counts behind ``report_section``, in SQL."""
    # Fixed lengths: a step an hour either side of a change to summer time
    # may count in the other column; the deadlines' own pages use local days.
    protection = datetime.timedelta(hours=settings.UNDER15_PROTECTION_HOURS)
    first_contact = datetime.timedelta(days=settings.UNDER15_FIRST_CONTACT_DAYS)
    assessment = datetime.timedelta(days=settings.UNDER15_ASSESSMENT_DAYS)
    # Erased reports count too: erasure keeps the categorical columns for
    # exactly this (retention's tombstones, retention/services.py).
    rows = (
        Under15Report.objects.all()
        .annotate(
            month=TruncMonth("received_at", tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)),
            protection_in_time=_in_time("protection_assessed_at", protection),
            first_contact_in_time=_in_time("first_contact_at", first_contact),
            assessment_in_time=_in_time("assessed_at", assessment),
        )
        .values(
            "month",
            "district_id",
            "unit_id",
            "source",
            "offence_category",
            "decision",
            "protection_in_time",
            "first_contact_in_time",
            "assessment_in_time",
        )
        .annotate(n=Count("*"))
    )
    population, counts = defaultdict(int), defaultdict(int)
    for row in rows:
        block = Block(_month(row["month"]), (row["district_id"], row["unit_id"]))
        n = row["n"]
        population[block] += n
        counts[("source", row["source"], block)] += n
        counts[("offence", row["offence_category"] or "", block)] += n
        counts[("decision", row["decision"] or "", block)] += n
        for step in ("protection", "first_contact", "assessment"):
            if row[f"{step}_in_time"]:
                counts[("in_time", step, block)] += n
    data = counts_as_json(population, counts)
    data["reaction_hours"] = _reaction_hours()
    return data


SNAPSHOTS = {"reports": report_counts}


def _hours_sql():
    # Whole hours, rounded up: 7 days and a minute is past a 7-day target.
    if connection.vendor == "postgresql":
        return RawSQL("CEIL(EXTRACT(EPOCH FROM reaction_time) / 3600)::integer", [])
    return RawSQL("CAST((reaction_time + 3599999999) / 3600000000 AS INTEGER)", [])


def _reaction_hours():
    """[month, district, unit, hours, n]: how many reports of each block had
    their first contact after so many hours (the percentiles' histogram)."""
    rows = (
        Under15Report.objects.filter(reaction_time__isnull=False)
        .annotate(
            month=TruncMonth("received_at", tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)),
            hours=_hours_sql(),
        )
        .values("month", "district_id", "unit_id", "hours")
        .annotate(n=Count("*"))
    )
    return [
        [
            _month(row["month"]).isoformat(),
            row["district_id"],
            row["unit_id"],
            row["hours"],
            row["n"],
        ]
        for row in rows
    ]


def _month(value):
    return (value.date() if isinstance(value, datetime.datetime) else value).replace(day=1)


def reaction_times(*, months, leaves):
    """(median, 90th percentile, how many, how many within the target) of the
    reaction time of the view's reports, in whole hours rounded up, from the
    snapshot's histogram (percentile_cont's interpolation between ranks)."""
    data, _at = snapshot("reports", report_counts)
    wanted_months = {month.isoformat() for month in months}
    leaves = set(leaves)
    histogram = defaultdict(int)
    for month, district, unit, hours, n in data.get("reaction_hours", []):
        if month in wanted_months and (district, unit) in leaves:
            histogram[hours] += n
    measured = sum(histogram.values())
    target = settings.UNDER15_FIRST_CONTACT_DAYS * 24
    within = sum(n for hours, n in histogram.items() if hours <= target)
    return (
        _percentile(histogram, 0.5, measured),
        _percentile(histogram, 0.9, measured),
        measured,
        within,
    )


def _percentile(histogram, fraction, total):
    """percentile_cont over the hours the histogram counts: linear
    interpolation between the two ranks around ``fraction``."""
    if not total:
        return None
    position = (total - 1) * fraction
    low_rank, high_rank = int(position), min(int(position) + 1, total - 1)
    low = high = None
    seen = 0
    for hours in sorted(histogram):
        seen += histogram[hours]
        if low is None and seen > low_rank:
            low = hours
        if seen > high_rank:
            high = hours
            break
    value = low + (high - low) * (position - low_rank)
    return datetime.timedelta(hours=value)
