"""Sign-in throttling that an attacker cannot turn against staff.

Failed passwords and codes are counted per user name *and* client address
(django-axes keeps the counts, AccessAttempt): guessing from one address
first waits longer before each try (SIGN_IN_SLOW_AFTER, doubling up to a
minute) and then, at LOCKOUT_THRESHOLD, is refused for that user name from
that address for LOCKOUT_MINUTES. The worker signing in from the office is
another address and is not touched.

Guessing spread over many addresses is caught by a much higher per-account
ceiling (SIGN_IN_ACCOUNT_CEILING failures since the last full sign-in): past
it each failure makes the account wait longer (doubling, at most
SIGN_IN_ACCOUNT_MAX_DELAY), never a hard lock, and reaching it raises an
alert (a flagged access-log event and a warning in the log stream).

The sign-in views ask this module rather than axes' backend and middleware:
the two-step sign-in counts second-factor failures too, and resets only on
a complete sign-in (password and second factor).
"""

import datetime
import logging

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Sum
from django.utils import timezone

from audit.services import security_event_record

logger = logging.getLogger("trygg.security")

SLOW_DELAY_CAP = datetime.timedelta(minutes=1)


def failure_limit(request=None, credentials=None):
    """AXES_FAILURE_LIMIT: read when asked, so a changed setting holds at once."""
    return settings.LOCKOUT_THRESHOLD


def cool_off(request=None):
    """AXES_COOLOFF_TIME."""
    return settings.LOCKOUT_DURATION


def address_of(request):
    AxesProxyHandler.update_request(request)
    return request.axes_ip_address


PAUSED, SLOWED = "paused", "slowed"


def address_paused(request, username):
    """Whether this address is paused for ``username`` (LOCKOUT_THRESHOLD reached)."""
    address_of(request)
    return AxesProxyHandler.is_locked(request, {"username": username})


def address_state(request, username):
    """PAUSED, SLOWED (its last failure too recent for the next try) or None:
    whether this client address must wait before it may try ``username``."""
    if address_paused(request, username):
        return PAUSED
    now = timezone.now()
    attempts = AccessAttempt.objects.filter(
        username=username,
        ip_address=request.axes_ip_address,
        attempt_time__gte=now - cool_off(),
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = attempts["failures"] or 0
    if failures < settings.SIGN_IN_SLOW_AFTER:
        return None
    step = failures - settings.SIGN_IN_SLOW_AFTER
    wait = min(datetime.timedelta(seconds=2**step), SLOW_DELAY_CAP)
    return SLOWED if now < attempts["last"] + wait else None


def address_failure_record(request, username):
    """Count a failed second factor (or other check after the password) for the
    address, as a wrong password is counted: axes takes Django's signal."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def address_failures_reset(request, username):
    """A complete sign-in: this address starts afresh for this user name."""
    AccessAttempt.objects.filter(username=username, ip_address=address_of(request)).delete()


def account_delay(count):
    """How long the account waits after its ``count``-th failure: nothing below
    the ceiling, then one second, doubling up to SIGN_IN_ACCOUNT_MAX_DELAY."""
    over = count - settings.SIGN_IN_ACCOUNT_CEILING
    if over < 0:
        return None
    return min(datetime.timedelta(seconds=2 ** min(over, 20)), settings.SIGN_IN_ACCOUNT_MAX_DELAY)


def ceiling_alert(*, request, user, count):
    """Guessing across addresses: a flagged event for the auditors, a warning to alert on."""
    security_event_record(
        action="sign_in_ceiling_reached",
        request=request,
        subject_user=user,
        outcome="denied",
        reason=f"failures:{count}",
        flagged=True,
    )
    logger.warning("sign_in_ceiling_reached subject_user=%s failures=%s", user.pk, count)


def throttles_lift(*, attempts, by, request=None):
    """Lift the address throttles ``attempts`` (an AccessAttempt queryset) from
    the admin. Side effects: the rows deleted, an access-log event for each."""
    users = {
        user.username: user
        for user in get_user_model().objects.filter(
            username__in=attempts.values_list("username", flat=True)
        )
    }
    lifted = 0
    for attempt in attempts:
        security_event_record(
            action="throttle_lifted",
            request=request,
            actor=by,
            subject_user=users.get(attempt.username),
            reason=f"address:{attempt.ip_address}",
        )
        attempt.delete()
        lifted += 1
    return lifted
