from django.contrib import admin

from .models import Municipality, Region, WellbeingCounty


@admin.register(Region, WellbeingCounty)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "name_en"]
    search_fields = ["code", "name_fi", "name_sv"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "region", "language_status"]
    list_filter = ["region", "language_status"]
    search_fields = ["code", "name_fi", "name_sv"]
