"""AUDIT and DUDIT scored as the instruments define them: hand-computed
answer sets, the maximum scores, every band edge, refusals of bad answers.

Answers are option indexes, as the form sends them. AUDIT items 1-8 score
the index (0-4); items 9-10 have three options scoring 0, 2, 4. DUDIT the
same with items 1-9 and 10-11.
"""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from avhopp.instruments import AUDIT, DUDIT, instrument_result
from casework.persons.models import Gender


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0] * 10, 0, "low"),
        # 1+1+0+0+0+0+0+0 + 0 + 0
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], 2, "low"),
        # 4+4+4+4+4+4+4+4 + 4 + 4: the maximum
        ([4, 4, 4, 4, 4, 4, 4, 4, 2, 2], 40, "dependence"),
        # 2+1+1+0+0+0+1+0 = 5, item 9 option 1 = 2 points: 7, the top of low
        ([2, 1, 1, 0, 0, 0, 1, 0, 1, 0], 7, "low"),
        # 2+1+1+0+0+0+1+1 = 6, item 10 option 1 = 2: 8, the bottom of hazardous
        ([2, 1, 1, 0, 0, 0, 1, 1, 0, 1], 8, "hazardous"),
        # 3+2+2+1+1+0+1+1 = 11, items 9 and 10 option 1 = 2+2: 15
        ([3, 2, 2, 1, 1, 0, 1, 1, 1, 1], 15, "hazardous"),
        # 3+2+2+1+1+1+1+1 = 12, items 9 and 10 = 2+2: 16, harmful starts
        ([3, 2, 2, 1, 1, 1, 1, 1, 1, 1], 16, "harmful"),
        # 3+2+3+2+1+1+1+2 = 15, item 9 option 2 = 4, item 10 option 0: 19, the top of harmful
        ([3, 2, 3, 2, 1, 1, 1, 2, 2, 0], 19, "harmful"),
        # 3+2+3+2+1+1+1+3 = 16, item 9 option 2 = 4: 20, dependence starts
        ([3, 2, 3, 2, 1, 1, 1, 3, 2, 0], 20, "dependence"),
    ],
)
def test_audit_scores_and_bands(answers, total, band):
    assert instrument_result(AUDIT, answers, "male") == (total, band)
    # AUDIT's bands do not depend on gender.
    assert instrument_result(AUDIT, answers, "female") == (total, band)


@pytest.mark.parametrize(
    ("answers", "gender", "total", "band"),
    [
        ([0] * 11, "male", 0, "no_problems"),
        ([4, 4, 4, 4, 4, 4, 4, 4, 4, 2, 2], "female", 44, "dependence"),
        # Men: problems from 6. 1+1+1+1+1 (items 1-5) = 5
        ([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], "male", 5, "no_problems"),
        # 1+1+1+1+1+1 (items 1-6) = 6, the men's cut-off
        ([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], "male", 6, "problems"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], "female", 5, "problems"),
        # Women and anyone of unknown or other gender: problems from 2.
        ([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "female", 1, "no_problems"),
        ([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "", 1, "no_problems"),
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], "female", 2, "problems"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], "", 2, "problems"),
        ([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "other", 1, "no_problems"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "other", 2, "problems"),
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], "male", 2, "no_problems"),
        # 3+3+3+3+3+3+2+0+0 = 20, items 10 and 11 option 1 = 2+2: 24
        ([3, 3, 3, 3, 3, 3, 2, 0, 0, 1, 1], "male", 24, "problems"),
        # ... one more on item 8: 25, dependence for anyone
        ([3, 3, 3, 3, 3, 3, 2, 1, 0, 1, 1], "male", 25, "dependence"),
        ([3, 3, 3, 3, 3, 3, 2, 1, 0, 1, 1], "female", 25, "dependence"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0, 1, 1], "female", 24, "problems"),
        ([3, 3, 3, 3, 3, 3, 2, 1, 0, 1, 1], "", 25, "dependence"),
        # Items 10 and 11 option 2 are four points each: 4+4
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2], "male", 8, "problems"),
    ],
)
def test_dudit_scores_and_bands(answers, gender, total, band):
    assert instrument_result(DUDIT, answers, gender) == (total, band)


