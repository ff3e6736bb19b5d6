"""The log review queue: what enters it, the weekly sample, and reviewing.

Flagged events, refusals and exports enter the queue in the transaction that
writes them, through every way an event is written; the weekly sample is
random but the same for the same seed and week; a review is itself an
access event on the hash chain.
"""

import importlib
import uuid
from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from audit import sampling
from audit.models import AccessEvent, Action, Conclusion, ReviewItem, ReviewKind
from audit.selectors import review_counts, review_queue, review_sample_order
from audit.services import (
    AlreadyReviewed,
    ReviewRefused,
    access_event_record,
    access_events_record_many,
    review_item_conclude,
    security_event_record,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEK = "2026-W10"  # Monday 2 March to Sunday 8 March 2026
IN_WEEK = datetime(2026, 3, 4, 10, 0, tzinfo=STOCKHOLM)
AFTER_WEEK = datetime(2026, 3, 16, 9, 0, tzinfo=STOCKHOLM)


def at(when, function=access_event_record, **fields):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return function(**fields)


def opening(actor, when=IN_WEEK, **fields):
    """An ordinary file opening: a view of a person's file."""
    return at(
        when,
        action="view",
        actor=actor,
        object_type="casework.person",
        object_id=str(uuid.uuid4()),
        person_ref=uuid.uuid4(),
        **fields,
    )


def queued(event):
    return ReviewItem.objects.filter(event=event).first()


def sample(*args):
    out = StringIO()
    with mock.patch("django.utils.timezone.now", return_value=AFTER_WEEK):
        call_command("log_review_sample", *args, stdout=out)
    return out.getvalue()


def sampled_ids(*args):
    return [int(line) for line in sample("--dry-run", *args).split()]


# What enters the queue.


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        # Opened outside one's assignment, with a stated reason.
        ({"action": "open_with_reason", "reason": "colleague_absent", "flagged": True}, "flagged"),
        ({"action": "view", "reason": "supervision", "flagged": True}, "flagged"),
        # A shielded (protected) case's every access is flagged by avhopp.
        ({"action": "view", "object_type": "avhopp.exitcase", "flagged": True}, "flagged"),
        ({"action": "access_denied", "outcome": "denied"}, "refused"),
        ({"action": "access_denied", "outcome": "denied", "flagged": True}, "refused"),
        ({"action": "view_without_access_rule", "outcome": "denied"}, "refused"),
        ({"action": "export"}, "export"),
    ],
)
def test_a_flagged_event_always_enters_the_queue(worker, fields, kind):
    event = access_event_record(actor=worker, person_ref=uuid.uuid4(), **fields)
    item = queued(event)
    assert item is not None
    assert item.kind == kind
    assert item.added_at == event.occurred_at
    assert not item.is_reviewed
    assert item in review_queue(status="open")


def test_flagged_events_of_an_import_enter_the_queue(worker):
    plain, flagged = access_events_record_many(
        actor=worker,
        events=[
            {"action": "search", "object_type": "casework.person", "object_id": "1"},
            {"action": "open_with_reason", "object_id": "2", "flagged": True},
        ],
    )
    assert queued(plain) is None
    assert queued(flagged).kind == ReviewKind.FLAGGED


def test_a_flagged_account_event_enters_the_queue(administrator, worker):
    # A role granted that reaches case content (accounts).
    event = security_event_record(
        action="role_granted", actor=administrator, subject_user=worker, flagged=True
    )
    assert queued(event).kind == ReviewKind.FLAGGED
    assert queued(security_event_record(action="sign_in", actor=worker)) is None


def test_an_ordinary_opening_does_not_enter_the_queue_by_itself(worker):
    assert queued(opening(worker)) is None
    assert ReviewItem.objects.count() == 0


