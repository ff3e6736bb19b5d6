"""The one rule for "positive development": a later measurement against the baseline.

Used everywhere the word appears: the case page, the measurement's stored
verdict, and the managers' summaries. The README's table is this rule's.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from avhopp.scales import LEVEL_RANK, Level, Occupation


class Change(models.TextChoices):
    CEASED = "ceased", _("Ceased")
    REDUCED = "reduced", _("Reduced")
    UNCHANGED = "unchanged", _("Unchanged")
    INCREASED = "increased", _("Increased")
    GAINED = "gained", _("Gained an occupation")
    LOST = "lost", _("Lost the occupation")
    UNKNOWN = "unknown", _("Not known")


IMPROVED = frozenset({Change.CEASED, Change.REDUCED, Change.GAINED})
WORSE = frozenset({Change.INCREASED, Change.LOST})
# The dimensions the rule reads; housing is measured but is not part of it.
LEVEL_DIMENSIONS = ("drug_use", "criminality", "network_contact")
DIMENSIONS = (*LEVEL_DIMENSIONS, "occupation")


def level_change(before, after):
    """A level (none, occasional, regular) against the baseline's."""
    if before not in LEVEL_RANK or after not in LEVEL_RANK:
        return Change.UNKNOWN
    if LEVEL_RANK[after] > LEVEL_RANK[before]:
        return Change.INCREASED
    if LEVEL_RANK[after] == LEVEL_RANK[before]:
        return Change.UNCHANGED
    return Change.CEASED if after == Level.NONE else Change.REDUCED


def occupation_change(before, after):
    """Occupation against the baseline's: from none to any is gained, from any
    to none is lost; one occupation for another (a part-time job for a
    full-time one, studies for a job) is unchanged."""
    if before not in Occupation.values or after not in Occupation.values:
        return Change.UNKNOWN
    if (before == Occupation.NONE) == (after == Occupation.NONE):
        return Change.UNCHANGED
    return Change.GAINED if before == Occupation.NONE else Change.LOST


@dataclass(frozen=True)
class Development:
    """Each dimension's change from the baseline; ``positive`` is the verdict."""

    drug_use: Change
    criminality: Change
    network_contact: Change
    occupation: Change

    @property
    def changes(self):
        return {name: getattr(self, name) for name in DIMENSIONS}

    @property
    def improvements(self):
        return tuple(name for name, change in self.changes.items() if change in IMPROVED)

    @property
    def worsenings(self):
        return tuple(name for name, change in self.changes.items() if change in WORSE)

    @property
    def positive(self):
        """At least one dimension improved (ceased or reduced drug use,
        criminality or network contact; gained occupation) and none worse
        (increased, or occupation lost). Unknown counts as neither."""
        return bool(self.improvements) and not self.worsenings


def development(baseline, later):
    """The change from ``baseline`` to ``later`` (measurements, or anything with
    their attributes), or None without a baseline to measure against."""
    if baseline is None or later is None:
        return None
    return Development(
        **{
            name: level_change(getattr(baseline, name), getattr(later, name))
            for name in LEVEL_DIMENSIONS
        },
        occupation=occupation_change(baseline.occupation, later.occupation),
    )
