"""Sign-in, second factors, lock-out and sessions.

Every write here is atomic, locks the user row it changes, and records a
security event.
"""

import time
import uuid

import django_otp
from django.conf import settings
from django.contrib.auth import (
    authenticate,
    get_user_model,
    login,
    logout,
    update_session_auth_hash,
)
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device

from accounts import throttling
from accounts.emails import email_send
from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from accounts.models import AuthenticatorDevice, BackupCode, BackupCodeDevice
from accounts.roles import CASE_ROLES
from audit.services import security_event_record

REAUTHENTICATED_AT = "reauthenticated_at"
TOTP_DEVICE_NAME = "authenticator-app"
BACKUP_DEVICE_NAME = "backup-codes"


class SignInError(Exception):
    """A refused sign-in step; ``message`` is safe to show to the user."""

    def __init__(self, message, *, locked=False):
        super().__init__(message)
        self.message = message
        self.locked = locked


def _generic_sign_in_error():
    # The same words whether the user exists, the password is wrong or the
    # address or account is throttled, so the form cannot be used to probe
    # accounts.
    return SignInError(
        _(
            "Sign-in failed. Check your username and password. After repeated "
            "failures you have to wait before trying again."
        )
    )


def _lock_out_message():
    minutes = int(settings.LOCKOUT_DURATION.total_seconds() // 60)
    return _(
        "Too many failed attempts. Signing in from here is paused for up to %(minutes)s "
        "minutes. Contact your administrator if you need help sooner."
    ) % {"minutes": minutes}


def _slowed_message():
    return _("Too many attempts in a short time. Wait a moment and try again.")


SECOND_FACTOR_ACTIONS = {
    "second_factor_failed",
    "second_factor_throttled",
    "enrolment_failed",
}


def user_register_failure(*, user, request, action):
    """Count one failed password or code, for the client address and for the account.

    The address's count (accounts/throttling.py) slows and then stops this
    address for this user name; a wrong password reaches it through
    Django's signal, every other failure is sent here. The account's counts
    (passwords and second factors apart, so alternating a correct password
    with wrong codes still counts) run until the next complete sign-in;
    past SIGN_IN_ACCOUNT_CEILING each failure makes the account wait longer
    (``locked_until``), and reaching it raises an alert. Side effects: the
    counts, possibly ``locked_until``, security events. Returns True if this
    address or the account is now stopped (not merely slowed).
    """
    if action != "sign_in_failed":
        throttling.address_failure_record(request, user.username)
    user_model = get_user_model()
    counter = (
        "failed_second_factor_count" if action in SECOND_FACTOR_ACTIONS else "failed_sign_in_count"
    )
    with transaction.atomic():
        # Lock the row: two wrong guesses at once must both count.
        locked_user = user_model.objects.select_for_update().get(pk=user.pk)
        count = getattr(locked_user, counter) + 1
        setattr(locked_user, counter, count)
        delay = throttling.account_delay(count)
        if delay is not None:
            locked_user.locked_until = timezone.now() + delay
        locked_user.save(update_fields=[counter, "locked_until"])
        security_event_record(action=action, request=request, subject_user=user, outcome="denied")
        if count == settings.SIGN_IN_ACCOUNT_CEILING:
            throttling.ceiling_alert(request=request, user=user, count=count)
        address_stopped = throttling.address_paused(request, user.username)
        if address_stopped:
            security_event_record(
                action="sign_in_throttled",
                request=request,
                subject_user=user,
                outcome="denied",
                reason="address_paused",
            )
    setattr(user, counter, count)
    user.locked_until = locked_user.locked_until
    return address_stopped or user.is_locked()


def _user_clear_failures(user, *, second_factor=False):
    """Clear the password counter; with ``second_factor``, the second factor's too."""
    fields = ["failed_sign_in_count", "locked_until"]
    if second_factor:
        fields.append("failed_second_factor_count")
    if any(getattr(user, name) for name in fields):
        user.failed_sign_in_count = 0
        user.locked_until = None
        if second_factor:
            user.failed_second_factor_count = 0
        user.save(update_fields=fields)


def _mark_session_fresh(request):
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def sign_in_with_password(*, request, username, password):
    """First factor. Returns the user, signed in but not yet verified.

    A throttled address (for this user name) or a slowed account is refused
    before the password is checked, with the words of a wrong password.
    Side effects: new session key (django.contrib.auth.login), the failure
    counts, security events.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    refusal = None
    if throttling.address_state(request, username) is not None:
        refusal = "sign_in_throttled"
    elif user is not None and user.is_locked():
        refusal = "sign_in_while_locked"
    if refusal is not None:
        # Still hash, so a refused try answers as slowly as any other.
        user_model().set_password(password)
        security_event_record(
            action=refusal,
            request=request,
            subject_user=user,
            outcome="denied",
            reason="address" if refusal == "sign_in_throttled" else "account",
        )
        raise _generic_sign_in_error()
    authenticated = authenticate(request, username=username, password=password)
    if authenticated is None:
        if user is not None:
            user_register_failure(user=user, request=request, action="sign_in_failed")
        else:
            security_event_record(action="sign_in_unknown_user", request=request, outcome="denied")
        raise _generic_sign_in_error()
    with transaction.atomic():
        login(request, authenticated)
        _mark_session_fresh(request)
        security_event_record(action="sign_in_password", request=request, actor=authenticated)
    return authenticated


def second_factor_refusal(request, user):
    """Why ``user`` may not try a second factor from this address now, or None:
    "stopped" (the address is paused for them, or the account is waiting, as
    stored now: a parallel request may have set it) or "slowed"."""
    user.locked_until = (
        get_user_model().objects.filter(pk=user.pk).values_list("locked_until", flat=True).get()
    )
    if user.is_locked():
        return "stopped"
    address = throttling.address_state(request, user.username)
    if address == throttling.PAUSED:
        return "stopped"
    if address == throttling.SLOWED:
        return "slowed"
    return None


def locked_now(request, user):
    """Whether ``user`` is stopped from this address now (passkeys ask this)."""
    return second_factor_refusal(request, user) is not None


def _devices_for_verification(user):
    return [
        device
        for device in django_otp.devices_for_user(user, confirmed=True)
        if isinstance(device, AuthenticatorDevice | BackupCodeDevice)
    ]


def looks_like_totp(token):
    digits = "".join(ch for ch in token if not ch.isspace())
    return digits.isdigit() and len(digits) == 6


def second_factor_verify(*, request, token):
    """Second factor: a TOTP code or a backup code.

    Side effects: marks the session verified and gives it a new key, clears
    the failure counter, records events; on failure counts it and, at the
    threshold, locks the account and signs the session out.
    """
    user = request.user
    refusal = second_factor_refusal(request, user)
    if refusal == "stopped":
        logout(request)
        raise SignInError(_lock_out_message(), locked=True)
    if refusal == "slowed":
        raise SignInError(_slowed_message())
    token = token.strip()
    wanted = AuthenticatorDevice if looks_like_totp(token) else BackupCodeDevice
    if wanted is AuthenticatorDevice:
        token = "".join(token.split())
    devices = [d for d in _devices_for_verification(user) if isinstance(d, wanted)]
    if any(not device.verify_is_allowed()[0] for device in devices):
        # django-otp's throttle refused to check the code. It still counts
        # towards the lock-out, or hammering would never lock the account.
        if user_register_failure(user=user, request=request, action="second_factor_throttled"):
            logout(request)
            raise SignInError(_lock_out_message(), locked=True)
        raise SignInError(_slowed_message())
    verified_device = None
    for device in devices:
        verified_device = django_otp.verify_token(user, device.persistent_id, token)
        if verified_device is not None:
            break
    if verified_device is None:
        if user_register_failure(user=user, request=request, action="second_factor_failed"):
            logout(request)
            raise SignInError(_lock_out_message(), locked=True)
        if wanted is AuthenticatorDevice:
            raise SignInError(
                _("The code is wrong or has already been used. Wait for the next code.")
            )
        raise SignInError(_("The backup code is wrong or has already been used."))
    second_factor_passed(request=request, device=verified_device)
    return verified_device


def second_factor_passed(*, request, device):
    """The session's user proved the second factor with ``device`` (a code, a backup
    code or a passkey).

    Side effects: marks the session verified and gives it a new key, clears
    the failure counters (the account's and this address's), records an event.
    """
    user = request.user
    with transaction.atomic():
        _user_clear_failures(user, second_factor=True)
        throttling.address_failures_reset(request, user.username)
        django_otp.login(request, device)
        # A new key once the session is worth more: a key seen before the
        # second factor must not be the key of a verified session.
        request.session.cycle_key()
        security_event_record(
            action="second_factor_verified",
            request=request,
            actor=user,
            reason=type(device).__name__,
        )


def sign_out(*, request):
    """End this session. Side effects: records an event (before, so it names the session)."""
    if request.user.is_authenticated:
        security_event_record(action="sign_out", request=request, actor=request.user)
    logout(request)


def user_end_all_sessions(*, user, keep_request=None):
    """End every session of ``user``; with ``keep_request``, keep that one.

    Side effects: a new session stamp, which changes the session hash that
    every other session holds, so their next request is signed out.
    """
    user.session_stamp = uuid.uuid4()
    user.save(update_fields=["session_stamp"])
    if keep_request is not None:
        update_session_auth_hash(keep_request, user)


PENDING_TOTP_DEVICE = "pending_totp_device"


def totp_enrolment_device(*, user, request):
    """The unconfirmed authenticator this session is enrolling, made on first call.

    Bound to the session that made it, with a fresh seed per attempt, and
    only for TOTP_ENROLMENT_MINUTES: whoever opens enrolment in another
    session (with the password, before the user) gets a seed of their own,
    never the one the user will confirm. Making a new one removes the user's
    other unconfirmed devices. Side effects: a device, a security event.
    """
    device = _pending_device(user=user, session=request.session)
    if device is None:
        with transaction.atomic():
            AuthenticatorDevice.objects.filter(user=user, confirmed=False).delete()
            device = AuthenticatorDevice.objects.create(
                user=user,
                name=TOTP_DEVICE_NAME,
                confirmed=False,
                tolerance=settings.OTP_TOTP_TOLERANCE,
            )
            security_event_record(action="enrolment_started", request=request, actor=user)
        request.session[PENDING_TOTP_DEVICE] = {"id": device.pk, "at": time.time()}
    return device


def _pending_device(*, user, session):
    """The session's own pending device if it has not expired, else None."""
    pending = session.get(PENDING_TOTP_DEVICE)
    if not pending or time.time() - pending["at"] > settings.TOTP_ENROLMENT_WINDOW.total_seconds():
        return None
    return AuthenticatorDevice.objects.filter(pk=pending["id"], user=user, confirmed=False).first()


