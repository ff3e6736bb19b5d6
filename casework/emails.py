"""E-mail: one helper renders and sends every message, and the deadline digest.

Mail leaves the municipality's systems, so what goes in it is kept to what a
worker needs to find the case after signing in: pseudonymous references,
steps, times and links, never anything about the person.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from casework.deadlines import report_deadline
from casework.report_selectors import reports_pressing_for_worker


def email_send(*, to, template, context):
    """Render ``templates/email/<template>_subject.txt``, ``.txt`` and ``.html`` and send them.

    Rendered in ``settings.LANGUAGE_CODE`` (Swedish): the recipients are the
    municipality's staff and a command has no request to choose a language
    from. ``to`` is one address or a list. Side effects: one e-mail; call it
    after the transaction that caused it has committed.
    """
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"email/{template}_subject.txt", context)
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(
        # A header is one line; a template's stray newline would make it invalid.
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to] if isinstance(to, str) else list(to),
    )
    message.attach_alternative(html, "text/html")
    message.send()


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
