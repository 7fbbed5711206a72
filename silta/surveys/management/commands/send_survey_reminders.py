from django.core.management.base import BaseCommand

from silta.surveys.services import deliver_reminders


class Command(BaseCommand):
    help = (
        "Lähettää muistutuksen avoimien kyselyjen vastaamattomille kutsutuille. Kukaan ei saa "
        "Siltasta kahta kyselyviestiä samana päivänä. Ajastetaan kerran päivässä."
    )

    def handle(self, *args, **options):
        sent = deliver_reminders()
        self.stdout.write(f"Muistutuksia lähetetty: {sent}.")
