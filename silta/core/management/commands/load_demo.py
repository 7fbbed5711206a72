import importlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from silta.core import demo
from silta.places.loader import PlacesFileError
from silta.places.loader import load as load_places
from silta.places.models import Municipality

# What was created, as (one, many): Finnish counts take the partitive singular.
CREATED = {
    "organisations": ("koordinoiva organisaatio", "koordinoivaa organisaatiota"),
    "associations": ("yhdistys", "yhdistystä"),
    "contacts": ("yhteyshenkilö", "yhteyshenkilöä"),
    "people": ("henkilö", "henkilöä"),
    "role:administrator": ("ylläpitäjän rooli", "ylläpitäjän roolia"),
    "role:coordinator": ("koordinaattorin rooli", "koordinaattorin roolia"),
    "role:liaison": ("järjestöyhdyshenkilön rooli", "järjestöyhdyshenkilön roolia"),
    "role:agent": ("yhdistysagentin rooli", "yhdistysagentin roolia"),
    "role:association_member": ("yhdistystoimijan rooli", "yhdistystoimijan roolia"),
}

FEATURE_DEMOS = ["silta.associations", "silta.events", "silta.surveys"]


class Command(BaseCommand):
    help = (
        "Lataa kuvitteellisen esittelyaineiston Pohjois-Pohjanmaalle (maakunta 17): "
        "koordinoiva organisaatio, järjestöyhdyshenkilöt, yhdistysagentit, yhdistykset ja "
        "esittelytunnukset. Voidaan ajaa uudelleen: mitään ei luoda kahdesti."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Lataa aineisto, vaikka DEMO_MODE ei ole päällä (älä käytä tuotannossa).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEMO_MODE and not force:
            raise CommandError(
                "Esittelyaineistoa ei ladattu, koska esittelytila ei ole päällä "
                "(DEMO_MODE=false). Aineisto on kuvitteellista ja tarkoitettu vain esittely- ja "
                "kehityskäyttöön. Jos haluat silti ladata sen, aja komento valitsimella --force."
            )
        started = time.monotonic()
        if not Municipality.objects.exists():
            try:
                places = load_places()
            except PlacesFileError as exc:
                raise CommandError("Kuntia ei voitu ladata:\n" + "\n".join(exc.errors)) from exc
            self.stdout.write(f"Kunnat ladattu: {places.municipalities} kuntaa.")
        try:
            result = demo.load()
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc

        created = [
            f"{n} {forms[0] if n == 1 else forms[1]}"
            for key, forms in CREATED.items()
            if (n := result.created.get(key))
        ]
        t = result.totals
        self.stdout.write(
            f"Esittelyaineisto valmis ({time.monotonic() - started:.1f} s). "
            + ("Luotiin: " + ", ".join(created) + "." if created else "Mitään uutta ei luotu.")
        )
        self.stdout.write(
            f"{demo.ORGANISATION}: {t['municipalities']} kuntaa; järjestöyhdyshenkilö "
            f"{t['liaison_municipalities']} kunnassa; {t['agents']} yhdistysagenttia "
            f"{t['agent_municipalities']} kunnassa; {t['associations']} yhdistystä "
            f"(joista {t['dormant']} tauolla); {t['people']} henkilöä."
        )
        # Later capabilities add their own demo data: silta/<app>/demo.py with load(stdout).
        for app in FEATURE_DEMOS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.load(self.stdout)
        self.stdout.write("")
        self.stdout.write(
            f"Esittelytunnukset (salasana {demo.PASSWORD}, tai kirjautumiskoodi sähköpostiin):"
        )
        width = max(len(login.email) for login in demo.LOGINS)
        for login in demo.LOGINS:
            self.stdout.write(f"  {login.email:<{width}}  {login.full_name:<18}  {login.label}")
