from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class TryggAdminSite(OTPAdminSite):
    site_header = _("Trygg administration")
    site_title = _("Trygg administration")
    index_title = _("Users, units and groups")

    def login(self, request, extra_context=None):
        # One sign-in path for everyone, with its lock-out and logging; the
        # admin's own form would be a second door.
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(reverse("accounts:login") + "?" + urlencode({"next": target}))
