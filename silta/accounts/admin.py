from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CoordinatingOrganisation, ErasureRequest, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality", "association", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Henkilötiedot"), {"fields": ["full_name", "phone", "language"]}),
        (_("Oikeudet"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]
    inlines = [MembershipInline]


@admin.register(CoordinatingOrganisation)
class CoordinatingOrganisationAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "email", "status", "handled_at"]
    list_filter = ["status"]
    actions = ["carry_out"]

    @admin.action(description=_("Poista pyytäjien henkilötiedot"))
    def carry_out(self, request, queryset):
        done = 0
        for req in queryset.filter(status=ErasureRequest.Status.OPEN).select_related("user"):
            if req.user:
                services.erase_user(request.user, req.user, req)
                done += 1
        messages.success(request, _("Poistettu: %d") % done)
