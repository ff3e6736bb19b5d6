"""The retention rules (gallring): which files are erased when, and why.

The periods are settings (config/settings.py, RETENTION_*); the legal basis
of each rule is stated here and in the README, and shown to the managers
who see what is due.

- Social-services documentation (the under-15 reports, the exit cases, their
  contacts and journals, and the person's file itself): erased five years
  after the last entry in the file (socialtjänstlagen 2001:453, 12 kap. 1 §).
  The research exception keeps the files of persons born on the 5th, 15th
  or 25th of a month (12 kap. 2 § and socialtjänstförordningen 7 kap. 1 §).
- A youth known only through SSPF referrals that never became a report of
  concern: erased a shorter period after the last referral closed (the
  municipality's decision on the SSPF documents; data protection regulation
  art. 5.1 e, storage limitation). The research exception is the social
  services' and does not apply: those referrals are not social-services
  documentation.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    SOCIAL_SERVICES = "social_services", _("Social-services documentation")
    SSPF_UNREPORTED = "sspf_unreported", _("SSPF referrals never reported")


LEGAL_BASIS = {
    Rule.SOCIAL_SERVICES: _(
        "Erased five years after the last entry in the file (socialtjänstlagen 12 kap. 1 §)."
    ),
    Rule.SSPF_UNREPORTED: _(
        "Erased after the period the municipality decided for SSPF documents (GDPR art. 5.1 e)."
    ),
}


def _years_before(moment, years):
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year - years, day=28)


def _months_before(moment, months):
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def social_services_cutoff(at):
    """A file whose last entry is before this is due at ``at``."""
    return _years_before(at, settings.RETENTION_SOCIAL_SERVICES_YEARS)


def sspf_cutoff(at):
    return _months_before(at, settings.RETENTION_SSPF_UNREPORTED_MONTHS)


def due_date(rule, last_entry_at):
    """When a file with this last entry falls due under ``rule``."""
    if rule == Rule.SOCIAL_SERVICES:
        return _years_before(last_entry_at, -settings.RETENTION_SOCIAL_SERVICES_YEARS)
    return _months_before(last_entry_at, -settings.RETENTION_SSPF_UNREPORTED_MONTHS)


def research_exception_applies():
    return settings.RETENTION_RESEARCH_BIRTHDAYS


def end_of_next_month(at):
    """The first moment after next month, local time: what "due next month" looks up to."""
    first = timezone.localtime(at).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return _months_before(first, -2)
