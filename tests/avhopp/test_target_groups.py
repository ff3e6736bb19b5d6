"""Target groups at intake: of the case's track, at least one, and the 18-25
group only within that age or by an exception written out."""

import datetime

import pytest

from avhopp.models import CaseTargetGroup
from avhopp.services import target_groups_check
from casework.errors import ApplicationError
from tests.avhopp.conftest import fresh, intake, register, step

# track, groups, age at intake, justification -> False (no exception), True
# (chosen by exception), or the refused field.
CASES = [
    ("exit", ["criminal_lifestyle"], 30, "", False),
    ("exit", ["age_18_25"], 18, "", False),
    ("exit", ["age_18_25"], 25, "", False),
    ("exit", ["age_18_25", "territorial_gang"], 21, "", False),
    ("exit", ["age_18_25"], 17, "", "age_exception_justification"),
    ("exit", ["age_18_25"], 26, "", "age_exception_justification"),
    ("exit", ["age_18_25"], 26, "   ", "age_exception_justification"),
    ("exit", ["age_18_25"], None, "", "age_exception_justification"),
    ("exit", ["age_18_25"], 26, "Tidigare insatser i ungdomsgruppen.", True),
    ("exit", ["age_18_25"], 16, "Stor påverkan på lokalsamhället.", True),
    ("exit", ["age_18_25"], None, "Födelsedatum okänt, uppgiven ålder 19.", True),
    ("exit", [], 20, "", "target_groups"),
    ("exit", ["recruitment_exposed"], 20, "", "target_groups"),
    ("prevention", ["recruitment_exposed", "starting_career"], 14, "", False),
    ("prevention", ["in_criminality"], 19, "", False),
    ("prevention", ["age_18_25"], 20, "", "target_groups"),
    ("prevention", ["criminal_lifestyle"], 16, "", "target_groups"),
]


@pytest.mark.parametrize(("track", "groups", "age", "justification", "expected"), CASES)
def test_target_groups_rule(track, groups, age, justification, expected):
    if isinstance(expected, bool):
        assert (
            target_groups_check(track=track, groups=groups, age=age, justification=justification)
            is expected
        )
    else:
        with pytest.raises(ApplicationError) as refused:
            target_groups_check(track=track, groups=groups, age=age, justification=justification)
        assert refused.value.field == expected


@pytest.mark.django_db
def test_the_age_is_taken_from_the_person_at_intake(worker):
    # Born 30 years ago: outside 18-25 unless by exception.
    born = datetime.date.today().replace(year=datetime.date.today().year - 30, day=1)
    case = step(register(worker, born=born), "start_intake", worker, days_ago=5)
    with pytest.raises(ApplicationError) as refused:
        intake(case, worker, groups=("age_18_25",))
    assert refused.value.code == "age_outside_group"
    assert not CaseTargetGroup.objects.filter(case=case).exists()
    intake(
        case,
        worker,
        groups=("age_18_25", "criminal_lifestyle"),
        age_exception_justification="Tidigare insatser.",
    )
    case = fresh(case)
    assert case.age_at_intake == 30
    assert case.age_exception is True
    assert case.age_exception_justification == "Tidigare insatser."
    assert sorted(case.target_groups.values_list("group", flat=True)) == [
        "age_18_25",
        "criminal_lifestyle",
    ]


@pytest.mark.django_db
def test_correcting_the_groups_replaces_them_and_a_justification_not_needed_is_dropped(worker):
    born = datetime.date.today().replace(year=datetime.date.today().year - 20, day=1)
    case = step(register(worker, born=born), "start_intake", worker, days_ago=5)
    intake(case, worker, groups=("age_18_25", "territorial_gang"), age_exception_justification="x")
    case = fresh(case)
    assert case.age_exception is False and case.age_exception_justification == ""
    intake(case, worker, groups=("girls_in_gangs",))
    assert list(fresh(case).target_groups.values_list("group", flat=True)) == ["girls_in_gangs"]
    # Each change of the groups is in history.
    assert CaseTargetGroup.history.filter(case_id=case.pk, history_type="-").count() == 2
