"""Passkeys (WebAuthn) as a second factor beside authenticator apps and backup codes.

django-otp-webauthn does the WebAuthn ceremonies and stores the credentials
as django-otp devices; here are our rules around it:

- A passkey is a second factor only: never a way in without the password
  (``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False``, and the ceremony views
  need the password step done).
- Adding one needs a verified session and the password given again within
  REAUTHENTICATION_MINUTES, like every change of second factors; adding or
  removing one ends the user's other sessions, is recorded and mailed.
- Signing in with one counts like a code: a failed attempt counts towards
  the lock-out, success gives the session a new key and an event.
- The relying party and the accepted origins are configured
  (PASSKEY_ORIGINS): an assertion made for another site does not verify here.
"""

from django.contrib.auth import logout
from django.db import transaction
from django.urls import path
from django.utils.translation import gettext as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.models import WebAuthnCredential

from accounts import access, services
from audit.services import security_event_record


class ReauthenticationNeeded(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "reauthentication_needed"
    default_detail = "Confirm your password again before adding a passkey."


class Locked(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "locked"
    default_detail = "The account is locked for a while after too many attempts."


class RegistrationBegin(views.BeginCredentialRegistrationView):
    def check_can_register(self):
        if not services.recently_reauthenticated(self.request):
            raise ReauthenticationNeeded(detail=_("Confirm your password again first."))


class RegistrationComplete(views.CompleteCredentialRegistrationView):
    def check_can_register(self):
        if not services.recently_reauthenticated(self.request):
            raise ReauthenticationNeeded(detail=_("Confirm your password again first."))

    def post(self, *args, **kwargs):
        with transaction.atomic():
            response = super().post(*args, **kwargs)
            passkey_added(request=self.request)
        return response


class AuthenticationBegin(views.BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        if services.locked_now(self.request, self.request.user):
            raise Locked(detail=_("The account is locked. Try again later."))
        super().check_can_authenticate()


class AuthenticationComplete(views.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if services.locked_now(self.request, self.request.user):
            raise Locked(detail=_("The account is locked. Try again later."))
        super().check_can_authenticate()

    def complete_auth(self, device):
        services.second_factor_passed(request=self.request, device=device)

    def handle_exception(self, exc):
        # A failed attempt counts towards the lock-out like a wrong code.
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and not isinstance(exc, Locked):
            user = self.request.user
            if user.is_authenticated and services.user_register_failure(
                user=user, request=self.request, action="second_factor_failed"
            ):
                logout(self.request)
        return super().handle_exception(exc)


def passkey_added(*, request):
    """Side effects of a new passkey: the user's other sessions end, an event, an e-mail."""
    user = request.user
    services.user_end_all_sessions(user=user, keep_request=request)
    request.session.pop(services.REAUTHENTICATED_AT, None)
    security_event_record(
        action="second_factor_added", request=request, actor=user, reason="WebAuthnCredential"
    )
    services.second_factor_added_email(user=user, what=_("A passkey"))


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def passkey_remove(*, request, pk):
    """Remove one of the signed-in user's passkeys; False if they have no such passkey.

    Side effects: the user's other sessions end, an event.
    """
    user = request.user
    with transaction.atomic():
        removed, _count = WebAuthnCredential.objects.filter(user=user, pk=pk).delete()
        if not removed:
            return False
        services.user_end_all_sessions(user=user, keep_request=request)
        security_event_record(
            action="second_factor_removed",
            request=request,
            actor=user,
            reason="WebAuthnCredential",
        )
    return True


# The library's JavaScript finds these by their names in this namespace.
urlpatterns = [
    path(
        "registration/begin/",
        access.verified(RegistrationBegin.as_view()),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        access.verified(RegistrationComplete.as_view()),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        access.second_factor_stage(AuthenticationBegin.as_view()),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        access.second_factor_stage(AuthenticationComplete.as_view()),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        access.second_factor_stage(
            JavaScriptCatalog.as_view(packages=["django_otp_webauthn", "accounts"])
        ),
        name="js-i18n-catalog",
    ),
]
app_name = "otp_webauthn"
