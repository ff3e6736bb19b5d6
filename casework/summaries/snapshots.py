"""Read a programme's counts from its snapshot, computing it when missing or
older than SUMMARY_SNAPSHOT_MINUTES. The counts are JSON-able:
{"population": [[month, district, unit, n], ...],
 "counts": [[table, category, month, district, unit, n], ...]}."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from casework.summaries.disclosure import Block, Section, month_range
from casework.summaries.models import SummarySnapshot


def counts_as_json(population, counts):
    return {
        "population": [[b.month.isoformat(), *b.leaf, n] for b, n in population.items()],
        "counts": [[t, c, b.month.isoformat(), *b.leaf, n] for (t, c, b), n in counts.items()],
    }


def _block(month, district, unit):
    return Block(datetime.date.fromisoformat(month), (district, unit))


def section_from_json(data, *, tables, leaves, k=None):
    """The Section of the snapshot's counts over every month from January of
    the earliest data to this month and every leaf: the same for every request."""
    population = {_block(*row[:3]): row[3] for row in data["population"]}
    counts = {(row[0], row[1], _block(*row[2:5])): row[5] for row in data["counts"]}
    this_month = timezone.localdate().replace(day=1)
    first = min([this_month, *(b.month for b in population)]).replace(month=1)
    leaves = set(leaves) | {b.leaf for b in population}
    universe = frozenset(Block(m, leaf) for m in month_range(first, this_month) for leaf in leaves)
    return Section(
        tables=tables,
        blocks=universe,
        population=population,
        counts=counts,
        k=k or settings.SUMMARY_MIN_COUNT,
    )


def snapshot(name, compute):
    """(the counts, when they were computed) of snapshot ``name``; ``compute``
    (a callable or a dotted path) makes them when the snapshot is missing or old."""
    found = SummarySnapshot.objects.filter(name=name).first()
    oldest = timezone.now() - datetime.timedelta(minutes=settings.SUMMARY_SNAPSHOT_MINUTES)
    if found is None or found.computed_at < oldest:
        found = snapshot_refresh(name, compute)
    return found.data, found.computed_at


def snapshot_refresh(name, compute):
    compute = import_string(compute) if isinstance(compute, str) else compute
    data = compute()
    with transaction.atomic():
        found, _created = SummarySnapshot.objects.update_or_create(
            name=name, defaults={"data": data, "computed_at": timezone.now()}
        )
    return found
