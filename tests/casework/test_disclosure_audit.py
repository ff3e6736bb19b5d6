"""Disclosure control, proven by an exact audit: every figure any view shows
is a linear equation over the blocks' counts; with rational arithmetic, no
suppressed figure of any view lies in the span of what is shown.

The audit is written apart from casework/summaries/disclosure.py: it knows
only the data, the views the filters offer, and what each view shows.
"""

import datetime
import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.summaries.disclosure import (
    Block,
    Section,
    Table,
    month_range,
    region_leaves,
    regions,
    view_blocks,
)

K = 5
MONTHS = month_range(datetime.date(2025, 11, 1), datetime.date(2026, 2, 1))
LEAVES = [(1, 10), (1, 20), (2, 20)]
SOURCES = Table("source", ("police", "self", "family"))
GROUPS = Table("group", ("girls",), exclusive=False)
TABLES = (SOURCES, GROUPS)


class Span:
    """The row space of the equations seen so far, in reduced row echelon form
    over the rationals: membership is exact."""

    def __init__(self):
        self.rows = {}  # pivot -> row (dict variable -> Fraction), row[pivot] == 1

    def reduce(self, vector):
        vector = {var: Fraction(value) for var, value in vector.items() if value}
        for pivot in [var for var in vector if var in self.rows]:
            factor = vector.get(pivot)
            if factor:
                for var, value in self.rows[pivot].items():
                    vector[var] = vector.get(var, 0) - factor * value
                    if vector[var] == 0:
                        del vector[var]
        return vector

    def add(self, vector):
        rest = self.reduce(vector)
        if not rest:
            return
        pivot = min(rest)
        scale = rest[pivot]
        row = {var: value / scale for var, value in rest.items()}
        for other in self.rows.values():
            factor = other.get(pivot)
            if factor:
                for var, value in row.items():
                    other[var] = other.get(var, 0) - factor * value
                    if other[var] == 0:
                        del other[var]
        self.rows[pivot] = row

    def holds(self, vector):
        return not self.reduce(vector)


def population_vector(blocks, tables=TABLES):
    # The population is the first (exclusive) table's sum: a person has one source.
    first = tables[0]
    return {(first.name, c, b): 1 for b in blocks for c in first.categories}


def cell_vector(table, category, blocks):
    return {(table, category, b): 1 for b in blocks}


def every_view():
    intervals = [MONTHS[i : j + 1] for i in range(len(MONTHS)) for j in range(i, len(MONTHS))]
    for months, (district, unit) in itertools.product(intervals, regions(LEAVES)):
        yield view_blocks(months, region_leaves(LEAVES, district, unit))


def audit(section, views=None):
    """(what was shown, and every suppressed figure determined by it: must be
    empty) over ``views`` (sets of blocks; by default every view the filters
    offer over this module's small city), for the section's own tables."""
    span, suppressed, shown = Span(), [], 0
    for blocks in every_view() if views is None else views:
        view = section.view(blocks)
        figures = [(population_vector(blocks, section.tables), view.total)]
        for table in section.tables:
            for category in table.categories:
                cell = view.tables[table.name][category] if view.shown else None
                figures.append((cell_vector(table.name, category, blocks), cell))
        for vector, cell in figures:
            if cell is not None and cell.shown:
                span.add(vector)
                shown += 1
            else:
                suppressed.append(vector)
    return shown, [vector for vector in suppressed if span.holds(vector)]


def section_from(people):
    """people: list of (month index, leaf index, source, girl) for each person."""
    population, counts = {}, {}
    for month, leaf, source, girl in people:
        block = Block(MONTHS[month], LEAVES[leaf])
        population[block] = population.get(block, 0) + 1
        key = ("source", source, block)
        counts[key] = counts.get(key, 0) + 1
        if girl:
            counts[("group", "girls", block)] = counts.get(("group", "girls", block), 0) + 1
    return Section(
        tables=TABLES,
        blocks=frozenset(view_blocks(MONTHS, LEAVES)),
        population=population,
        counts=counts,
        k=K,
    )