@pytest.mark.parametrize(
    ("gender", "total_6", "total_2"),
    [
        # The casework Gender values the services pass: only boys and men get
        # the men's cut-off of 6; a blank or missing gender the women's 2.
        (Gender.BOY, "problems", "no_problems"),
        (Gender.GIRL, "problems", "problems"),
        (Gender.OTHER, "problems", "problems"),
        ("", "problems", "problems"),
        (None, "problems", "problems"),
    ],
)
def test_dudit_cut_off_by_the_persons_gender(gender, total_6, total_2):
    # 1+1+1+1+1+1 = 6 and 1+1 = 2
    assert instrument_result(DUDIT, [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], gender) == (6, total_6)
    assert instrument_result(DUDIT, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], gender) == (2, total_2)


@pytest.mark.parametrize(
    ("instrument", "item", "points"),
    [
        # Option index -> points on the three-answer items: never 1 or 3.
        (AUDIT, 9, [0, 2, 4]),
        (AUDIT, 10, [0, 2, 4]),
        (DUDIT, 10, [0, 2, 4]),
        (DUDIT, 11, [0, 2, 4]),
    ],
)
def test_the_three_answer_items_score_0_2_4(instrument, item, points):
    scored = []
    for index in range(3):
        answers = [0] * len(instrument.items)
        answers[item - 1] = index
        scored.append(instrument_result(instrument, answers, "male")[0])
    assert scored == points


AUDIT_FREQUENCY = [
    "Never",
    "Monthly or less",
    "2–4 times a month",  # noqa: RUF001
    "2–3 times a week",  # noqa: RUF001
    "4 or more times a week",
]
HOW_OFTEN = ["Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily"]
YES_NO = ["No", "Yes, but not in the last year", "Yes, during the last year"]


@pytest.mark.parametrize(
    ("instrument", "labels"),
    [
        (
            AUDIT,
            [
                AUDIT_FREQUENCY,
                ["1 or 2", "3 or 4", "5 or 6", "7 to 9", "10 or more"],
                *[HOW_OFTEN] * 6,
                YES_NO,
                YES_NO,
            ],
        ),
        (
            DUDIT,
            [
                # Items 1 and 2 on the frequency scale, item 3 times a day.
                AUDIT_FREQUENCY,
                AUDIT_FREQUENCY,
                ["0", "1–2", "3–4", "5–6", "7 or more"],  # noqa: RUF001
                *[HOW_OFTEN] * 6,
                YES_NO,
                YES_NO,
            ],
        ),
    ],
)
def test_each_item_offers_the_instruments_answers(instrument, labels):
    with translation.override("en"):
        shown = [[str(label) for label, _points in item.options] for item in instrument.items]
    assert shown == labels