def backup_codes_replace(*, user):
    """Replace all backup codes of ``user``; returns the new codes, shown once."""
    device, _created = BackupCodeDevice.objects.get_or_create(
        user=user, defaults={"name": BACKUP_DEVICE_NAME, "confirmed": True}
    )
    device.codes.all().delete()
    codes = [BackupCode.generate() for _ in range(settings.BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(
        BackupCode(device=device, code_hash=BackupCode.digest(code)) for code in codes
    )
    return codes


def totp_enrolment_confirm(*, request, device, token):
    """Confirm a new authenticator app with a code from it.

    Returns fresh backup codes. Side effects: removes the user's older TOTP
    devices, replaces backup codes, ends the user's other sessions, verifies
    this session with a new key, records an event.
    """
    user = request.user
    token = "".join(token.split())
    pending = _pending_device(user=user, session=request.session)
    if pending is None or pending.pk != device.pk:
        # Another session's seed, or one left too long: never confirmed.
        raise SignInError(
            _("The set-up has expired. Scan the new QR code and enter a code from it.")
        )
    with transaction.atomic():
        # The row lock makes the code single-use even under a double submit.
        locked_device = AuthenticatorDevice.objects.select_for_update().get(
            pk=device.pk, user=user
        )
        matched = looks_like_totp(token) and locked_device.verify_token(token)
    if not matched:
        if user_register_failure(user=user, request=request, action="enrolment_failed"):
            logout(request)
            raise SignInError(_lock_out_message(), locked=True)
        raise SignInError(
            _("The code did not match. Check the time on your phone and try the next code.")
        )
    with transaction.atomic():
        device = locked_device
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = backup_codes_replace(user=user)
        _user_clear_failures(user, second_factor=True)
        user_end_all_sessions(user=user, keep_request=request)
        django_otp.login(request, device)
        request.session.cycle_key()
        request.session.pop(REAUTHENTICATED_AT, None)
        request.session.pop(PENDING_TOTP_DEVICE, None)
        security_event_record(action="second_factor_added", request=request, actor=user)
        second_factor_added_email(user=user, what=_("An authenticator app"))
    return codes


def second_factor_added_email(*, user, what):
    """Tell the user, after the transaction commits, that a second factor was added."""
    if not user.email:
        return
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    transaction.on_commit(
        lambda: email_send(
            to=user.email,
            template="second_factor_added",
            context={"what": str(what), "when": when},
        )
    )


def backup_codes_regenerate(*, request):
    """New backup codes for the signed-in user; the old ones stop working.

    Side effects: ends the user's other sessions, records an event.
    """
    user = request.user
    with transaction.atomic():
        codes = backup_codes_replace(user=user)
        user_end_all_sessions(user=user, keep_request=request)
        security_event_record(action="backup_codes_replaced", request=request, actor=user)
        second_factor_added_email(user=user, what=_("A new set of backup codes"))
    return codes


def user_reset_second_factor(*, user, by, request=None):
    """Remove every second factor of ``user`` (lost phone). Next sign-in enrols anew.

    Side effects: deletes devices, ends all the user's sessions, records an event.
    """
    with transaction.atomic():
        for device in list(django_otp.devices_for_user(user, confirmed=None)):
            device.delete()
        user_end_all_sessions(user=user)
        security_event_record(
            action="second_factor_reset", request=request, actor=by, subject_user=user
        )


def user_set_active(*, user, is_active, by, request=None):
    """Activate or deactivate a user; deactivation ends all their sessions."""
    with transaction.atomic():
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        if not is_active:
            user_end_all_sessions(user=user)
        security_event_record(
            action="user_activated" if is_active else "user_deactivated",
            request=request,
            actor=by,
            subject_user=user,
        )


def reauthenticate(*, request, password):
    """Ask for the password again before second factors change."""
    user = request.user
    if not user.check_password(password):
        if user_register_failure(user=user, request=request, action="reauthentication_failed"):
            logout(request)
            raise SignInError(_lock_out_message(), locked=True)
        raise SignInError(_("The password is wrong."))
    request.session[REAUTHENTICATED_AT] = time.time()
    security_event_record(action="reauthenticated", request=request, actor=user)


def recently_reauthenticated(request):
    at = request.session.get(REAUTHENTICATED_AT)
    window = settings.REAUTHENTICATION_WINDOW.total_seconds()
    return at is not None and time.time() - at <= window


def needs_enrolment(user):
    return not user_has_device(user, confirmed=True)


def user_unlock(*, user, by, request=None):
    """Lift a lock-out before it runs out. Side effects: clears the counter, records an event."""
    with transaction.atomic():
        _user_clear_failures(user, second_factor=True)
        security_event_record(action="user_unlocked", request=request, actor=by, subject_user=user)


# What decides a user's access: changed only by another administrator, and
# every change in the access log.
ACCESS_FIELDS = ("groups", "unit", "is_staff", "is_superuser", "is_active", "user_permissions")


def user_access_snapshot(user):
    """What gives ``user`` access, as stored now (compare before and after a change)."""
    if user.pk is None:
        return None
    stored = get_user_model().objects.get(pk=user.pk)
    return {
        "roles": set(stored.groups.values_list("name", flat=True)),
        "unit_id": stored.unit_id,
        "is_staff": stored.is_staff,
        "is_superuser": stored.is_superuser,
    }


def user_access_changes_record(*, user, by, request, before):
    """Record each change of roles, unit, staff and superuser status since ``before``.

    ``before`` is ``user_access_snapshot`` from before the change (None for a
    new user). Granting a role that reaches case content, a unit to a holder
    of one, or superuser status is flagged. Side effects: security events.
    """
    after = user_access_snapshot(user)
    case_roles = {role.value for role in CASE_ROLES}
    holds_case_role = bool(after["roles"] & case_roles)

    def record(action, *, reason="", flagged=False):
        security_event_record(
            action=action,
            request=request,
            actor=by,
            subject_user=user,
            reason=reason,
            flagged=flagged,
        )

    if before is None:
        record("user_created", flagged=holds_case_role)
        before = {"roles": set(), "unit_id": None, "is_staff": False, "is_superuser": False}
    for role in sorted(after["roles"] - before["roles"]):
        record("role_granted", reason=role, flagged=role in case_roles)
    for role in sorted(before["roles"] - after["roles"]):
        record("role_revoked", reason=role)
    if after["unit_id"] != before["unit_id"]:
        record("unit_changed", reason=str(after["unit_id"] or ""), flagged=holds_case_role)
    if after["is_staff"] != before["is_staff"]:
        record("staff_status_changed", reason=str(after["is_staff"]).lower())
    if after["is_superuser"] != before["is_superuser"]:
        record(
            "superuser_status_changed",
            reason=str(after["is_superuser"]).lower(),
            flagged=after["is_superuser"],
        )


def user_self_change_refuse(*, by, request, fields):
    """Record an administrator's attempt to change their own access (nothing is saved)."""
    security_event_record(
        action="self_change_refused",
        request=request,
        actor=by,
        subject_user=by,
        outcome="denied",
        reason=",".join(sorted(fields)),
        flagged=True,
    )


def user_password_set_by_administrator(*, user, by, request):
    """Record a password an administrator set for someone (sessions end too)."""
    with transaction.atomic():
        user_end_all_sessions(user=user)
        security_event_record(
            action="password_set_by_administrator",
            request=request,
            actor=by,
            subject_user=user,
            flagged=True,
        )