# Skewed towards one area and one source, so that super-blocks often hold one
# large category beside a small one: the case secondary suppression is for.
PERSON = st.tuples(
    st.integers(0, len(MONTHS) - 1),
    st.sampled_from([0, 0, 0, 1, 2]),
    st.sampled_from(["police", "police", "police", "self", "family"]),
    st.sampled_from([False, False, True]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PERSON, max_size=60))
def test_no_suppressed_figure_follows_from_any_combination_of_views(people):
    section = section_from(people)
    _shown, determined = audit(section)
    assert determined == []


@settings(max_examples=40, deadline=None)
@given(st.lists(PERSON, max_size=60))
def test_every_figure_shown_is_zero_or_at_least_k(people):
    section = section_from(people)
    for blocks in every_view():
        view = section.view(blocks)
        if not view.shown:
            continue
        for cells in view.tables.values():
            for cell in cells.values():
                assert not cell.shown or cell.value == 0 or cell.value >= K
        assert view.total.value == 0 or view.total.value >= K


def test_the_audit_catches_the_naive_differencing_attack():
    # Suppressing each view's small cells on its own leaks April by difference:
    # the audit must say so, or it proves nothing.
    people = [(0, 0, "police", False)] * 6 + [(1, 0, "police", False)] * 2
    naive_span = Span()
    for months in ([MONTHS[0]], MONTHS[:2]):
        blocks = view_blocks(months, {LEAVES[0]})
        total = sum(1 for m, leaf, _s, _g in people if MONTHS[m] in months and leaf == 0)
        if total >= K:
            naive_span.add(population_vector(blocks))
    second_month = population_vector(view_blocks([MONTHS[1]], {LEAVES[0]}))
    assert naive_span.holds(second_month)
    # The real pages do not show both.
    _shown, determined = audit(section_from(people))
    assert determined == []


def test_three_girls_in_a_district_cannot_be_found_by_any_combination():
    # A district (leaf 2) with three girls; plenty of others elsewhere.
    people = (
        [(m, 0, "police", False) for m in range(4) for _ in range(6)]
        + [(m, 1, "self", False) for m in range(4) for _ in range(5)]
        + [(1, 2, "family", True)] * 3
        + [(m, 2, "police", False) for m in range(4) for _ in range(5)]
    )
    section = section_from(people)
    shown, determined = audit(section)
    assert determined == [] and shown > 0
    for blocks in every_view():
        view = section.view(blocks)
        if view.shown and Block(MONTHS[1], LEAVES[2]) in blocks:
            assert not view.tables["group"]["girls"].shown
    # The city's whole period still shows its population.
    city = section.view(view_blocks(MONTHS, set(LEAVES)))
    assert city.shown and city.total.value == len(people)


def test_a_small_city_shows_its_year_and_hides_the_small_areas():
    # 39 individuals over a year in three areas, one of them with four.
    months = month_range(datetime.date(2026, 1, 1), datetime.date(2026, 12, 1))
    people = {Block(months[n % 12], LEAVES[n % 2]): 0 for n in range(35)}
    population = {}
    for n in range(35):
        block = Block(months[n % 12], LEAVES[n % 2])
        population[block] = population.get(block, 0) + 1
    for n in range(4):
        block = Block(months[n], LEAVES[2])
        population[block] = population.get(block, 0) + 1
    del people
    section = Section(
        tables=(),
        blocks=frozenset(view_blocks(months, LEAVES)),
        population=population,
        counts={},
        k=K,
    )
    year = section.view(view_blocks(months, set(LEAVES)))
    assert year.shown and year.total.value == 39
    small_area = section.view(view_blocks(months, region_leaves(LEAVES, district=2)))
    assert not small_area.shown and small_area.total.below_k


@pytest.mark.parametrize("k", [3, 5, 10])
def test_k_is_a_setting(k):
    people = [(0, 0, "police", False)] * 4
    section = section_from(people)
    section = Section(
        tables=TABLES,
        blocks=section.blocks,
        population=section.population,
        counts=section.counts,
        k=k,
    )
    view = section.view(view_blocks(MONTHS, set(LEAVES)))
    assert view.shown is (k <= 4)
