"""Recompute every programme's summary counts (cron, every 10 minutes), so no
manager's page waits for them: ``python manage.py summaries_refresh``."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from casework.summaries.snapshots import snapshot_refresh


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        for module in settings.SUMMARY_SNAPSHOT_MODULES:
            for name, compute in import_string(f"{module}.SNAPSHOTS").items():
                started = time.perf_counter()
                snapshot_refresh(name, compute)
                self.stdout.write(f"{name}: {time.perf_counter() - started:.1f} s")
