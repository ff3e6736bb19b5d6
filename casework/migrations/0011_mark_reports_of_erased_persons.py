"""Mark the reports of persons erased before erasure reached their reports.

Lists now leave out erased reports by the report's own mark (no join to the
person); a person erased earlier left their reports unmarked.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def mark(apps, schema_editor):
    reports = apps.get_model("casework", "Under15Report").objects
    persons = apps.get_model("casework", "Person").objects
    erased = persons.filter(pk=OuterRef("person_id")).values("erased_at")
    # A plain UPDATE of one column: the historical model has no history or
    # state machine to bypass, and the content is shredded already.
    reports.filter(erased_at__isnull=True, person__erased_at__isnull=False).update(
        erased_at=Subquery(erased)
    )


class Migration(migrations.Migration):
    dependencies = [("casework", "0010_index_unit_reports_unassigned_first")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
