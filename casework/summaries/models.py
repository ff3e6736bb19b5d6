"""Summary snapshots: each programme's block counts, computed in SQL at most
every SUMMARY_SNAPSHOT_MINUTES (and by ``summaries_refresh`` from cron), so a
summary page costs the same with a thousand cases or a million."""

from django.db import models
from django.utils import timezone


class SummarySnapshot(models.Model):
    """The counts of one population (categorical only: month, area, category,
    count), as JSON; never a person, a case or a text."""

    name = models.CharField(max_length=60, unique=True)
    computed_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField()

    class Meta:
        verbose_name = "summary snapshot"
        default_permissions = ()

    def __str__(self):
        return f"{self.name} at {self.computed_at:%Y-%m-%d %H:%M}"
