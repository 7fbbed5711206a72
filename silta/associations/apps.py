from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_sqlite_fulltext(sender, using="default", **kwargs):
    from django.db import connections

    from . import fulltext

    connection = connections[using]
    if connection.vendor == "sqlite":
        fulltext.ensure_sqlite(connection)


class AssociationsConfig(AppConfig):
    name = "silta.associations"
    label = "associations"
    verbose_name = _("Yhdistykset")

    def ready(self):
        # A later migration that rebuilds a table on SQLite drops its triggers (fulltext.py).
        post_migrate.connect(_ensure_sqlite_fulltext, sender=self)
