import hashlib
from datetime import timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, CharField, Count, F, Func, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from audit.models import AccessEvent, Action, Conclusion, Outcome, ReviewItem


def access_events_search(
    *, actor_username=None, person_ref=None, since=None, until=None, flagged=None
):
    """Events matching every given filter, newest first.

    ``since`` is inclusive and ``until`` exclusive (aware datetimes).
    ``actor_username`` matches the username as it was when the event was
    written. ``flagged=None`` means flagged or not.
    """
    events = AccessEvent.objects.all()
    if actor_username:
        events = events.filter(actor_username=actor_username)
    if person_ref is not None:
        events = events.filter(person_ref=person_ref)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    if flagged is not None:
        events = events.filter(flagged=flagged)
    return events.order_by("-occurred_at", "-id")


# The log review.

REVIEW_STATUSES = ("open", "overdue", "reviewed", "all")


def review_overdue_before(now=None):
    """Items added before this and still open are overdue (LOG_REVIEW_OVERDUE_DAYS)."""
    return (now or timezone.now()) - timedelta(days=settings.LOG_REVIEW_OVERDUE_DAYS)


def review_queue(*, status="open", kind=None, now=None):
    """Review items with their events, ordered and filtered in SQL for paging.

    ``status``: "open" (oldest first, so the overdue lead), "overdue",
    "reviewed" (latest review first) or "all" (open first, then newest).
    Each item has ``is_overdue``. Served by the partial indexes on
    ReviewItem (open by time, reviewed by time).
    """
    if status not in REVIEW_STATUSES:
        raise ValueError(f"unknown review status {status!r}")
    cutoff = review_overdue_before(now)
    items = ReviewItem.objects.select_related("event", "reviewed_by").annotate(
        is_overdue=Case(
            When(reviewed_at__isnull=True, added_at__lt=cutoff, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if kind:
        items = items.filter(kind=kind)
    if status == "open":
        return items.filter(reviewed_at__isnull=True).order_by("added_at", "id")
    if status == "overdue":
        return items.filter(reviewed_at__isnull=True, added_at__lt=cutoff).order_by(
            "added_at", "id"
        )
    if status == "reviewed":
        return items.filter(reviewed_at__isnull=False).order_by("-reviewed_at", "-id")
    return items.order_by(F("reviewed_at").desc(nulls_first=True), "-added_at", "-id")


def review_counts(*, now=None):
    """{"open": n, "overdue": n}: the auditors' start page."""
    return ReviewItem.objects.filter(reviewed_at__isnull=True).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(added_at__lt=review_overdue_before(now)))
    )


def review_item_get(*, pk):
    """One review item with its event and reviewer; ReviewItem.DoesNotExist if none."""
    return ReviewItem.objects.select_related("event", "reviewed_by").get(pk=pk)


def review_report_by_unit(*, since, until, now=None):
    """Per unit of the acting user (``actor_unit_id`` at the time; None: no unit),
    the items added in [since, until): how many, reviewed, each conclusion,
    open, and open and overdue now. Categories only: counts, no events."""
    open_ = Q(reviewed_at__isnull=True)
    counts = {
        "total": Count("id"),
        "reviewed": Count("id", filter=Q(reviewed_at__isnull=False)),
        **{
            conclusion.value: Count("id", filter=Q(conclusion=conclusion.value))
            for conclusion in Conclusion
        },
        "open": Count("id", filter=open_),
        "overdue": Count("id", filter=open_ & Q(added_at__lt=review_overdue_before(now))),
    }
    return (
        ReviewItem.objects.filter(added_at__gte=since, added_at__lt=until)
        .values(unit_id=F("event__actor_unit_id"))
        .annotate(**counts)
        .order_by(F("unit_id").asc(nulls_last=True))
    )


class _Sha256Hex(Func):
    """SHA-256 of text, as hex, the same in PostgreSQL (built in since 11; Django's
    SHA256 needs pgcrypto there) and in SQLite (Django registers SHA256)."""

    function = "SHA256"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="ENCODE(SHA256(CONVERT_TO(%(expressions)s, 'UTF8')), 'hex')",
            **extra_context,
        )


def review_sample_order(week_seed, event_id):
    """The sort key ``review_sample_pick`` orders by, computed in Python: anyone
    holding the seed can check a sample (tests/audit/test_log_review.py)."""
    return hashlib.sha256(f"{week_seed}:{event_id}".encode()).hexdigest()


def review_sample_pick(*, since, until, week_seed, size):
    """The ids of ``size`` ordinary file openings in [since, until), at random but
    reproducibly: ordered by SHA-256 of the week's seed and the event id, in SQL
    (one pass over the week's events by the time index, a top-``size`` sort:
    memory does not grow with the week).

    Ordinary: a view of a person's file (``person_ref`` set), allowed, not
    flagged (flagged ones are in the queue already). The week's events never
    change once it is over, so the same seed picks the same events.
    """
    order = _Sha256Hex(Concat(Value(f"{week_seed}:"), Cast("id", output_field=CharField())))
    return list(
        AccessEvent.objects.filter(
            occurred_at__gte=since,
            occurred_at__lt=until,
            action=Action.VIEW,
            outcome=Outcome.ALLOWED,
            flagged=False,
            person_ref__isnull=False,
        )
        .annotate(sample_order=order)
        .order_by("sample_order", "id")
        .values_list("id", flat=True)[:size]
    )
