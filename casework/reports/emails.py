"""The deadline digest's content (accounts.emails sends every message).

Mail leaves the municipality's systems, so what goes in it is kept to what a
worker needs to find the case after signing in: pseudonymous references,
steps, times and links, never anything about the person.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from casework.reports.deadlines import report_deadline
from casework.reports.selectors import reports_pressing_for_worker


def digest_for_worker(*, user, now):
    """The worker's own open reports that are overdue or due soon, most urgent first.

    Returns a list of ``(report, deadline)``. Reports of the unit that are
    assigned to someone else are left out: each worker hears about their own.
    """
    return [
        (report, report_deadline(report, now))
        for report in reports_pressing_for_worker(user=user, now=now)
    ]


def report_url(report):
    """The absolute address of the report's page, for e-mails."""
    try:
        path = reverse("casework:report-detail", kwargs={"pk": report.pk})
    except NoReverseMatch:
        # The report pages are being added alongside; this is their address.
        path = f"/reports/{report.pk}/"
    return f"{settings.SITE_ROOT.rstrip('/')}{path}"


def local_time(moment):
    """A time as Swedish wall-clock text, whatever time zone is active."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M")
