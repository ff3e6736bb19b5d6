"""Swedish personal identity numbers (personnummer and samordningsnummer).

Pure functions: no database. ``today`` is fixed so century inference and the
future-date check are deterministic.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from hypothesis import given
from hypothesis import strategies as st

from casework.persons.identity_numbers import (
    MESSAGES,
    IdentityNumber,
    luhn_check_digit,
    normalise_identity_number,
    parse_identity_number,
)

TODAY = date(2026, 11, 21)
ERROR_CODES = {
    "empty",
    "invalid_characters",
    "invalid_length",
    "invalid_date",
    "future_date",
    "invalid_check_digit",
    "invalid_serial",
}


def reference_check_digit(nine_digits):
    """Luhn, written independently of the module: double every other digit from
    the left (the rightmost of the nine is doubled), sum the digits of the
    products, and pad to the next multiple of ten."""
    doubled = "".join(str(int(d) * 2) if i % 2 == 0 else d for i, d in enumerate(nine_digits))
    return -sum(int(d) for d in doubled) % 10


def with_check_digit(nine_digits):
    return nine_digits + str(reference_check_digit(nine_digits))


def age_on(birth_date, day):
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def parse(raw):
    return parse_identity_number(raw, today=TODAY)


def error_for(raw):
    with pytest.raises(ValidationError) as excinfo:
        parse(raw)
    return excinfo.value


@st.composite
def valid_numbers(draw):
    """(twelve digits, birth date, is coordination number) of a valid number."""
    birth_date = draw(st.dates(min_value=date(1910, 1, 1), max_value=TODAY))
    serial = draw(st.integers(min_value=1, max_value=999))
    coordination = draw(st.booleans())
    day_part = birth_date.day + 60 if coordination else birth_date.day
    nine = f"{birth_date:%y%m}{day_part:02d}{serial:03d}"
    twelve = f"{birth_date.year:04d}{with_check_digit(nine)[2:]}"
    return twelve, birth_date, coordination


def spellings(twelve, birth_date):
    """Every way of writing the number that must be accepted on TODAY."""
    ten = twelve[2:]
    written = [twelve, f"{twelve[:8]}-{twelve[8:]}"]
    if age_on(birth_date, TODAY) < 100:
        written += [ten, f"{ten[:6]}-{ten[6:]}"]
    else:
        written += [f"{ten[:6]}+{ten[6:]}"]
    return written


# Properties -------------------------------------------------------------------


@given(valid_numbers())
def test_every_spelling_of_a_valid_number_is_accepted_and_normalised_alike(number):
    twelve, birth_date, coordination = number
    for raw in spellings(twelve, birth_date):
        parsed = parse(raw)
        assert parsed.digits12 == twelve, raw
        assert parsed.birth_date == birth_date, raw
        assert parsed.is_coordination_number is coordination, raw
        assert parsed.formatted == f"{twelve[:8]}-{twelve[8:]}"
        assert normalise_identity_number(raw, today=TODAY) == twelve


@given(valid_numbers())
def test_the_wrong_separator_never_gives_the_same_person(number):
    # The 10-digit form with the other separator is a century off (or, for
    # 29 February, a non-leap year and so no date at all).
    twelve, birth_date, _ = number
    ten = twelve[2:]
    wrong = "-" if age_on(birth_date, TODAY) >= 100 else "+"
    try:
        parsed = parse(f"{ten[:6]}{wrong}{ten[6:]}")
    except ValidationError as error:
        assert error.code == "invalid_date"
        assert (birth_date.month, birth_date.day) == (2, 29)
    else:
        assert parsed.digits12 != twelve
        assert abs(parsed.birth_date.year - birth_date.year) == 100


@given(valid_numbers())
def test_every_single_digit_change_is_rejected(number):
    # Positions 2-11 of YYYYMMDDNNNC are the ten digits YYMMDDNNNC of the
    # short form, which the Luhn check digit covers: Luhn catches every
    # single-digit substitution, so each change is rejected (as a bad check
    # digit, or earlier as an impossible or future date). Positions 0-1, the
    # century, are not covered by the check digit (it is computed on the
    # 10-digit form), so changing them can give another valid number; they are
    # excluded.
    twelve, _, _ = number
    for position in range(2, 12):
        for digit in "0123456789":
            if digit == twelve[position]:
                continue
            changed = twelve[:position] + digit + twelve[position + 1 :]
            with pytest.raises(ValidationError) as excinfo:
                parse(changed)
            assert excinfo.value.code in {
                "invalid_check_digit",
                "invalid_date",
                "future_date",
                "invalid_serial",
            }


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_luhn_check_digit_matches_an_independent_implementation(nine):
    assert luhn_check_digit(nine) == reference_check_digit(nine)


# Known numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["811218-9876", "8112189876", "19811218-9876", "198112189876", " 811218-9876 "]
)
def test_skatteverkets_example_number(raw):
    parsed = parse(raw)
    assert parsed == IdentityNumber(
        digits12="198112189876", birth_date=date(1981, 12, 18), is_coordination_number=False
    )
    assert parsed.formatted == "19811218-9876"


def test_skatteverkets_example_check_digit():
    assert luhn_check_digit("811218987") == 6


@pytest.mark.parametrize("raw", ["701063-2391", "7010632391", "19701063-2391"])
def test_a_samordningsnummer(raw):
    parsed = parse(raw)
    assert parsed.digits12 == "197010632391"
    assert parsed.birth_date == date(1970, 10, 3)
    assert parsed.is_coordination_number is True
    assert parsed.formatted == "19701063-2391"


def test_samordningsnummer_day_91_is_the_31st():
    assert parse("811291-1238").birth_date == date(1981, 12, 31)


def test_a_centenarian_is_written_with_a_plus():
    parsed = parse("200505+1236")
    assert parsed.birth_date == date(1920, 5, 5)
    assert parsed.digits12 == "192005051236"
    # With a hyphen the same digits are someone born in 2020.
    assert parse("200505-1236").birth_date == date(2020, 5, 5)


@pytest.mark.parametrize(
    "raw, birth_date",
    [
        # Born on this day 100 years ago: 100 today, so "+"; "-" means born today.
        ("261121+1232", date(1926, 11, 21)),
        ("261121-1232", date(2026, 11, 21)),
        ("2611211232", date(2026, 11, 21)),
        # Born tomorrow's date 100 years ago: still 99, so "-"; "+" is 200 years.
        ("261122-1231", date(1926, 11, 22)),
        ("2611221231", date(1926, 11, 22)),
        ("261122+1231", date(1826, 11, 22)),
    ],
)
def test_century_inference_at_the_hundredth_birthday(raw, birth_date):
    assert parse(raw).birth_date == birth_date


def test_the_reference_date_decides_the_century():
    assert parse_identity_number("261121-1232", today=date(2026, 11, 20)).birth_date == date(
        1926, 11, 21
    )
    assert parse_identity_number("261121-1232", today=date(2026, 11, 21)).birth_date == date(
        2026, 11, 21
    )


def test_29_february_needs_a_leap_year():
    assert parse("000229-1235").birth_date == date(2000, 2, 29)
    assert error_for("000229+1235").code == "invalid_date"  # 1900 was not a leap year
    assert error_for("19810229-1237").code == "invalid_date"


@pytest.mark.parametrize(
    "raw",
    [
        "\t19811218-9876\n",
        "  8112189876",
        "811218-9876\u00a0",
        "811218\u20139876",
        "811218\u22129876",
    ],
)
def test_surrounding_whitespace_and_pasted_dashes_are_tolerated(raw):
    assert normalise_identity_number(raw, today=TODAY) == "198112189876"


def test_today_defaults_to_the_date_in_stockholm():
    assert normalise_identity_number("811218-9876") == "198112189876"


def test_the_repr_does_not_show_the_number():
    text = repr(parse("811218-9876"))
    assert "9876" not in text
    assert "1981" not in text


# Errors -----------------------------------------------------------------------


def test_every_error_has_its_own_translatable_message():
    assert set(MESSAGES) == ERROR_CODES
    assert all(isinstance(message, Promise) for message in MESSAGES.values())
    with translation.override("en"):
        assert len({str(message) for message in MESSAGES.values()}) == len(MESSAGES)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("811218-98a6", "invalid_characters"),
        ("811218 9876", "invalid_characters"),
        ("811218/9876", "invalid_characters"),
        ("\uff18\uff11\uff11\uff12\uff11\uff18-9876", "invalid_characters"),  # fullwidth digits
        ("811218--9876", "invalid_characters"),
        ("8112-189876", "invalid_characters"),
        ("811218987-6", "invalid_characters"),
        ("-8112189876", "invalid_characters"),
        ("811218-+9876", "invalid_characters"),
        ("19811218+9876", "invalid_characters"),  # "+" only in the 10-digit form
        ("811218-987", "invalid_length"),
        ("81121898761", "invalid_length"),
        ("1981121898761", "invalid_length"),
        ("-", "invalid_length"),
        (with_check_digit("811318123"), "invalid_date"),  # month 13
        (with_check_digit("810018123"), "invalid_date"),  # month 00
        (with_check_digit("811200123"), "invalid_date"),  # day 00
        (with_check_digit("811232123"), "invalid_date"),  # day 32
        (with_check_digit("811260123"), "invalid_date"),  # coordination day 60 = day 00
        (with_check_digit("811292123"), "invalid_date"),  # coordination day 92 = day 32
        (with_check_digit("810431123"), "invalid_date"),  # 31 April
        ("2026" + with_check_digit("261122123")[2:], "future_date"),
        ("2026" + with_check_digit("261182123")[2:], "future_date"),  # coordination
        ("811218-9875", "invalid_check_digit"),
        ("19811218-9870", "invalid_check_digit"),
        ("701063-2390", "invalid_check_digit"),
        (with_check_digit("811218000"), "invalid_serial"),
        ("19" + with_check_digit("811218000"), "invalid_serial"),
        (with_check_digit("701063000"), "invalid_serial"),  # coordination number
        ("811218-0000", "invalid_serial"),  # serial 000 and a wrong check digit
    ],
)
def test_each_kind_of_error_has_its_code_and_message(raw, code):
    error = error_for(raw)
    assert error.code == code
    with translation.override("en"):
        expected = str(MESSAGES[code]) % (error.params or {})
        assert error.messages == [expected]


def test_the_length_error_says_how_many_digits_were_entered():
    with translation.override("en"):
        assert error_for("811218-987").messages == [
            "Enter 10 or 12 digits, as YYMMDD-NNNN or YYYYMMDD-NNNN. You entered 9."
        ]


def test_the_check_digit_message_is_written_for_the_person_typing():
    with translation.override("en"):
        assert error_for("811218-9875").messages == [
            "The check digit does not match. Check the last four digits, "
            "then the date: one of the digits is probably mistyped."
        ]


@pytest.mark.parametrize("nine", ["81121898", "8112189876", "81121898a", "\uff18" * 9])
def test_luhn_check_digit_wants_nine_ascii_digits(nine):
    with pytest.raises(ValueError):
        luhn_check_digit(nine)
