from django.contrib import admin

from .models import Association


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "municipality", "register_number", "status"]
    list_filter = ["status"]
    search_fields = ["name_fi", "register_number"]
    autocomplete_fields = ["municipality"]
