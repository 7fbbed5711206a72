from django.contrib.auth.backends import BaseBackend

from .permissions import scope_of


class AdministratorRoleBackend(BaseBackend):
    """The administrator role carries every model permission in the Django admin; the
    audit log stays read-only through its ModelAdmin."""

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and scope_of(user_obj).is_admin

    def has_module_perms(self, user_obj, app_label):
        return user_obj.is_active and scope_of(user_obj).is_admin
