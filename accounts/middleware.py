import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from accounts import access
from audit.services import access_event_record, security_event_record

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
# Writing the session on every request costs a database write; a minute of
# slack on the idle timeout does not matter.
LAST_SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """End sessions idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_TIMEOUT.

    Enforced here on the server, not by cookie expiry, which the browser controls.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SIGNED_IN_AT)
            last_seen_at = request.session.get(LAST_SEEN_AT, signed_in_at)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if signed_in_at is None or now - signed_in_at > absolute or now - last_seen_at > idle:
                # Recorded before logout, so the event names the session that ended.
                security_event_record(
                    action="session_expired", request=request, actor=request.user
                )
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
            elif now - last_seen_at > LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


def _next_query(request):
    return "?" + urlencode({"next": request.get_full_path()})


class AccessRuleMiddleware:
    """Apply each view's declared access rule; refuse views that declare none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        rule = getattr(view_func, "access_rule", None)
        if rule is None and request.resolver_match.namespace == "admin":
            # The admin site checks is_staff and is_verified itself; we add
            # the sign-in flow in front of it.
            rule = access.AccessRule(access.VERIFIED)
        if rule is not None and rule.stage == access.PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if rule is not None and rule.stage == access.SECOND_FACTOR_STAGE:
            return None
        if not request.user.is_verified():
            target = "accounts:verify" if user_has_device(request.user) else "accounts:enrol"
            return redirect(reverse(target) + _next_query(request))
        if rule is None:
            security_event_record(
                action="view_without_access_rule",
                request=request,
                actor=request.user,
                outcome="denied",
                reason=request.resolver_match.view_name,
            )
            raise PermissionDenied
        roles, hidden = request.user.role_names, set(rule.not_found_for)
        refused = (rule.roles and not roles & set(rule.roles)) or (
            # A page for every verified user but those holding only hidden roles.
            hidden and not rule.roles and roles and roles <= hidden
        )
        if refused and roles & hidden and "pk" in view_kwargs:
            # As a refused object is logged everywhere: the guessed id stays on record.
            access_event_record(
                action="access_denied",
                request=request,
                actor=request.user,
                object_type=request.resolver_match.view_name,
                object_id=str(view_kwargs["pk"]),
                outcome="denied",
            )
            raise Http404
        if refused:
            security_event_record(
                action="access_denied",
                request=request,
                actor=request.user,
                outcome="denied",
                reason=request.resolver_match.view_name,
            )
            if roles & hidden:
                raise Http404
            raise PermissionDenied
        return None


class NoStoreMiddleware:
    """No page of this system may be kept by a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user chose otherwise with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which
    on municipal computers is often English; the product's language is
    Swedish, and English is a choice the user makes (kept in a cookie).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
