from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from accounts.emails import email_send
from accounts.roles import Role
from casework.reports.emails import digest_for_worker, local_time, report_url


class Command(BaseCommand):
    help = (
        "E-mail each active social worker one list of their under-15 reports that are "
        "overdue or due soon: report references, steps, due times and links, no personal "
        "data. Run once each working morning (README, 'Running in production')."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get a digest and how many reports it lists; send nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        if not settings.SITE_ROOT and not dry_run:
            raise CommandError(
                "SITE_ROOT is not set, so the links in the e-mails would not work. "
                "Set it to the service's address, e.g. https://trygg.example.se."
            )
        # One moment for the whole run: every worker's list is cut at the same time.
        now = timezone.now()
        workers = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.SOCIAL_WORKER.value)
            .exclude(email="")
            .distinct()
            .order_by("username")
        )
        sent = failed = 0
        # The step names in the digest are translated when the deadline is
        # worked out, not when the mail is rendered: both need the language.
        with translation.override(settings.LANGUAGE_CODE):
            for worker in workers:
                digest = digest_for_worker(user=worker, now=now)
                if not digest:
                    continue
                overdue = sum(1 for _report, deadline in digest if deadline.is_overdue)
                due_soon = len(digest) - overdue
                if dry_run:
                    self.stdout.write(f"{worker.username}: {overdue} overdue, {due_soon} due soon")
                    sent += 1
                    continue
                try:
                    email_send(
                        to=worker.email,
                        template="deadline_digest",
                        context=_digest_context(digest, overdue=overdue, due_soon=due_soon),
                    )
                except OSError as error:
                    # smtplib's errors are OSErrors. One refused address must
                    # not keep the others from their reminders.
                    failed += 1
                    self.stderr.write(f"{worker.username}: not sent ({type(error).__name__})")
                    continue
                sent += 1
        if dry_run:
            self.stdout.write(f"Would send {sent} digests (dry run, nothing sent)")
            return
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} digests"))
        if failed:
            raise CommandError(f"{failed} digests could not be sent")


def _digest_context(digest, *, overdue, due_soon):
    return {
        "count": len(digest),
        "overdue_count": overdue,
        "due_soon_count": due_soon,
        "items": [
            {
                "reference": report.reference,
                "step": deadline.step,
                "due_at": local_time(deadline.due_at),
                "is_overdue": deadline.is_overdue,
                "url": report_url(report),
            }
            for report, deadline in digest
        ],
    }
