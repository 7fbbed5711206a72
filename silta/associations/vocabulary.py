"""The controlled vocabularies (themes, target groups) from the cache: every directory page
and the widget show them, and they change only when an administrator edits them. Saving or
deleting one empties the cache (the signals below); the cache also expires on its own."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import TargetGroup, Theme

TIMEOUT = 300
_KEYS = {Theme: "silta:vocabulary:themes", TargetGroup: "silta:vocabulary:target_groups"}


def _cached(model) -> list:
    key = _KEYS[model]
    found = cache.get(key)
    if found is None:
        found = list(model.objects.all())
        cache.set(key, found, TIMEOUT)
    return found


def themes() -> list[Theme]:
    return _cached(Theme)


def target_groups() -> list[TargetGroup]:
    return _cached(TargetGroup)


@receiver([post_save, post_delete], sender=Theme)
@receiver([post_save, post_delete], sender=TargetGroup)
def _forget(sender, **kwargs):
    cache.delete(_KEYS[sender])
