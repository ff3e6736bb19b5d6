"""The area work's structure, kept by the administrator: city districts and
their sub-areas and coordinators, organisations, bodies and their members.
The plans themselves are written in the application, where they are logged."""

from django.contrib import admin

from areas.models import Body, BodyMembership, CityDistrict, Organisation, SubArea


class SubAreaInline(admin.TabularInline):
    model = SubArea
    extra = 1


@admin.register(CityDistrict)
class CityDistrictAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    filter_horizontal = ("coordinators",)
    inlines = [SubAreaInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


class BodyMembershipInline(admin.TabularInline):
    model = BodyMembership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "city_district", "sub_area")
    list_filter = ("city_district", "kind")
    search_fields = ("name",)
    inlines = [BodyMembershipInline]
