"""AUDIT and DUDIT, the validated substance-use instruments, scored exactly as
they are defined.

- AUDIT (Alcohol Use Disorders Identification Test; WHO, Babor et al. 2001):
  10 items. Items 1-8 score 0-4 by answer; items 9 and 10 have three
  answers scoring 0, 2 and 4. Total 0-40. Risk bands (the WHO manual's
  zones): low 0-7, hazardous 8-15, harmful 16-19, possible dependence 20-40.
- DUDIT (Drug Use Disorders Identification Test; Berman et al. 2003, 2005):
  11 items. Items 1-9 score 0-4; items 10 and 11 score 0, 2 and 4. Total 0-44.
  Drug-related problems from 6 for men and from 2 for women; probable
  dependence from 25 for anyone. Where gender is other or not known, the
  women's (lower) cut-off is used, so no one with problems is missed.

The worker enters each item's answer as the index of the option chosen; the
points come from here. Written here rather than taken from a library: no
maintained Python package scores them, and the tables are short and fixed.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# The answer scales. DUDIT prints the same scales in slightly other words
# ("Once a month or less often", "Every week"); they mean the same, so both
# instruments share one wording and one translation.
FREQUENCY = (
    (_("Never"), 0),
    (_("Monthly or less"), 1),
    (_("2–4 times a month"), 2),  # noqa: RUF001
    (_("2–3 times a week"), 3),  # noqa: RUF001
    (_("4 or more times a week"), 4),
)
DRINKS = (
    (_("1 or 2"), 0),
    (_("3 or 4"), 1),
    (_("5 or 6"), 2),
    (_("7 to 9"), 3),
    (_("10 or more"), 4),
)
HOW_OFTEN = (
    (_("Never"), 0),
    (_("Less than monthly"), 1),
    (_("Monthly"), 2),
    (_("Weekly"), 3),
    (_("Daily or almost daily"), 4),
)
INJURY_OR_CONCERN = (
    (_("No"), 0),
    (_("Yes, but not in the last year"), 2),
    (_("Yes, during the last year"), 4),
)
DRUG_TIMES = (
    (_("0"), 0),
    (_("1–2"), 1),  # noqa: RUF001
    (_("3–4"), 2),  # noqa: RUF001
    (_("5–6"), 3),  # noqa: RUF001
    (_("7 or more"), 4),
)


@dataclass(frozen=True)
class Item:
    number: int
    question: str
    options: tuple  # (label, points), in the order shown


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    items: tuple

    @property
    def maximum(self):
        return sum(max(points for _label, points in item.options) for item in self.items)


class AuditBand(models.TextChoices):
    LOW = "low", _("Low risk")
    HAZARDOUS = "hazardous", _("Hazardous use")
    HARMFUL = "harmful", _("Harmful use")
    DEPENDENCE = "dependence", _("Possible dependence")


class DuditBand(models.TextChoices):
    NO_PROBLEMS = "no_problems", _("No drug-related problems")
    PROBLEMS = "problems", _("Drug-related problems")
    DEPENDENCE = "dependence", _("Probable dependence")


AUDIT = Instrument(
    code="audit",
    name="AUDIT",
    items=(
        Item(1, _("How often do you have a drink containing alcohol?"), FREQUENCY),
        Item(
            2,
            _("How many drinks containing alcohol do you have on a typical day when drinking?"),
            DRINKS,
        ),
        Item(3, _("How often do you have six or more drinks on one occasion?"), HOW_OFTEN),
        Item(
            4,
            _(
                "How often during the last year have you found that you were not able to "
                "stop drinking once you had started?"
            ),
            HOW_OFTEN,
        ),
        Item(
            5,
            _(
                "How often during the last year have you failed to do what was normally "
                "expected of you because of drinking?"
            ),
            HOW_OFTEN,
        ),
        Item(
            6,
            _(
                "How often during the last year have you needed a first drink in the "
                "morning to get yourself going after a heavy drinking session?"
            ),
            HOW_OFTEN,
        ),
        Item(
            7,
            _(
                "How often during the last year have you had a feeling of guilt or remorse "
                "after drinking?"
            ),
            HOW_OFTEN,
        ),
        Item(
            8,
            _(
                "How often during the last year have you been unable to remember what "
                "happened the night before because of your drinking?"
            ),
            HOW_OFTEN,
        ),
        Item(
            9,
            _("Have you or someone else been injured because of your drinking?"),
            INJURY_OR_CONCERN,
        ),
        Item(
            10,
            _(
                "Has a relative, friend, doctor or other health worker been concerned about "
                "your drinking or suggested you cut down?"
            ),
            INJURY_OR_CONCERN,
        ),
    ),
)

DUDIT = Instrument(
    code="dudit",
    name="DUDIT",
    items=(
        Item(1, _("How often do you use drugs other than alcohol?"), FREQUENCY),
        # On the frequency scale like item 1, not "monthly/weekly": once a week
        # is "2-4 times a month" (2 points) here, not "weekly" (3).
        Item(2, _("Do you use more than one type of drug on the same occasion?"), FREQUENCY),
        Item(
            3,
            _("How many times do you take drugs on a typical day when you use drugs?"),
            DRUG_TIMES,
        ),
        Item(4, _("How often are you influenced heavily by drugs?"), HOW_OFTEN),
        Item(
            5,
            _(
                "Over the past year, have you felt that your longing for drugs was so strong "
                "that you could not resist it?"
            ),
            HOW_OFTEN,
        ),
        Item(
            6,
            _(
                "Has it happened, over the past year, that you have not been able to stop "
                "taking drugs once you started?"
            ),
            HOW_OFTEN,
        ),
        Item(
            7,
            _(
                "How often over the past year have you taken drugs and then neglected to do "
                "something you should have done?"
            ),
            HOW_OFTEN,
        ),
        Item(
            8,
            _(
                "How often over the past year have you needed to take a drug the morning "
                "after heavy drug use the day before?"
            ),
            HOW_OFTEN,
        ),
        Item(
            9,
            _(
                "How often over the past year have you had guilt feelings or a bad conscience "
                "because you used drugs?"
            ),
            HOW_OFTEN,
        ),
        Item(
            10,
            _(
                "Have you or anyone else been hurt (mentally or physically) because you "
                "used drugs?"
            ),
            INJURY_OR_CONCERN,
        ),
        Item(
            11,
            _(
                "Has a relative or a friend, a doctor or a nurse, or anyone else, been "
                "worried about your drug use or said to you that you should stop using drugs?"
            ),
            INJURY_OR_CONCERN,
        ),
    ),
)

INSTRUMENTS = {AUDIT.code: AUDIT, DUDIT.code: DUDIT}
BANDS = {AUDIT.code: AuditBand, DUDIT.code: DuditBand}

# The gender (casework.persons.models.Gender) that uses the men's DUDIT cut-off.
MEN = {"male"}


def instrument_total(instrument, answers):
    """The total points of ``answers``: one option index per item, in order.

    Raises ValueError for a missing or extra answer, or an index that is not
    one of the item's options.
    """
    # A mapping or a string would iterate as keys or characters and be scored
    # as something else; the form and the stored answers are lists.
    if isinstance(answers, (str, bytes, Mapping)):
        raise ValueError(f"{instrument.name}: answers must be a sequence of option indexes")
    answers = list(answers)
    if len(answers) != len(instrument.items):
        raise ValueError(
            f"{instrument.name} has {len(instrument.items)} items, {len(answers)} answers given"
        )
    total = 0
    for item, answer in zip(instrument.items, answers, strict=True):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ValueError(f"{instrument.name} item {item.number}: {answer!r} is no option")
        if not 0 <= answer < len(item.options):
            raise ValueError(f"{instrument.name} item {item.number}: no option {answer}")
        total += item.options[answer][1]
    return total


def audit_band(total):
    if total >= 20:
        return AuditBand.DEPENDENCE
    if total >= 16:
        return AuditBand.HARMFUL
    if total >= 8:
        return AuditBand.HAZARDOUS
    return AuditBand.LOW


def dudit_band(total, gender):
    if total >= 25:
        return DuditBand.DEPENDENCE
    problems_from = 6 if gender in MEN else 2
    return DuditBand.PROBLEMS if total >= problems_from else DuditBand.NO_PROBLEMS


def instrument_result(instrument, answers, gender=""):
    """(total, risk band value) of ``answers`` (option indexes, one per item).

    ``gender`` is the person's (casework Gender value); only DUDIT reads it,
    and anything but "male" (female, other, blank, None) gets the women's
    cut-off.
    """
    total = instrument_total(instrument, answers)
    if instrument.code == AUDIT.code:
        return total, audit_band(total).value
    if instrument.code == DUDIT.code:
        return total, dudit_band(total, gender).value
    raise ValueError(f"no risk bands for instrument {instrument.code!r}")
