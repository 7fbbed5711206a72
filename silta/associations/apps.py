from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    name = "silta.associations"
    label = "associations"
    verbose_name = _("Yhdistykset")
