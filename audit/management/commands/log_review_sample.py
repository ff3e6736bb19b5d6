"""Draw the weekly random sample of ordinary file openings into the review queue.

Run once a week after midnight on Monday (cron, README "Log review"): it
samples the previous ISO week, or the one named by ``--week 2026-W49``.
LOG_REVIEW_SAMPLE_SIZE openings are picked, at random but reproducibly from
the seed (audit/sampling.py); running it again for the same week adds
nothing twice. ``--dry-run`` prints the event ids it would pick.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit import sampling
from audit.selectors import review_sample_pick
from audit.services import review_sample_add


class Command(BaseCommand):
    help = "Add a random sample of last week's file openings to the auditors' review queue."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="an ISO week such as 2026-W49 (default: last week)")
        parser.add_argument(
            "--size",
            type=int,
            default=None,
            help="how many openings (default LOG_REVIEW_SAMPLE_SIZE)",
        )
        parser.add_argument(
            "--seed", default=None, help="the seed (default LOG_REVIEW_SAMPLE_SEED)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the picked event ids, add nothing"
        )

    def handle(self, *args, week, size, seed, dry_run, **options):
        week = week or sampling.week_previous()
        try:
            since, until = sampling.week_bounds(week)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if until > timezone.now():
            # Events of a week that is not over are still coming: the same
            # seed would not pick the same sample later.
            raise CommandError(f"{week} is not over yet; sample it from the Monday after.")
        size = settings.LOG_REVIEW_SAMPLE_SIZE if size is None else size
        if size < 0:
            raise CommandError("--size must be 0 or more")
        picked = review_sample_pick(
            since=since, until=until, week_seed=sampling.week_seed(week, seed), size=size
        )
        if dry_run:
            for pk in picked:
                self.stdout.write(str(pk))
            return
        added = review_sample_add(week=week, event_ids=picked)
        self.stdout.write(
            self.style.SUCCESS(
                f"{week}: {len(picked)} openings sampled, {added} new in the review queue."
            )
        )
