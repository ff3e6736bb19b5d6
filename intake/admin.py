from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from intake.models import IntakeSender


@admin.register(IntakeSender)
class IntakeSenderAdmin(SimpleHistoryAdmin):
    """Activate, deactivate or move a sender. Senders and tokens are made with
    ``manage.py intake_sender_create`` (the token is printed once; shown on a
    page it would pass through the message cookie)."""

    list_display = ("name", "unit", "is_active", "created_at")
    list_filter = ("is_active", "unit")
    fields = ("name", "unit", "is_active", "account", "created_at")
    readonly_fields = ("account", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The reports and the access log name the sender's account: deactivate it.
        return False
