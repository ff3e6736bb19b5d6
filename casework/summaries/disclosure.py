"""Disclosure control for the managers' summaries: no figure, and no
combination of the figures any filter shows, lets a reader work out a count
that is suppressed.

The figures are sums over *blocks*: one calendar month of one leaf (a
district served by a unit). A page's view is a set of months (a month, a
quarter, a year, any range of whole months) times a region (everything, a
district, a unit, or both), so every figure is a linear equation over the
blocks. Suppressing each view's small cells on its own would not do: the
range January-April minus January-March is April.

So the suppression is decided once, on a fixed hierarchy of building
blocks, and every view is drawn from it (the "fixed building blocks with
the same suppression pattern everywhere" of the issue):

1. Hierarchy. Per calendar year: the city's year; under it each leaf's
   year (leaves whose year is below k are put together, grown by whole
   leaf-years until k); under each leaf's year, runs of consecutive months
   whose population is 0 or at least k.
2. Suppression, per table and category, over that tree: counts from 1 to
   k-1 are hidden; then, until nothing changes, a node that shows a
   category never has exactly one child hiding it, nor hidden children
   whose sum is below k; a node that hides it has a child that hides it;
   and where a table's categories add up to the population, a node never
   hides exactly one of them.
3. A view is cut into the largest nodes it holds whole; if it cuts a run
   nothing is shown. A figure is shown where no part hides it, or where the
   parts that do are all the hidden children of a parent that shows it.

Why it holds: everything shown is a sum of nodes' figures that are shown or
follow from shown ones. A suppressed figure holds part of a run, or a
hidden node without all its hidden siblings, or the hidden children of a
parent that hides the figure too; in each case a change of counts (plus one
here, minus one in another hidden node) keeps every figure shown and moves
it, so no combination of views determines it.
tests/casework/test_disclosure_audit.py checks exactly that, with rational
arithmetic over random data and every view the filters offer.

Hand-written: sdcMicro and τ-ARGUS are R and Java, and no maintained Python
package does secondary suppression over a hierarchy of overlapping views.
Known limit: a year still running is cut again as months pass, so pages
read on two different days can differ by a run of the current year.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

DEFAULT_K = 5


@dataclass(frozen=True, order=True)
class Block:
    """One month (first day, a date) of one leaf (district id, unit id)."""

    month: object
    leaf: tuple


@dataclass(frozen=True)
class Table:
    """A table of a section: its categories (values), and whether every
    individual is in exactly one of them (``exclusive``: they add up to the
    population) or in any number (target groups, outcomes)."""

    name: str
    categories: tuple
    exclusive: bool = True


@dataclass(eq=False)
class Node:
    """A building block of the hierarchy: a run of months of a leaf, a
    leaf's year (or the year's small areas together), or the city's year."""

    blocks: frozenset
    total: int
    children: list = field(default_factory=list)
    parent: "Node | None" = None
    # table name -> category -> count, and the categories hidden at this node.
    counts: dict = field(default_factory=dict)
    hidden: dict = field(default_factory=dict)

    @property
    def small(self):
        return 0 < self.total < self.k

    k: int = DEFAULT_K


@dataclass(frozen=True)
class Cell:
    """One figure of a view: ``value`` None when it is suppressed;
    ``below_k`` says a suppressed figure is a small count (shown as "<k")."""

    value: int | None
    below_k: bool = False

    @property
    def shown(self):
        return self.value is not None


@dataclass
class Section:
    """The counts of one population (a programme's cases by one date):
    ``population[block]`` and ``counts[(table, category, block)]``."""

    tables: tuple
    blocks: frozenset
    population: dict
    counts: dict
    k: int = DEFAULT_K

    def __post_init__(self):
        self.years = _hierarchy(self.blocks, self.population, self.k)
        nodes = [node for year in self.years for node in _walk(year)]
        for node in nodes:
            node.k = self.k
            for table in self.tables:
                node.counts[table.name] = {
                    category: sum(
                        self.counts.get((table.name, category, b), 0) for b in node.blocks
                    )
                    for category in table.categories
                }
        for table in self.tables:
            _suppress(nodes, table, self.k)

    def decompose(self, blocks):
        """The largest nodes that make up ``blocks``, or None where a run is cut."""
        parts = []
        for year in self.years:
            if not (year.blocks & blocks):
                continue
            if year.blocks <= blocks:
                parts.append(year)
                continue
            for group in year.children:
                if not (group.blocks & blocks):
                    continue
                if group.blocks <= blocks:
                    parts.append(group)
                    continue
                for run in group.children:
                    if run.blocks & blocks:
                        if not run.blocks <= blocks:
                            return None
                        parts.append(run)
        return parts

    def view(self, blocks):
        """The figures of the view over ``blocks`` (a set of Blocks): a View."""
        blocks = frozenset(blocks) & self.blocks
        parts = self.decompose(blocks)
        true_total = sum(self.population.get(b, 0) for b in blocks)
        if parts is None or any(node.small for node in parts):
            return View(shown=False, total=Cell(None, 0 < true_total < self.k), tables={})
        tables = {}
        for table in self.tables:
            cells = {}
            for category in table.categories:
                value = sum(node.counts[table.name][category] for node in parts)
                if not _derivable(parts, table.name, category):
                    cells[category] = Cell(None, 0 < value < self.k)
                else:
                    cells[category] = Cell(value)
            tables[table.name] = cells
        return View(shown=True, total=Cell(true_total), tables=tables)


