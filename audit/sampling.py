"""The weekly sample of the log review: which week, and its seed.

A week is an ISO week ("2026-W49"), Monday 00:00 to the next Monday 00:00
in the local time zone. The week's seed is HMAC-SHA-256 of the week under
the configured seed (LOG_REVIEW_SAMPLE_SEED, or ``--seed``); without one,
under the oldest audit key (AUDIT_KEYS: kept outside the database, and for
as long as the events it sealed are kept, so an old week's sample can be
drawn again). Staff cannot know in advance which openings will be sampled,
and an inspector holding the seed can check that the sample was not chosen
by hand: the same seed and week always pick the same events
(selectors.review_sample_pick).
"""

import hashlib
import hmac
import re
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from audit.keys import audit_keys, seal

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
SEED_PURPOSE = "log-review-sample:"


def week_label(day):
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_previous(today=None):
    """The last whole ISO week before ``today`` (local date)."""
    today = today or timezone.localdate()
    return week_label(today - timedelta(days=7))


def week_bounds(label):
    """(start, end) of an ISO week as aware datetimes; ValueError for a bad label."""
    match = WEEK.match(label or "")
    if not match:
        raise ValueError(f"{label!r} is not an ISO week like 2026-W49")
    monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
    return start, end


def week_seed(label, seed=None):
    """The week's seed, as hex: the same seed and week, the same sample."""
    seed = seed if seed is not None else settings.LOG_REVIEW_SAMPLE_SEED
    message = f"{SEED_PURPOSE}{label}".encode()
    if seed:
        return hmac.new(seed.encode(), message, hashlib.sha256).hexdigest()
    return seal(min(audit_keys()), message)
