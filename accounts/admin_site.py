from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class TryggAdminSite(OTPAdminSite):
    site_header = _("Trygg administration")
    site_title = _("Trygg administration")
    index_title = _("Users, units and groups")

    def __init__(self, name="admin"):
        # OTPAdminSite names itself "otpadmin"; keep the usual "admin:" URLs.
        super().__init__(name)

    def login(self, request, extra_context=None):
        # One sign-in path for everyone, with its lock-out and logging; the
        # admin's own form would be a second door.
        if request.user.is_authenticated and request.user.is_verified():
            # Signed in fully but not staff: sending them to sign in again
            # would loop.
            raise PermissionDenied
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(reverse("accounts:login") + "?" + urlencode({"next": target}))
