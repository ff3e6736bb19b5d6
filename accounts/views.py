from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from accounts import access, passkeys, qr, selectors, services
from accounts.forms import EnrolmentForm, ReauthenticationForm, SecondFactorForm, SignInForm
from accounts.models import AuthenticatorDevice, BackupCodeDevice
from accounts.roles import Role


def _safe_next(request, default="accounts:start"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _with_next(url_name, next_url):
    return reverse(url_name) + "?" + urlencode({"next": next_url})


@access.public
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_with_password(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except services.SignInError as error:
            form.add_error(None, error.message)
        else:
            target = "accounts:enrol" if services.needs_enrolment(user) else "accounts:verify"
            return redirect(_with_next(target, _safe_next(request)))
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request)})


@access.second_factor_stage
@require_POST
def sign_out(request):
    services.sign_out(request=request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@access.second_factor_stage
@require_http_methods(["GET", "POST"])
def verify(request):
    if request.user.is_verified():
        return redirect(_safe_next(request))
    if services.needs_enrolment(request.user):
        return redirect(_with_next("accounts:enrol", _safe_next(request)))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(
                request=request, token=form.cleaned_data["token"]
            )
        except services.SignInError as error:
            if error.locked:
                messages.error(request, error.message)
                return redirect("accounts:login")
            form.add_error("token", error.message)
        else:
            if isinstance(device, BackupCodeDevice):
                remaining = device.remaining_count()
                messages.warning(
                    request,
                    _(
                        "You signed in with a backup code. %(count)s unused codes remain; "
                        "make new ones under Security if you are running low."
                    )
                    % {"count": remaining},
                )
            return redirect(_safe_next(request))
    return render(
        request,
        "accounts/verify.html",
        {
            "form": form,
            "next": _safe_next(request),
            "has_passkey": passkeys.passkeys_of(request.user).exists(),
        },
    )


@access.second_factor_stage
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Add an authenticator app: at first sign-in, or to replace one (after re-authentication)."""
    replacing = not services.needs_enrolment(request.user)
    if replacing:
        if not request.user.is_verified():
            return redirect(_with_next("accounts:verify", _safe_next(request)))
        if not services.recently_reauthenticated(request):
            return redirect(_with_next("accounts:reauthenticate", reverse("accounts:enrol")))
    device = services.totp_enrolment_device(user=request.user, request=request)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrolment_confirm(
                request=request, device=device, token=form.cleaned_data["token"]
            )
        except services.SignInError as error:
            if error.locked:
                messages.error(request, error.message)
                return redirect("accounts:login")
            form.add_error("token", error.message)
        else:
            # Rendered, not redirected: the codes exist in clear only in this
            # response and are never stored or shown again.
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _safe_next(request), "first_time": not replacing},
            )
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_svg": qr.totp_qr_svg(device=device, user=request.user),
            "secret": qr.totp_secret_for_display(device),
            "replacing": replacing,
            "next": _safe_next(request),
        },
    )


@access.verified
@require_http_methods(["GET", "POST"])
def reauthenticate(request):
    form = ReauthenticationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reauthenticate(request=request, password=form.cleaned_data["password"])
        except services.SignInError as error:
            if error.locked:
                messages.error(request, error.message)
                return redirect("accounts:login")
            form.add_error("password", error.message)
        else:
            return redirect(_safe_next(request, default="accounts:security"))
    return render(
        request,
        "accounts/reauthenticate.html",
        {"form": form, "next": _safe_next(request, default="accounts:security")},
    )


@access.verified
@require_GET
def security(request):
    totp_devices = AuthenticatorDevice.objects.filter(user=request.user, confirmed=True)
    backup_device = BackupCodeDevice.objects.filter(user=request.user).first()
    return render(
        request,
        "accounts/security.html",
        {
            "totp_devices": totp_devices,
            "backup_remaining": backup_device.remaining_count() if backup_device else 0,
            "passkeys": passkeys.passkeys_of(request.user),
            "may_add_passkey": services.recently_reauthenticated(request),
        },
    )


@access.verified
@require_POST
def passkey_remove(request, pk):
    if not services.recently_reauthenticated(request):
        return redirect(_with_next("accounts:reauthenticate", reverse("accounts:security")))
    if passkeys.passkey_remove(request=request, pk=pk):
        messages.success(request, _("The passkey is removed. You are signed out everywhere else."))
    else:
        messages.error(request, _("That passkey was already removed."))
    return redirect("accounts:security")


@access.verified
@require_POST
def backup_codes_new(request):
    if not services.recently_reauthenticated(request):
        return redirect(_with_next("accounts:reauthenticate", reverse("accounts:security")))
    codes = services.backup_codes_regenerate(request=request)
    return render(
        request,
        "accounts/backup_codes.html",
        {"codes": codes, "next": reverse("accounts:security"), "first_time": False},
    )


@access.verified
@require_GET
def start(request):
    user = request.user
    roles = set(user.roles)
    context = {"roles": roles, "Role": Role}
    if Role.UNIT_MANAGER in roles:
        context["unit_members"] = selectors.unit_members_for_manager(manager=user)
    if Role.ADMINISTRATOR in roles:
        context["locked_users"] = selectors.users_locked_out()
        context["user_counts"] = selectors.user_count_by_role()
    # Programme apps contribute panels (START_PAGE_PANELS) so that accounts
    # does not depend on them.
    context["panels"] = [
        panel
        for panel in (import_string(path)(request) for path in settings.START_PAGE_PANELS)
        if panel
    ]
    return render(request, "accounts/start.html", context)


@access.public
@require_GET
def health(request):
    failures = []
    for path in settings.HEALTH_CHECKS:
        try:
            import_string(path)()
        except Exception:
            failures.append(path.rsplit(".", 1)[-1])
    status = 503 if failures else 200
    return JsonResponse(
        {"status": "fail" if failures else "ok", "failed": failures}, status=status
    )


set_language = access.public(django_set_language)

password_reset = access.public(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        html_email_template_name="accounts/email/password_reset.html",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password-reset-sent"),
    )
)
password_reset_sent = access.public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
# post_reset_login stays False: a new password must never skip the second factor.
password_reset_confirm = access.public(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password-reset-complete"),
        post_reset_login=False,
    )
)
password_reset_complete = access.public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)