def test_a_flagged_event_and_its_item_commit_or_roll_back_together(worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        access_event_record(action="export", actor=worker)
        raise RuntimeError
    assert AccessEvent.objects.count() == 0
    assert ReviewItem.objects.count() == 0


def test_the_migration_queues_the_events_from_before_the_queue(table_owner, worker):
    # As the owner: the application's role may not delete review items (CI runs as it).
    flagged = access_event_record(action="view", actor=worker, flagged=True)
    refused = access_event_record(action="access_denied", actor=worker, outcome="denied")
    plain = opening(worker)
    # As on a database from before 0011: the events there, no items.
    ReviewItem.objects.all().delete()
    migration = importlib.import_module("audit.migrations.0011_add_log_review")
    migration.queue_earlier_events(apps, None)
    assert queued(flagged).kind == "flagged"
    assert queued(refused).kind == "refused"
    assert queued(plain) is None


# The weekly sample.


@pytest.fixture
def week_of_openings(worker, colleague):
    """60 ordinary openings in the week, and others that are no candidates."""
    openings = [opening(worker if n % 2 else colleague) for n in range(60)]
    opening(worker, when=IN_WEEK - timedelta(days=7))  # the week before
    opening(worker, when=IN_WEEK + timedelta(days=7))  # the week after
    at(IN_WEEK, action="view", actor=worker, person_ref=uuid.uuid4(), flagged=True)
    at(IN_WEEK, action="search", actor=worker, person_ref=uuid.uuid4())
    at(IN_WEEK, action="view", actor=worker)  # no person's file
    return [event.pk for event in openings]


def test_the_sample_is_reproducible_from_the_seed(week_of_openings, settings):
    settings.LOG_REVIEW_SAMPLE_SIZE = 10
    first = sampled_ids("--week", WEEK, "--seed", "s3cret")
    assert len(first) == 10
    assert sampled_ids("--week", WEEK, "--seed", "s3cret") == first
    assert set(first) <= set(week_of_openings)


def test_the_sample_is_the_one_the_seed_orders_first(week_of_openings, settings):
    # Anyone holding the seed can check the sample outside the database.
    settings.LOG_REVIEW_SAMPLE_SIZE = 10
    week_seed = sampling.week_seed(WEEK, "s3cret")
    expected = sorted(week_of_openings, key=lambda pk: review_sample_order(week_seed, pk))[:10]
    assert sampled_ids("--week", WEEK, "--seed", "s3cret") == expected


def test_another_seed_draws_another_sample(week_of_openings, settings):
    settings.LOG_REVIEW_SAMPLE_SIZE = 10
    one = set(sampled_ids("--week", WEEK, "--seed", "one"))
    other = set(sampled_ids("--week", WEEK, "--seed", "other"))
    assert one != other
    # Random, not the first or last ids of the week.
    assert one != set(week_of_openings[:10]) and one != set(week_of_openings[-10:])


def test_the_configured_seed_is_used_and_without_one_the_audit_key(week_of_openings, settings):
    settings.LOG_REVIEW_SAMPLE_SIZE = 10
    settings.LOG_REVIEW_SAMPLE_SEED = "configured"
    assert sampled_ids("--week", WEEK) == sampled_ids("--week", WEEK, "--seed", "configured")
    settings.LOG_REVIEW_SAMPLE_SEED = ""
    from_key = sampled_ids("--week", WEEK)
    assert from_key == sampled_ids("--week", WEEK)
    assert set(from_key) != set(sampled_ids("--week", WEEK, "--seed", "configured"))


def test_the_sample_enters_the_queue_once(week_of_openings, settings):
    settings.LOG_REVIEW_SAMPLE_SIZE = 5
    picked = sampled_ids("--week", WEEK, "--seed", "s")
    assert "5 new" in sample("--week", WEEK, "--seed", "s")
    assert "0 new" in sample("--week", WEEK, "--seed", "s")
    items = ReviewItem.objects.filter(kind=ReviewKind.SAMPLE)
    assert sorted(items.values_list("event_id", flat=True)) == sorted(picked)
    assert {item.sample_week for item in items} == {WEEK}
    assert {item.added_at for item in items} == {AFTER_WEEK}


def test_the_sample_leaves_out_what_is_no_ordinary_opening(week_of_openings, settings):
    settings.LOG_REVIEW_SAMPLE_SIZE = 1000
    assert sorted(sampled_ids("--week", WEEK)) == sorted(week_of_openings)


def test_without_a_week_it_samples_the_last_one(week_of_openings, settings):
    settings.LOG_REVIEW_SAMPLE_SIZE = 3
    with mock.patch("django.utils.timezone.now", return_value=IN_WEEK + timedelta(days=7)):
        assert sampling.week_previous() == WEEK
        out = StringIO()
        call_command("log_review_sample", stdout=out)
    assert out.getvalue().startswith(f"{WEEK}: 3 openings sampled")


@pytest.mark.parametrize("week", ["2026-10", "2026-W54", "next week", "2026-W12"])
def test_it_refuses_a_bad_week_or_one_not_over(week):
    # 2026-W12 begins after AFTER_WEEK: not over.
    with pytest.raises(CommandError):
        sample("--week", week)


# Reviewing.


@pytest.fixture
def flagged_event(colleague):
    return access_event_record(
        action="open_with_reason",
        actor=colleague,
        object_type="casework.person",
        object_id=str(uuid.uuid4()),
        person_ref=uuid.uuid4(),
        reason="colleague_absent",
        flagged=True,
    )


def test_reviewing_is_logged_on_the_chain(auditor, flagged_event):
    item = queued(flagged_event)
    review_item_conclude(
        item=item, by=auditor, conclusion=Conclusion.JUSTIFIED, note="Covering, agreed."
    )
    item.refresh_from_db()
    assert item.is_reviewed
    assert (item.reviewed_by, item.conclusion, item.note) == (
        auditor,
        "justified",
        "Covering, agreed.",
    )
    logged = AccessEvent.objects.get(action=Action.LOG_REVIEWED)
    assert logged.actor_id == auditor.pk
    assert (logged.object_type, logged.object_id) == ("audit.accessevent", str(flagged_event.pk))
    assert logged.detail == "justified"
    # The note is never in the log (it is not encrypted there either).
    assert "Covering" not in logged.detail
    # The review is on the chain, which still verifies (a break raises CommandError).
    out = StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=StringIO())
    assert "OK: 2 events" in out.getvalue()


