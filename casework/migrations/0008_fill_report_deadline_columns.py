"""Fill the deadline columns of the open reports that existed before them."""

from django.db import migrations
from django.utils import timezone

from casework.deadlines import report_deadline


def fill(apps, schema_editor):
    reports = apps.get_model("casework", "Under15Report").objects.exclude(state="closed")
    now = timezone.now()
    fields = ["state", "received_at", "decision", "assessed_at", "investigation_started_at"]
    for report in reports.only("pk", *fields).iterator(chunk_size=1000):
        deadline = report_deadline(report, now)
        # A plain UPDATE of two derived columns: the historical model has no
        # history or state machine to bypass.
        reports.filter(pk=report.pk).update(
            due_at=deadline.due_at if deadline else None,
            due_soon_at=deadline.due_soon_at if deadline else None,
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0007_add_report_deadline_columns")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
