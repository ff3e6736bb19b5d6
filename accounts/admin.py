from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_value
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, throttling
from accounts.models import District, Unit, User
from accounts.roles import role_label


class RoleListFilter(admin.RelatedFieldListFilter):
    """The groups filter, with role groups named in the user's language
    rather than by their stored names ("social_worker")."""

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        return [(pk, role_label(name)) for pk, name in choices]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "unit", "is_active", "locked")
    list_filter = ("is_active", ("groups", RoleListFilter), "unit")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email")}),
        (_("Work"), {"fields": ("unit", "groups", "is_active", "is_staff")}),
        (_("Sign-in"), {"fields": ("last_login", "date_joined", "locked")}),
    )
    readonly_fields = ("last_login", "date_joined", "locked")
    actions = ["reset_second_factor", "unlock"]

    # A method so that the label is translated: the model field has no
    # verbose name, and giving it one would need a migration of its own.
    @admin.display(description=_("Locked until"), ordering="locked_until")
    def locked(self, obj):
        # Formatted here: the read-only field would show the raw datetime.
        return display_for_value(obj.locked_until, self.get_empty_value_display())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            formfield.label_from_instance = lambda group: role_label(group.name)
        return formfield

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser and obj is not None:
            fieldsets = (*fieldsets, (_("Superuser"), {"fields": ("is_superuser",)}))
        return fieldsets

    def _is_self(self, request, obj):
        return obj is not None and obj.pk == request.user.pk

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if self._is_self(request, obj):
            # Nobody changes their own access: another administrator does.
            readonly = (*readonly, *services.ACCESS_FIELDS)
        return readonly

    def save_model(self, request, obj, form, change):
        if self._is_self(request, obj):
            forged = {name for name in services.ACCESS_FIELDS if name in request.POST}
            if forged:
                # The fields are read-only, so the form ignores them; say so
                # and record the attempt.
                services.user_self_change_refuse(by=request.user, request=request, fields=forged)
                messages.error(request, _("You cannot change your own roles, unit or status."))
        # Compared in save_related, once the groups are saved too.
        request._access_before = services.user_access_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            services.user_set_active(
                user=obj, is_active=obj.is_active, by=request.user, request=request
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.user_access_changes_record(
            user=form.instance,
            by=request.user,
            request=request,
            before=getattr(request, "_access_before", None),
        )

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, id)
        if self._is_self(request, user):
            # One's own password is changed where one signs in, with the old one.
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and user is not None:
            services.user_password_set_by_administrator(
                user=user, by=request.user, request=request
            )
        return response

    @admin.action(
        description=_("Reset second factor (the user enrols again at next sign-in)"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            services.user_reset_second_factor(user=user, by=request.user, request=request)
        messages.success(request, _("Second factors were reset."))

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("accounts.reset_second_factor")

    @admin.action(description=_("Lift a lock-out"), permissions=["change"])
    def unlock(self, request, queryset):
        for user in queryset:
            services.user_unlock(user=user, by=request.user, request=request)
        messages.success(request, _("The accounts were unlocked."))


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    filter_horizontal = ("districts",)
    search_fields = ("name",)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active")
    search_fields = ("name",)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    list_display = ("name", "role")

    @admin.display(description=_("Role"))
    def role(self, obj):
        return role_label(obj.name)


# django-otp's TOTP admin shows seeds; our devices are managed through the
# "reset second factor" action instead.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(AccessAttempt)
class SignInThrottleAdmin(admin.ModelAdmin):
    """Addresses paused or slowed for a user name (accounts/throttling.py):
    seen and lifted here, each lift in the access log. Read-only otherwise."""

    list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "paused")
    list_filter = ("attempt_time",)
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    fields = ("username", "ip_address", "failures_since_start", "attempt_time", "user_agent")
    readonly_fields = fields
    actions = ["lift"]

    @admin.display(description=_("Paused"), boolean=True)
    def paused(self, obj):
        return obj.failures_since_start >= settings.LOCKOUT_THRESHOLD and (
            obj.attempt_time > timezone.now() - settings.LOCKOUT_DURATION
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting is lifting, which goes through the action (and the log).
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("axes.delete_accessattempt"):
            actions.pop("lift", None)
        return actions

    @admin.action(description=_("Lift the throttle"))
    def lift(self, request, queryset):
        if not request.user.has_perm("axes.delete_accessattempt"):
            raise PermissionDenied
        lifted = throttling.throttles_lift(attempts=queryset, by=request.user, request=request)
        self.message_user(request, _("%(count)s throttles lifted.") % {"count": lifted})
