from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from silta.places.loader import DEFAULT_CSV, PlacesFileError, load


class Command(BaseCommand):
    help = (
        "Lataa maakunnat, hyvinvointialueet ja kunnat CSV-tiedostosta (oletus: vuoden 2026 kunnat)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CSV))

    def handle(self, *args, path, **options):
        # Messages to the operator are in the site's language, whatever a caller had active.
        with translation.override(settings.LANGUAGE_CODE):
            self._load(path)

    def _load(self, path):
        try:
            result = load(path)
        except PlacesFileError as exc:
            raise CommandError(
                "Kuntia ei ladattu, mitään ei muutettu:\n" + "\n".join(exc.errors)
            ) from exc
        self.stdout.write(
            f"Kunnat: {result.municipalities} ({result.created} uutta, {result.updated} päivitetty, "
            f"{result.unchanged} ennallaan); maakuntia {result.regions}, "
            f"hyvinvointialueita {result.counties}."
        )
