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
    Aggregate,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
)
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
from casework.summaries.sql import count_where

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
    rows = (
        Under15Report.objects.filter(erased_at__isnull=True)
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
        month = row["month"]
        month = (month.date() if isinstance(month, datetime.datetime) else month).replace(day=1)
        block = Block(month, (row["district_id"], row["unit_id"]))
        n = row["n"]
        population[block] += n
        counts[("source", row["source"], block)] += n
        counts[("offence", row["offence_category"] or "", block)] += n
        counts[("decision", row["decision"] or "", block)] += n
        for step in ("protection", "first_contact", "assessment"):
            if row[f"{step}_in_time"]:
                counts[("in_time", step, block)] += n
    return counts_as_json(population, counts)


SNAPSHOTS = {"reports": report_counts}


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont over an interval."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def reaction_times(*, months, leaves):
    """(median, 90th percentile, how many, how many within the target) of the
    reaction time of the reports of the view: computed in SQL on PostgreSQL."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(months[0], datetime.time(), tzinfo=zone)
    after = months[-1].replace(day=28) + datetime.timedelta(days=4)
    end = datetime.datetime.combine(after.replace(day=1), datetime.time(), tzinfo=zone)
    area = Q(pk__in=[])
    for district, unit in leaves:
        area |= Q(district_id=district, unit_id=unit)
    reports = Under15Report.objects.filter(
        area,
        erased_at__isnull=True,
        received_at__gte=start,
        received_at__lt=end,
        reaction_time__isnull=False,
    )
    target = datetime.timedelta(days=settings.UNDER15_FIRST_CONTACT_DAYS)
    counted = reports.aggregate(n=Count("*"), within=count_where(Q(reaction_time__lte=target)))
    if connection.vendor == "postgresql":
        found = reports.aggregate(
            median=Percentile("reaction_time", fraction=0.5),
            p90=Percentile("reaction_time", fraction=0.9),
        )
        return found["median"], found["p90"], counted["n"], counted["within"]
    # SQLite (a first local run only): the same over the values.
    values = sorted(reports.values_list("reaction_time", flat=True))
    return _percentile(values, 0.5), _percentile(values, 0.9), counted["n"], counted["within"]


def _percentile(values, fraction):
    """Linear interpolation between ranks, as percentile_cont does."""
    if not values:
        return None
    position = (len(values) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)
