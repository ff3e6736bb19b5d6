"""SSPF's work in anonymised figures, for unit managers: counted in SQL over
categorical columns only, suppressed by casework/summaries/disclosure.py.
Groups belong to districts, so the area is the group's district.

Referrals by the month they were raised: by concern and state, how many are
about a youth, with a consent given, and made into a report of concern.
Agreed actions by the month they were due: done on time, late, or open.
"""

import datetime
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from casework.summaries.disclosure import Block, Table
from casework.summaries.snapshots import counts_as_json, section_from_json, snapshot
from casework.summaries.sql import count_where
from sspf.models import AgreedAction, ConcernCategory, ConcernReferral, Consent, ReferralState

NO_UNIT = 0
CATEGORY = Table("category", tuple(ConcernCategory.values))
STATE = Table("state", tuple(ReferralState.values))
SHARING = Table("sharing", ("youth", "consent", "reported"), exclusive=False)
ACTION = Table("action", ("on_time", "late", "overdue", "open"))
REFERRAL_TABLES = (CATEGORY, STATE, SHARING)
ACTION_TABLES = (ACTION,)

LABELS = {
    "category": dict(ConcernCategory.choices),
    "state": dict(ReferralState.choices),
    "sharing": {
        "youth": _("About a youth (not a place)"),
        "consent": _("With a consent given"),
        "reported": _("Made into a report of concern"),
    },
    "action": {
        "on_time": _("Done on time"),
        "late": _("Done late"),
        "overdue": _("Open, overdue"),
        "open": _("Open, not due yet"),
    },
}
TITLES = {
    "category": _("Concern"),
    "state": _("State now"),
    "sharing": _("Youths, consent and reports"),
    "action": _("Agreed actions"),
}


def _month(value):
    return (value.date() if isinstance(value, datetime.datetime) else value).replace(day=1)


def _leaves():
    return {(pk, NO_UNIT) for pk in District.objects.values_list("pk", flat=True)}


def referral_section(*, k=None):
    data, _at = snapshot("sspf.referrals", referral_counts)
    return section_from_json(data, tables=REFERRAL_TABLES, leaves=_leaves(), k=k)


def action_section(*, k=None):
    data, _at = snapshot("sspf.actions", action_counts)
    return section_from_json(data, tables=ACTION_TABLES, leaves=_leaves(), k=k)


def referral_counts():
    consented = Consent.objects.filter(referral=OuterRef("pk"), granted=True)
    rows = (
        ConcernReferral.objects.annotate(
            month=TruncMonth("raised_at", tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)),
            consent=Exists(consented),
        )
        .values("month", "group__district_id", "category", "state", "consent")
        .annotate(
            n=Count("*"),
            youth=count_where(~_place()),
            reported=count_where(_reported()),
        )
    )
    population, counts = defaultdict(int), defaultdict(int)
    for row in rows:
        block = Block(_month(row["month"]), (row["group__district_id"], NO_UNIT))
        population[block] += row["n"]
        counts[("category", row["category"], block)] += row["n"]
        counts[("state", row["state"], block)] += row["n"]
        counts[("sharing", "youth", block)] += row["youth"]
        counts[("sharing", "reported", block)] += row["reported"]
        if row["consent"]:
            counts[("sharing", "consent", block)] += row["n"]
    return counts_as_json(population, counts)


def _place():
    return Q(person__isnull=True)


def _reported():
    return Q(reported_at__isnull=False)


def action_counts(*, today=None):
    today = today or timezone.localdate()
    rows = (
        AgreedAction.objects.annotate(month=TruncMonth("due_on"))
        .values("month", "referral__group__district_id")
        .annotate(
            on_time=count_where(_done(True)),
            late=count_where(_done(False)),
            overdue=count_where(_open(today, overdue=True)),
            open=count_where(_open(today, overdue=False)),
        )
    )
    population, counts = defaultdict(int), defaultdict(int)
    for row in rows:
        block = Block(_month(row["month"]), (row["referral__group__district_id"], NO_UNIT))
        for name in ACTION.categories:
            counts[("action", name, block)] += row[name]
            population[block] += row[name]
    return counts_as_json(population, counts)


SNAPSHOTS = {"sspf.referrals": referral_counts, "sspf.actions": action_counts}


def _done(on_time):
    done = Q(done_on__isnull=False)
    return done & (Q(done_on__lte=F("due_on")) if on_time else Q(done_on__gt=F("due_on")))


def _open(today, *, overdue):
    return Q(done_on__isnull=True) & (Q(due_on__lt=today) if overdue else Q(due_on__gte=today))
