from django.core.management.base import BaseCommand

from silta.events import services


class Command(BaseCommand):
    help = (
        "Poistaa ilmoittautumiset, joiden säilytysaika (ilmoittautumisen yhteydessä luvattu "
        "päivä) on kulunut. Ajetaan kerran päivässä."
    )

    def handle(self, *args, **options):
        erased = services.erase_expired()
        self.stdout.write(f"Poistettiin {erased} ilmoittautumista.")
