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


# Built sections, kept for as long as their snapshot is current: a page that
# shows many areas (the area work's district page) asks for the same sections
# once per area, and building one costs more than all of its views.
# Per process, keyed by the snapshot's data object (``snapshot`` hands out the
# same object while the snapshot row is unchanged); bounded.
_SECTIONS = {}
_SECTIONS_KEPT = 64
# name -> (row id, computed_at, data): the parsed JSON of the current snapshot.
_DATA = {}


def section_from_json(data, *, tables, leaves, k=None):
    """The Section of the snapshot's counts over every month from January of
    the earliest data to this month and every leaf: the same for every request."""
    k = k or settings.SUMMARY_MIN_COUNT
    this_month = timezone.localdate().replace(day=1)
    key = (id(data), tuple(table.name for table in tables), frozenset(leaves), k, this_month)
    kept = _SECTIONS.get(key)
    if kept is not None and kept[0] is data:
        return kept[1]
    section = _section(data, tables=tables, leaves=leaves, k=k, this_month=this_month)
    if len(_SECTIONS) >= _SECTIONS_KEPT:
        _SECTIONS.pop(next(iter(_SECTIONS)))
    _SECTIONS[key] = (data, section)
    return section


def _section(data, *, tables, leaves, k, this_month):
    population = {_block(*row[:3]): row[3] for row in data["population"]}
    counts = {(row[0], row[1], _block(*row[2:5])): row[5] for row in data["counts"]}
    first = min([this_month, *(b.month for b in population)]).replace(month=1)
    leaves = set(leaves) | {b.leaf for b in population}
    universe = frozenset(Block(m, leaf) for m in month_range(first, this_month) for leaf in leaves)
    return Section(
        tables=tables,
        blocks=universe,
        population=population,
        counts=counts,
        k=k,
    )


def snapshot(name, compute):
    """(the counts, when they were computed) of snapshot ``name``; ``compute``
    (a callable or a dotted path) makes them when the snapshot is missing or old."""
    found = SummarySnapshot.objects.filter(name=name).only("pk", "computed_at").first()
    oldest = timezone.now() - datetime.timedelta(minutes=settings.SUMMARY_SNAPSHOT_MINUTES)
    if found is None or found.computed_at < oldest:
        found = snapshot_refresh(name, compute)
        _DATA[name] = (found.pk, found.computed_at, found.data)
        return found.data, found.computed_at
    kept = _DATA.get(name)
    if kept is None or kept[:2] != (found.pk, found.computed_at):
        found.refresh_from_db(fields=["data"])
        kept = _DATA[name] = (found.pk, found.computed_at, found.data)
    return kept[2], found.computed_at


def snapshot_refresh(name, compute):
    compute = import_string(compute) if isinstance(compute, str) else compute
    data = compute()
    with transaction.atomic():
        found, _created = SummarySnapshot.objects.update_or_create(
            name=name, defaults={"data": data, "computed_at": timezone.now()}
        )
    return found
