from django.core.management.base import BaseCommand

from silta.associations.import_jobs import purge_old_files
from silta.associations.models import ImportJob


class Command(BaseCommand):
    help = (
        f"Poistaa yli {ImportJob.FILE_KEPT_DAYS} päivää vanhat tuontitiedostot ja niiden "
        "esikatselurivit (ne sisältävät yhteystietoja). Ajasta päivittäin."
    )

    def handle(self, *args, **options):
        removed = purge_old_files()
        self.stdout.write(f"Poistettu {removed} vanhan tuonnin tiedostot.")
