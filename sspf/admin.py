from django.contrib import admin

from sspf.models import SspfGroup, SspfMembership


class SspfMembershipInline(admin.TabularInline):
    model = SspfMembership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(SspfGroup)
class SspfGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "is_active")
    list_filter = ("district", "is_active")
    search_fields = ("name",)
    inlines = [SspfMembershipInline]
