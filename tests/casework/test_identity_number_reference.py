"""Our identity-number verdict against an outside reference: the
``personnummer`` package (a test-only dependency), over generated numbers in
every spelling. Where the two differ by design, the difference is named in
``KNOWN_DIFFERENCES`` and checked to be exactly that; anything else fails.

python-stdnum's ``se.personnummer`` was compared too when the issue was
filed: it agrees with ``personnummer`` wherever it has a verdict and knows
no coordination numbers, so it adds nothing here.
"""

import datetime
from unittest import mock

from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st
from personnummer import personnummer as reference

from casework.persons.identity_numbers import luhn_check_digit, parse_identity_number

TODAY = datetime.date(2026, 11, 21)

# Where we differ from the reference on purpose:
KNOWN_DIFFERENCES = {
    # A date of birth after today: nobody is born yet; the reference checks
    # only that the date exists.
    "future": "we refuse a birth date after today",
    # "+" says the person is 100 or over, which only the 10-digit form needs;
    # with the century written out the reference ignores it.
    "plus_with_century": "we refuse '+' in the 12-digit form",
    # A 10-digit number with "-" whose date this year is still to come: we
    # read it as born a hundred years ago (Skatteverket: the latest such date
    # not after today); the reference as born later this year.
    "century_of_a_date_to_come": "we read the latest date not after today",
}


def with_check_digit(nine, separator="-"):
    return f"{nine[:6]}{separator}{nine[6:]}{luhn_check_digit(nine)}"


@st.composite
def numbers(draw):
    """(spelling, facts) of a generated number, valid or not in a chosen way."""
    born = draw(
        st.dates(min_value=datetime.date(1880, 1, 1), max_value=datetime.date(2030, 12, 31))
    )
    coordination = draw(st.booleans())
    # Serial 000 half the time: the case the issue is about.
    serial = draw(st.one_of(st.just(0), st.integers(min_value=1, max_value=999)))
    year, month, day = born.year, born.month, born.day
    impossible = draw(st.sampled_from([None, None, None, "month", "day", "day_00"]))
    if impossible == "month":
        month = 13
    elif impossible == "day":
        day = 32
    elif impossible == "day_00":
        day = 0
    day_part = day + 60 if coordination else day
    nine = f"{year % 100:02d}{month:02d}{day_part:02d}{serial:03d}"
    check = luhn_check_digit(nine)
    if draw(st.booleans()) and draw(st.booleans()):  # a quarter: a wrong check digit
        check = (check + draw(st.integers(min_value=1, max_value=9))) % 10
    ten = f"{nine}{check}"
    form = draw(st.sampled_from(["12", "12-", "12+", "10", "10-", "10+"]))
    if form.startswith("12"):
        spelling = f"{year:04d}{ten[:6]}{form[2:]}{ten[6:]}"
    else:
        spelling = f"{ten[:6]}{form[2:]}{ten[6:]}"
    return spelling, {"form": form, "serial": serial, "coordination": coordination}


def ours(spelling):
    try:
        parsed = parse_identity_number(spelling, today=TODAY)
    except ValidationError as error:
        return False, error.code, None
    return True, None, parsed


def theirs(spelling):
    with mock.patch.object(reference, "_get_current_date", return_value=TODAY):
        if not reference.valid(spelling):
            return False, None
        return True, reference.parse(spelling).get_date()


def known_difference(spelling, facts, our_code):
    """Which of KNOWN_DIFFERENCES explains our refusal of a number the reference takes."""
    if facts["form"] == "12+" and our_code == "invalid_characters":
        return "plus_with_century"
    if our_code == "future_date":
        return "future"
    return None


@settings(max_examples=600, deadline=None)
@given(numbers())
@example(("811218-0007", {"form": "10-", "serial": 0, "coordination": False}))
@example(("19701063-0003", {"form": "12-", "serial": 0, "coordination": True}))
@example(("701063-2391", {"form": "10-", "serial": 239, "coordination": True}))
@example((with_check_digit("261201123"), {"form": "10-", "serial": 123, "coordination": False}))
@example(
    (with_check_digit("260101123", "+"), {"form": "10+", "serial": 123, "coordination": False})
)
def test_our_verdict_is_the_references_but_for_the_known_differences(number):
    spelling, facts = number
    valid, code, parsed = ours(spelling)
    reference_valid, reference_date = theirs(spelling)
    if valid == reference_valid:
        if valid:
            assert parsed.is_coordination_number is facts["coordination"]
            if parsed.birth_date != reference_date:
                assert reference_date > TODAY, spelling
                assert parsed.birth_date == reference_date.replace(year=reference_date.year - 100)
                assert "century_of_a_date_to_come" in KNOWN_DIFFERENCES
        return
    assert not valid and reference_valid, f"{spelling}: we accept what the reference refuses"
    assert known_difference(spelling, facts, code) in KNOWN_DIFFERENCES, (
        f"{spelling}: refused as {code}, accepted by the reference"
    )


def test_serial_000_is_refused_by_both():
    for spelling in ("811218-0007", "198112180007", "19701063-0003", "7010630003"):
        nine = spelling.replace("-", "")[-10:-1]
        spelling = spelling[:-1] + str(luhn_check_digit(nine))
        assert ours(spelling)[:2] == (False, "invalid_serial"), spelling
        assert theirs(spelling)[0] is False, spelling
