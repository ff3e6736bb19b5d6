"""The one positive-development rule (avhopp/outcomes.py), table by table:
every pair of baseline and later value on each dimension, then every
combination of the dimensions' changes against an oracle written apart."""

import itertools
from types import SimpleNamespace

import pytest

from avhopp.outcomes import Change, development

LEVELS = ("none", "occasional", "regular")
OCCUPATIONS = ("full_time_job", "part_time_job", "studies", "training", "other", "none")

# (baseline, later) -> change, for drug use, criminality and network contact.
LEVEL_TABLE = {
    ("none", "none"): Change.UNCHANGED,
    ("none", "occasional"): Change.INCREASED,
    ("none", "regular"): Change.INCREASED,
    ("occasional", "none"): Change.CEASED,
    ("occasional", "occasional"): Change.UNCHANGED,
    ("occasional", "regular"): Change.INCREASED,
    ("regular", "none"): Change.CEASED,
    ("regular", "occasional"): Change.REDUCED,
    ("regular", "regular"): Change.UNCHANGED,
}
JOBS = ("full_time_job", "part_time_job", "studies", "training", "other")
OCCUPATION_TABLE = {
    **{(a, b): Change.UNCHANGED for a in JOBS for b in JOBS},
    **{("none", b): Change.GAINED for b in JOBS},
    **{(a, "none"): Change.LOST for a in JOBS},
    ("none", "none"): Change.UNCHANGED,
}
NEUTRAL = {
    "drug_use": "none",
    "criminality": "none",
    "network_contact": "none",
    "occupation": "studies",
    "housing": "own",
}


def measured(**values):
    return SimpleNamespace(**{**NEUTRAL, **values})


# A value not recorded (blank, or None) on either side: the change is unknown.
UNKNOWN_LEVEL_PAIRS = [
    ("", "none"),
    ("", "regular"),
    ("none", ""),
    ("regular", ""),
    ("", ""),
    (None, "occasional"),
    ("occasional", None),
]
UNKNOWN_OCCUPATION_PAIRS = [
    ("", "none"),
    ("", "studies"),
    ("none", ""),
    ("full_time_job", ""),
    ("", ""),
    (None, "none"),
    ("part_time_job", None),
]


def test_the_tables_cover_every_pair():
    assert set(LEVEL_TABLE) == set(itertools.product(LEVELS, LEVELS))
    assert set(OCCUPATION_TABLE) == set(itertools.product(OCCUPATIONS, OCCUPATIONS))


@pytest.mark.parametrize("dimension", ["drug_use", "criminality", "network_contact"])
@pytest.mark.parametrize(("pair", "change"), sorted(LEVEL_TABLE.items()))
def test_a_level_dimension_changes_as_the_table_says(dimension, pair, change):
    before, after = pair
    result = development(measured(**{dimension: before}), measured(**{dimension: after}))
    assert getattr(result, dimension) == change
    # The other dimensions did not move.
    others = {"drug_use", "criminality", "network_contact", "occupation"} - {dimension}
    assert {getattr(result, name) for name in others} == {Change.UNCHANGED}
    assert result.positive is (change in (Change.CEASED, Change.REDUCED))


@pytest.mark.parametrize(("pair", "change"), sorted(OCCUPATION_TABLE.items()))
def test_occupation_changes_as_the_table_says(pair, change):
    before, after = pair
    result = development(measured(occupation=before), measured(occupation=after))
    assert result.occupation == change
    assert result.positive is (change == Change.GAINED)


@pytest.mark.parametrize("dimension", ["drug_use", "criminality", "network_contact"])
@pytest.mark.parametrize(("before", "after"), UNKNOWN_LEVEL_PAIRS)
def test_a_level_not_recorded_is_unknown(dimension, before, after):
    result = development(measured(**{dimension: before}), measured(**{dimension: after}))
    assert getattr(result, dimension) == Change.UNKNOWN
    assert result.improvements == () and result.worsenings == ()
    assert result.positive is False


@pytest.mark.parametrize(("before", "after"), UNKNOWN_OCCUPATION_PAIRS)
def test_an_occupation_not_recorded_is_unknown(before, after):
    result = development(measured(occupation=before), measured(occupation=after))
    assert result.occupation == Change.UNKNOWN
    assert result.positive is False


def test_unknown_values_count_as_neither_better_nor_worse():
    result = development(measured(drug_use="", occupation=""), measured(criminality="none"))
    assert (result.drug_use, result.occupation) == (Change.UNKNOWN, Change.UNKNOWN)
    assert result.positive is False
    result = development(
        measured(drug_use="", criminality="regular"), measured(drug_use="regular")
    )
    assert result.criminality == Change.CEASED and result.positive is True


def test_without_a_baseline_there_is_no_verdict():
    assert development(None, measured()) is None
    assert development(measured(), None) is None


@pytest.mark.parametrize("housing", [("own", "homeless"), ("homeless", "own")])
def test_housing_is_not_part_of_the_rule(housing):
    before, after = housing
    unchanged = development(measured(housing=before), measured(housing=after))
    assert unchanged.positive is False
    better = development(
        measured(housing=before, drug_use="regular"), measured(housing=after, drug_use="none")
    )
    assert better.positive is True


# Every combination of the four dimensions' (baseline, later) values, a value
# not recorded ("") included, checked against an oracle that reads the rule's
# words: at least one of ceased/reduced drug use, criminality or network
# contact, or gained occupation, and no dimension worse; a value not recorded
# is neither better nor worse.
def _oracle(drug, crime, network, occupation):
    rank = {"none": 0, "occasional": 1, "regular": 2}
    better, worse = [], []
    for before, after in (drug, crime, network):
        known = before in rank and after in rank
        better.append(known and rank[after] < rank[before])
        worse.append(known and rank[after] > rank[before])
    before, after = occupation
    known = before in OCCUPATIONS and after in OCCUPATIONS
    better.append(known and before == "none" and after != "none")
    worse.append(known and before != "none" and after == "none")
    return any(better) and not any(worse)


LEVEL_PAIRS = list(itertools.product((*LEVELS, ""), repeat=2))
# Every occupation change: none, one job, another job, not recorded.
OCCUPATION_PAIRS = list(itertools.product(("none", "studies", "full_time_job", ""), repeat=2))


def test_every_combination_follows_the_rule():
    checked = positive = 0
    for drug, crime, network, occupation in itertools.product(
        LEVEL_PAIRS, LEVEL_PAIRS, LEVEL_PAIRS, OCCUPATION_PAIRS
    ):
        baseline = measured(
            drug_use=drug[0],
            criminality=crime[0],
            network_contact=network[0],
            occupation=occupation[0],
        )
        later = measured(
            drug_use=drug[1],
            criminality=crime[1],
            network_contact=network[1],
            occupation=occupation[1],
        )
        expected = _oracle(drug, crime, network, occupation)
        assert development(baseline, later).positive is expected, (
            drug,
            crime,
            network,
            occupation,
        )
        checked += 1
        positive += expected
    assert checked == 16 * 16 * 16 * 16
    # Both verdicts occur often: the oracle is not trivially one-sided.
    assert 0.05 < positive / checked < 0.5


def test_improvements_and_worsenings_are_named():
    result = development(
        measured(drug_use="regular", occupation="none", network_contact="none"),
        measured(drug_use="occasional", occupation="part_time_job", network_contact="regular"),
    )
    assert result.improvements == ("drug_use", "occupation")
    assert result.worsenings == ("network_contact",)
    assert result.positive is False
