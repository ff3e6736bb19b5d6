"""Swedish personal identity numbers: parsing, validation and normalisation.

A personnummer is the date of birth, a three-digit serial number and a check
digit: YYYYMMDD-NNNC, or in the short 10-digit form YYMMDD-NNNC. A
samordningsnummer (coordination number) is written the same way, but 60 is
added to the day of birth, so its day part is 61-91.

Accepted spellings, with or without surrounding whitespace::

    YYYYMMDD-NNNC   YYYYMMDDNNNC          (12 digits, century explicit)
    YYMMDD-NNNC     YYMMDDNNNC            (10 digits, person under 100)
    YYMMDD+NNNC                           (10 digits, person 100 or over)

Hyphen-like dashes (en dash, minus sign and the like, as pasted from word
processors) are read as a hyphen.

Century of a 10-digit number (Skatteverket's rule): the separator says how old
the person is on the reference date ``today``. With "-" or no separator the
person is under 100, so the birth date is the latest one that is not after
``today``; with "+" the person is 100 or over, so it is a hundred years
earlier still.

Validation:

* only digits and one separator, placed before the last four digits;
* 10 or 12 digits;
* a real calendar date (for a samordningsnummer, after subtracting 60 from the
  day; a day part of 00, 32-60 or over 91 is never valid);
* a birth date that is not in the future;
* a birth serial NNN of 001-999: 000 is never issued, so a number with it
  is a typo (the outside validators agree; tests/casework/test_identity_number_reference.py);
* the check digit C: the Luhn (mod 10) digit of the nine digits YYMMDDNNN of
  the 10-digit form. The century is not covered by the check digit.

Each failure raises :class:`django.core.exceptions.ValidationError` with its
own code (see :data:`MESSAGES`) and a message meant for the person typing the
number.
"""

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "MESSAGES",
    "IdentityNumber",
    "luhn_check_digit",
    "normalise_identity_number",
    "parse_identity_number",
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# Added to the day of birth in a samordningsnummer.
COORDINATION_DAY_OFFSET = 60

MESSAGES = {
    "empty": _("Enter a personal identity number or coordination number."),
    "invalid_characters": _(
        "Use only digits, and if you like a hyphen (-) before the last four digits. "
        "A plus sign (+) replaces the hyphen only in the 10-digit form, "
        "for someone aged 100 or over."
    ),
    "invalid_length": _(
        "Enter 10 or 12 digits, as YYMMDD-NNNN or YYYYMMDD-NNNN. You entered %(count)d."
    ),
    "invalid_date": _(
        "The date part is not a real date. Check the year, month and day. "
        "In a coordination number the day is 61-91."
    ),
    "future_date": _("The date of birth is in the future. Check the year."),
    "invalid_serial": _(
        "The three digits after the date cannot be 000: no such number is ever issued. "
        "Check the last four digits."
    ),
    "invalid_check_digit": _(
        "The check digit does not match. Check the last four digits, "
        "then the date: one of the digits is probably mistyped."
    ),
}

# Dashes people paste instead of a hyphen-minus: hyphen, non-breaking hyphen,
# figure dash, en dash, em dash, minus sign.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_CHARACTERS = re.compile(r"[0-9+-]*", re.ASCII)
_SHAPE = re.compile(r"(?P<date>[0-9]{6}|[0-9]{8})(?P<separator>[-+]?)(?P<tail>[0-9]{4})", re.ASCII)


@dataclass(frozen=True, repr=False)
class IdentityNumber:
    """A valid personnummer or samordningsnummer."""

    digits12: str
    """Normalised form YYYYMMDDNNNC (the day part is +60 for a samordningsnummer)."""
    birth_date: date
    """The real date of birth (the day part minus 60 for a samordningsnummer)."""
    is_coordination_number: bool

    @property
    def formatted(self) -> str:
        """YYYYMMDD-NNNC, the form to show people."""
        return f"{self.digits12[:8]}-{self.digits12[8:]}"

    def __repr__(self) -> str:
        # The number identifies a person: keep it out of logs and tracebacks.
        kind = "samordningsnummer" if self.is_coordination_number else "personnummer"
        return f"<IdentityNumber: {kind}, redacted>"


def luhn_check_digit(nine_digits: str) -> int:
    """The Luhn check digit for YYMMDDNNN (the 10-digit form without its last digit)."""
    if len(nine_digits) != 9 or not nine_digits.isascii() or not nine_digits.isdigit():
        raise ValueError("luhn_check_digit needs exactly nine ASCII digits")
    total = 0
    for index, character in enumerate(nine_digits):
        product = int(character) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def parse_identity_number(raw: str | None, *, today: date | None = None) -> IdentityNumber:
    """Parse and validate ``raw``; raise ValidationError if it is not a valid number.

    ``today`` is the reference date for the century of 10-digit numbers and for
    the future-date check; by default, today's date in Stockholm.
    """
    if today is None:
        today = timezone.localdate(timezone=STOCKHOLM)
    text = (raw or "").strip().translate(_DASHES)
    if not text:
        raise _error("empty")
    if not _CHARACTERS.fullmatch(text):
        raise _error("invalid_characters")
    digit_count = sum(character.isdigit() for character in text)
    if digit_count not in (10, 12):
        raise _error("invalid_length", count=digit_count)
    shape = _SHAPE.fullmatch(text)
    if shape is None:
        # Right number of digits, but a separator is misplaced or doubled.
        raise _error("invalid_characters")
    date_part, separator, tail = shape.group("date", "separator", "tail")
    if len(date_part) == 8 and separator == "+":
        raise _error("invalid_characters")

    month = int(date_part[-4:-2])
    day_part = int(date_part[-2:])
    is_coordination_number = day_part > COORDINATION_DAY_OFFSET
    day = day_part - COORDINATION_DAY_OFFSET if is_coordination_number else day_part
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise _error("invalid_date")

    if len(date_part) == 8:
        year = int(date_part[:4])
    else:
        year = _infer_year(int(date_part[:2]), month, day, separator, today)
    try:
        birth_date = date(year, month, day)
    except ValueError:
        raise _error("invalid_date") from None
    if birth_date > today:
        raise _error("future_date")

    if tail[:3] == "000":
        raise _error("invalid_serial")
    ten_digits = date_part[-6:] + tail
    if luhn_check_digit(ten_digits[:9]) != int(ten_digits[9]):
        raise _error("invalid_check_digit")

    return IdentityNumber(
        digits12=f"{year:04d}{ten_digits[2:]}",
        birth_date=birth_date,
        is_coordination_number=is_coordination_number,
    )


def normalise_identity_number(raw: str | None, *, today: date | None = None) -> str:
    """The validated number as YYYYMMDDNNNC, e.g. for a blind index."""
    return parse_identity_number(raw, today=today).digits12


def _infer_year(two_digit_year: int, month: int, day: int, separator: str, today: date) -> int:
    """The full birth year of a 10-digit number, per Skatteverket's separator rule.

    Compares (year, month, day) tuples rather than dates, so that 29 February
    of a year that turns out not to be a leap year reaches the date check.
    """
    # The latest year with these last two digits that is not after this year.
    year = today.year - (today.year - two_digit_year) % 100
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100  # Not born yet that year: the birthday is 100 years earlier.
    if separator == "+":
        year -= 100  # 100 or over: another century back.
    return year


def _error(code: str, **params: int) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)
