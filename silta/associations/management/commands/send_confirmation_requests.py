from django.core.management.base import BaseCommand

from silta.associations.services import send_confirmation_requests


class Command(BaseCommand):
    help = (
        "Lähettää vuosittaisen vahvistuspyynnön yhdistyksille, joiden tietoja ei ole vahvistettu "
        "vuoden sisällä. Ajetaan päivittäin; samalle yhdistykselle ei lähetetä pyyntöä kahdesti "
        "saman vuoden aikana."
    )

    def handle(self, *args, **options):
        sent, skipped = send_confirmation_requests()
        self.stdout.write(
            f"Vahvistuspyyntöjä lähetetty: {sent}. Ilman sähköpostiosoitetta: {skipped}."
        )