@dataclass(frozen=True)
class View:
    """``shown`` False: the selection is finer than the figures allow (every
    figure suppressed). ``tables``: table name -> category -> Cell."""

    shown: bool
    total: Cell
    tables: dict

    def share(self, table, category, of=None):
        """The category's count over ``of`` (a Cell; the population by default)
        as a fraction, or None where either is suppressed or the base is below k."""
        base = of or self.total
        cell = self.tables.get(table, {}).get(category)
        if not (self.shown and cell and cell.shown and base.shown) or base.value == 0:
            return None
        return cell.value / base.value


def _derivable(parts, name, category):
    """Whether the view's figure for ``category`` follows from figures shown:
    none of its parts hides it, or the parts that do are all the hidden
    children of a parent that shows it (parent minus its shown children)."""
    in_view = {id(part) for part in parts}
    for part in parts:
        if category not in part.hidden[name]:
            continue
        parent = part.parent
        if parent is None or category in parent.hidden[name]:
            return False
        siblings = [child for child in parent.children if category in child.hidden[name]]
        if not all(id(child) in in_view for child in siblings):
            return False
    return True


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _node(blocks, population, children=()):
    node = Node(frozenset(blocks), sum(population.get(b, 0) for b in blocks), list(children))
    for child in node.children:
        child.parent = node
    return node


def _hierarchy(blocks, population, k):
    """Per calendar year: the city's year; under it each leaf's year (leaves
    whose year is below k together, grown by whole leaf-years to k); under
    each, its runs of months (0 or at least k each)."""
    by_year_leaf = defaultdict(list)
    for block in blocks:
        by_year_leaf[(block.month.year, block.leaf)].append(block)
    years = []
    for year in sorted({year for year, _leaf in by_year_leaf}):
        leaf_years = {
            leaf: sorted(months) for (y, leaf), months in by_year_leaf.items() if y == year
        }
        totals = {
            leaf: sum(population.get(b, 0) for b in months) for leaf, months in leaf_years.items()
        }
        small = sorted(leaf for leaf, total in totals.items() if 0 < total < k)
        groups = []
        if small:
            members = list(small)
            total = sum(totals[leaf] for leaf in members)
            for leaf in sorted(
                (leaf for leaf in leaf_years if leaf not in small and totals[leaf] > 0),
                key=lambda leaf: (totals[leaf], leaf),
            ):
                if total >= k:
                    break
                members.append(leaf)
                total += totals[leaf]
            merged = [b for leaf in members for b in leaf_years[leaf]]
            groups.append(_node(merged, population, [_node(merged, population)]))
            for leaf in members:
                del leaf_years[leaf]
        for _leaf, months in sorted(leaf_years.items()):
            runs = [_node(run, population) for run in _runs(months, population, k)]
            groups.append(_node(months, population, runs))
        years.append(_node([b for g in groups for b in g.blocks], population, groups))
    return years


def _runs(months, population, k):
    """Consecutive months cut where the running count reaches k; a short tail
    joins the run before it; months with nobody after the last run are a run
    of their own (0); a year below k is one run."""
    runs, current, count = [], [], 0
    for block in months:
        current.append(block)
        count += population.get(block, 0)
        if count >= k:
            runs.append(current)
            current, count = [], 0
    if current:
        if runs and count > 0:
            runs[-1] += current
        else:
            runs.append(current)
    return runs


def _suppress(nodes, table, k):
    """Hide ``table``'s small counts at every node, then enough others that
    none can be worked out: a shown node never has exactly one hidden child,
    a hidden node always has a hidden child, and where the categories add up
    to the node's total, a node never hides exactly one of them."""
    name = table.name
    for node in nodes:
        node.hidden[name] = {c for c, v in node.counts[name].items() if 0 < v < k}
    changed = True
    while changed:
        changed = False
        for node in nodes:
            hidden = node.hidden[name]
            if table.exclusive and len(hidden) == 1 and len(table.categories) > 1:
                hidden.add(_smallest(table.categories, hidden, node.counts[name]))
                changed = True
            for category in table.categories:
                if not node.children:
                    continue
                under = [child for child in node.children if category in child.hidden[name]]
                # Under a parent that shows it, the hidden children's sum is
                # parent minus the others: never one alone, never below k.
                hidden_sum = sum(child.counts[name][category] for child in under)
                shown_parent = category not in hidden and (len(under) == 1 or 0 < hidden_sum < k)
                # A hidden parent whose children all show it would be their sum.
                hidden_parent = category in hidden and not under and node.counts[name][category]
                if (shown_parent or hidden_parent) and _hide_smallest(
                    node.children, under, category, name
                ):
                    changed = True


def _smallest(categories, hidden, counts):
    others = [c for c in categories if c not in hidden]
    return min(others, key=lambda c: (counts[c] == 0, counts[c], categories.index(c)))


def _hide_smallest(children, under, category, name):
    others = [child for child in children if child not in under]
    if not others:
        return False
    choice = min(
        others,
        key=lambda child: (
            child.counts[name][category] == 0,
            child.counts[name][category],
            sorted(child.blocks)[0],
        ),
    )
    choice.hidden[name].add(category)
    return True


# --- The views a page offers ---------------------------------------------------------------


def month_range(first, last):
    """The first days of the months from ``first`` to ``last``, both included."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(first.replace(year=year, month=month, day=1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def regions(leaves):
    """Every region the filters can choose: (district or None, unit or None)."""
    districts = sorted({district for district, _unit in leaves})
    units = sorted({unit for _district, unit in leaves})
    return [(None, None)] + [
        (d, u) for d, u in itertools.product([None, *districts], [None, *units]) if d or u
    ]


def region_leaves(leaves, district=None, unit=None):
    return {
        leaf
        for leaf in leaves
        if (district is None or leaf[0] == district) and (unit is None or leaf[1] == unit)
    }


def view_blocks(months, leaves):
    return {Block(month, leaf) for month in months for leaf in leaves}
