"""Recompute the stored deadlines of every open report (after a deadline setting changed).

The deadline of the step a report waits for is kept in indexed columns so
that lists order and count in SQL (casework/urgency.py); every transition
writes them. A change of UNDER15_* deadline settings changes what they
should be, so run this once after such a change. Batched and resumable;
writes only reports whose deadline moved, without history rows (the
columns are derived, and excluded from history).
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from casework.models import ReportState, Under15Report
from casework.reports.deadlines import report_deadline


class Command(BaseCommand):
    help = "Recompute the stored deadlines of open reports after a deadline setting changed."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        now = timezone.now()
        open_reports = Under15Report.objects.exclude(state=ReportState.CLOSED).filter(
            erased_at__isnull=True
        )
        ids = list(open_reports.order_by("pk").values_list("pk", flat=True))
        moved = 0
        for start in range(0, len(ids), batch_size):
            with transaction.atomic():
                batch = open_reports.filter(pk__in=ids[start : start + batch_size])
                for report in batch.select_for_update(of=("self",)):
                    deadline = report_deadline(report, now)
                    before = (report.due_at, report.due_soon_at)
                    report.set_deadline(deadline)
                    if (report.due_at, report.due_soon_at) != before:
                        report.skip_history_when_saving = True
                        report.save(update_fields=["due_at", "due_soon_at"])
                        moved += 1
            self.stdout.write(f"  {min(start + batch_size, len(ids))}/{len(ids)} reports checked")
        self.stdout.write(self.style.SUCCESS(f"Done: {moved} deadlines moved."))
