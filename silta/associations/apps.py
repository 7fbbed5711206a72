from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_sqlite_fulltext(sender, using="default", **kwargs):
    from django.db import connections

    from . import fulltext

    connection = connections[using]
    if connection.vendor == "sqlite":
        fulltext.ensure_sqlite(connection)


def _drop_sqlite_views(sender, using="default", plan=None, **kwargs):
    """Before migrations run on SQLite: Django alters a table by making a new one, dropping
    the old and renaming the new, and SQLite refuses the rename while a view still names
    the dropped table. The views and triggers come back after migrate (ensure_sqlite)."""
    from django.db import connections

    from . import fulltext

    connection = connections[using]
    if connection.vendor == "sqlite" and plan:
        fulltext.drop_sqlite_views(connection)


class AssociationsConfig(AppConfig):
    name = "silta.associations"
    label = "associations"
    verbose_name = _("Yhdistykset")

    def ready(self):
        # A later migration that rebuilds a table on SQLite drops its triggers (fulltext.py).
        from . import vocabulary  # noqa: F401 - connects its signals

        pre_migrate.connect(_drop_sqlite_views, sender=self)
        post_migrate.connect(_ensure_sqlite_fulltext, sender=self)