def test_a_review_and_its_event_roll_back_together(auditor, flagged_event):
    with (
        mock.patch("audit.services.access_event_record", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        review_item_conclude(
            item=queued(flagged_event), by=auditor, conclusion="justified", note=""
        )
    assert not queued(flagged_event).is_reviewed


def test_the_second_auditor_is_told_who_reviewed_first(auditor, flagged_event):
    other = UserFactory(username="auditor2", role="auditor")
    # Both opened the page before either saved: the second holds a stale item.
    stale = queued(flagged_event)
    review_item_conclude(item=queued(flagged_event), by=auditor, conclusion="misuse", note="x")
    with translation.override("en"), pytest.raises(AlreadyReviewed) as refused:
        review_item_conclude(item=stale, by=other, conclusion="justified", note="")
    assert "auditor reviewed" in str(refused.value)
    item = queued(flagged_event)
    assert (item.reviewed_by, item.conclusion) == (auditor, "misuse")
    assert AccessEvent.objects.filter(action=Action.LOG_REVIEWED).count() == 1


def test_an_auditor_does_not_review_their_own_event(auditor):
    own = access_event_record(action="export", actor=auditor, object_type="audit.accessevent")
    with translation.override("en"), pytest.raises(ReviewRefused, match="your own"):
        review_item_conclude(item=queued(own), by=auditor, conclusion="justified", note="")
    assert not queued(own).is_reviewed


@pytest.mark.parametrize("conclusion", ["needs_follow_up", "misuse"])
def test_a_follow_up_or_misuse_needs_a_note(auditor, flagged_event, conclusion):
    with pytest.raises(ReviewRefused) as refused:
        review_item_conclude(
            item=queued(flagged_event), by=auditor, conclusion=conclusion, note=" "
        )
    assert refused.value.field == "note"
    assert not AccessEvent.objects.filter(action=Action.LOG_REVIEWED).exists()


@pytest.mark.parametrize("conclusion", ["", "fine", None])
def test_an_unknown_conclusion_is_refused(auditor, flagged_event, conclusion):
    with pytest.raises(ReviewRefused):
        review_item_conclude(
            item=queued(flagged_event), by=auditor, conclusion=conclusion, note=""
        )


# Overdue.


def test_an_item_older_than_the_setting_is_overdue(worker, settings):
    settings.LOG_REVIEW_OVERDUE_DAYS = 14
    now = datetime(2026, 3, 20, 12, 0, tzinfo=STOCKHOLM)
    old = at(now - timedelta(days=15), action="export", actor=worker)
    recent = at(now - timedelta(days=13), action="export", actor=worker)
    overdue = {item.event_id: item.is_overdue for item in review_queue(status="open", now=now)}
    assert overdue == {old.pk: True, recent.pk: False}
    assert [item.event_id for item in review_queue(status="overdue", now=now)] == [old.pk]
    assert review_counts(now=now) == {"open": 2, "overdue": 1}
    settings.LOG_REVIEW_OVERDUE_DAYS = 30
    assert review_counts(now=now) == {"open": 2, "overdue": 0}


def test_a_reviewed_item_is_not_overdue(worker, auditor, settings):
    now = datetime(2026, 3, 20, 12, 0, tzinfo=STOCKHOLM)
    old = at(now - timedelta(days=40), action="export", actor=worker)
    review_item_conclude(item=queued(old), by=auditor, conclusion="justified", note="")
    assert list(review_queue(status="overdue", now=now)) == []
    (item,) = review_queue(status="reviewed", now=now)
    assert not item.is_overdue