def test_the_instruments_have_their_items_and_maxima():
    assert [item.number for item in AUDIT.items] == list(range(1, 11))
    assert [item.number for item in DUDIT.items] == list(range(1, 12))
    assert (AUDIT.maximum, DUDIT.maximum) == (40, 44)
    assert [points for _label, points in AUDIT.items[8].options] == [0, 2, 4]
    assert [points for _label, points in DUDIT.items[10].options] == [0, 2, 4]
    assert [points for _label, points in DUDIT.items[2].options] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("instrument", "answers"),
    [
        (AUDIT, [0] * 9),  # an item missing
        (AUDIT, [0] * 11),  # one too many
        (AUDIT, [0] * 8 + [3, 0]),  # item 9 has three options
        (AUDIT, [0] * 9 + [3]),  # item 10 too
        (AUDIT, [0] * 9 + [4]),
        (AUDIT, [5] + [0] * 9),
        (AUDIT, [0] * 7 + [5, 0, 0]),
        (AUDIT, [-1] + [0] * 9),
        (AUDIT, ["1"] + [0] * 9),
        (AUDIT, [None] + [0] * 9),
        (AUDIT, [True] + [0] * 9),
        (AUDIT, [1.0] + [0] * 9),
        (AUDIT, []),
        (AUDIT, "0000000000"),
        # A mapping is refused, not read as its keys.
        (AUDIT, dict.fromkeys(range(10), 0)),
        (DUDIT, [0] * 10),
        (DUDIT, [0] * 12),
        (DUDIT, [0] * 9 + [3, 0]),  # item 10 has three options
        (DUDIT, [0] * 9 + [0, 3]),  # item 11 too
        (DUDIT, [0] * 9 + [4, 0]),
        (DUDIT, [0] * 8 + [5, 0, 0]),
        (DUDIT, [-1] + [0] * 10),
    ],
)
def test_bad_answers_are_refused(instrument, answers):
    with pytest.raises(ValueError):
        instrument_result(instrument, answers, "male")


def _answers(instrument):
    return st.tuples(*(st.integers(0, len(item.options) - 1) for item in instrument.items))


AUDIT_POINTS = [[0, 1, 2, 3, 4]] * 8 + [[0, 2, 4]] * 2
DUDIT_POINTS = [[0, 1, 2, 3, 4]] * 9 + [[0, 2, 4]] * 2


@given(_answers(AUDIT))
def test_any_audit_answers_score_their_points_within_range(answers):
    total, band = instrument_result(AUDIT, list(answers), "")
    assert total == sum(AUDIT_POINTS[n][answer] for n, answer in enumerate(answers))
    assert 0 <= total <= 40
    expected = (
        "low"
        if total < 8
        else "hazardous"
        if total < 16
        else "harmful"
        if total < 20
        else "dependence"
    )
    assert band == expected


@given(_answers(DUDIT), st.sampled_from(["male", "female", "other", ""]))
def test_any_dudit_answers_score_their_points_within_range(answers, gender):
    total, band = instrument_result(DUDIT, list(answers), gender)
    assert total == sum(DUDIT_POINTS[n][answer] for n, answer in enumerate(answers))
    assert 0 <= total <= 44
    cut_off = 6 if gender == "male" else 2
    expected = "dependence" if total >= 25 else "problems" if total >= cut_off else "no_problems"
    assert band == expected


AUDIT_RANK = {"low": 0, "hazardous": 1, "harmful": 2, "dependence": 3}
DUDIT_RANK = {"no_problems": 0, "problems": 1, "dependence": 2}


@given(_answers(AUDIT), _answers(AUDIT))
def test_the_audit_band_never_falls_as_the_total_rises(first, second):
    (low_total, low_band), (high_total, high_band) = sorted(
        instrument_result(AUDIT, list(answers), "") for answers in (first, second)
    )
    assert AUDIT_RANK[low_band] <= AUDIT_RANK[high_band]
    if low_total == high_total:
        assert low_band == high_band


@given(_answers(DUDIT), _answers(DUDIT), st.sampled_from(["male", "female", "other", ""]))
def test_the_dudit_band_never_falls_as_the_total_rises(first, second, gender):
    (low_total, low_band), (high_total, high_band) = sorted(
        instrument_result(DUDIT, list(answers), gender) for answers in (first, second)
    )
    assert DUDIT_RANK[low_band] <= DUDIT_RANK[high_band]
    if low_total == high_total:
        assert low_band == high_band


@given(_answers(DUDIT))
def test_the_womens_dudit_band_is_never_milder_than_the_mens(answers):
    men = instrument_result(DUDIT, list(answers), "male")
    women = instrument_result(DUDIT, list(answers), "female")
    assert men[0] == women[0]
    assert DUDIT_RANK[men[1]] <= DUDIT_RANK[women[1]]
