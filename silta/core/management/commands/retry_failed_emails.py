from django.core.management.base import BaseCommand

from silta.core.mail import retry_failed


class Command(BaseCommand):
    help = "Lähettää uudelleen sähköpostit, joiden lähetys epäonnistui (ajastetaan esim. 10 min välein)."

    def handle(self, *args, **options):
        count = retry_failed()
        self.stdout.write(f"Uudelleen jonoon: {count} viestiä.")
