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


@pytest.mark.parametrize("housing", [("own", "homeless"), ("homeless", "own")])
def test_housing_is_not_part_of_the_rule(housing):
    before, after = housing
    unchanged = development(measured(housing=before), measured(housing=after))
    assert unchanged.positive is False
    better = development(
        measured(housing=before, drug_use="regular"), measured(housing=after, drug_use="none")
    )
    assert better.positive is True


# Every combination of the four dimensions' (baseline, later) values, checked
# against an oracle that reads the rule's words: at least one of ceased/reduced
# drug use, ceased/reduced criminality, reduced network contact, gained
# occupation, and no dimension worse.
def _oracle(drug, crime, network, occupation):
    rank = {"none": 0, "occasional": 1, "regular": 2}
    better = [rank[after] < rank[before] for before, after in (drug, crime, network)]
    worse = [rank[after] > rank[before] for before, after in (drug, crime, network)]
    better.append(occupation[0] == "none" and occupation[1] != "none")
    worse.append(occupation[0] != "none" and occupation[1] == "none")
    return any(better) and not any(worse)


LEVEL_PAIRS = list(itertools.product(LEVELS, LEVELS))
OCCUPATION_PAIRS = [
    ("none", "none"),
    ("none", "studies"),
    ("studies", "none"),
    ("studies", "full_time_job"),
]


def test_every_combination_follows_the_rule():
    checked = 0
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
        assert development(baseline, later).positive is _oracle(
            drug, crime, network, occupation
        ), (
            drug,
            crime,
            network,
            occupation,
        )
        checked += 1
    assert checked == 9 * 9 * 9 * 4


def test_improvements_and_worsenings_are_named():
    result = development(
        measured(drug_use="regular", occupation="none", network_contact="none"),
        measured(drug_use="occasional", occupation="part_time_job", network_contact="regular"),
    )
    assert result.improvements == ("drug_use", "occupation")
    assert result.worsenings == ("network_contact",)
    assert result.positive is False
