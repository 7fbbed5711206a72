from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from silta.accounts.models import User
from silta.associations import importing
from silta.places.models import Municipality


class Command(BaseCommand):
    help = (
        "Tuo yhdistyksiä kunnan rekisteriin CSV- tai XLSX-tiedostosta. Tulostaa ensin "
        "suunnitelman (uudet, muuttuvat, ennallaan ja virheelliset rivit) ja tallentaa sitten, "
        "ellei valitsinta --dry-run ole annettu. Sarakkeet: docs/import.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV- tai XLSX-tiedosto")
        parser.add_argument("--municipality", required=True, help="kuntanumero, esim. 564")
        parser.add_argument(
            "--dry-run", action="store_true", help="näytä suunnitelma, älä tallenna mitään"
        )
        parser.add_argument("--actor", help="tuojan sähköpostiosoite (audit-lokiin)")

    def handle(self, *args, file, municipality, dry_run=False, actor=None, **options):
        translation.activate("fi")
        code = (municipality or "").strip()
        place = None
        if code.isascii() and code.isdigit() and len(code) <= 3:
            place = Municipality.objects.filter(code=code.zfill(3)).first()
        if place is None:
            raise CommandError(f"Kuntaa numerolla {code[:10]!r} ei löydy.")
        user = None
        if actor:
            user = User.objects.filter(email__iexact=actor.strip()).first()
            if user is None:
                raise CommandError(f"Käyttäjää {actor!r} ei löydy.")
        try:
            with open(file, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise CommandError(f"Tiedostoa {file} ei voitu lukea: {exc.strerror}.") from exc
        try:
            table = importing.read_table(data, file)
        except importing.ImportFileError as exc:
            raise CommandError(f"Tiedostoa {file} ei voitu tuoda: {exc}") from exc
        plan = importing.build_plan(table, place)
        self._print_plan(plan, place)
        if dry_run:
            self.stdout.write("Koeajo (--dry-run): mitään ei tallennettu.")
            return
        if not (plan["counts"]["create"] or plan["counts"]["update"]):
            self.stdout.write("Ei tallennettavaa.")
            return
        outcome = importing.apply_plan(plan, place, user, note=f"tuonti {file}"[:300])
        self.stdout.write(
            self.style.SUCCESS(
                f"Tallennettu: {len(outcome['created'])} lisätty, "
                f"{len(outcome['updated'])} päivitetty, "
                f"{len(outcome['unchanged'])} jo ennallaan, "
                f"{len(outcome['failed'])} epäonnistui."
            )
        )
        for item in outcome["failed"]:
            self.stderr.write(f"  rivi {item['row']} ({item['name']}): {item['message']}")
        if outcome["failed"]:
            raise CommandError("Osa riveistä jäi tallentamatta; katso yllä.")

    def _print_plan(self, plan, place):
        c = plan["counts"]
        self.stdout.write(f"Tuonti kuntaan {place.code} {place.name_fi}:")
        self.stdout.write(
            f"  {c['create']} uutta, {c['update']} muuttuvaa, "
            f"{c['skip'] - c['empty']} ennallaan, {c['error']} virheellistä riviä"
            + (f", {c['empty']} tyhjää riviä" if c["empty"] else "")
        )
        for notice in plan["notices"]:
            self.stdout.write(f"  Huom: {notice}")
        for row in plan["rows"]:
            if row["action"] == "create":
                self.stdout.write(f"  rivi {row['row']}: uusi – {row['name']}")
            elif row["action"] == "update":
                changed = ", ".join(
                    f"{importing.FIELD_LABELS.get(ch['field'], ch['field'])}: "
                    f"{_short(ch['old'])} → {_short(ch['new'])}"
                    for ch in row["changes"]
                )
                self.stdout.write(f"  rivi {row['row']}: muuttuu – {row['name']} ({changed})")
            elif row["action"] == "error":
                for e in row["errors"]:
                    where = f"sarake {e['column']}: " if e["column"] else ""
                    self.stdout.write(f"  rivi {row['row']}: VIRHE – {where}{e['message']}")


def _short(value) -> str:
    if isinstance(value, list):
        value = ", ".join(value)
    value = str(value or "–")
    return value if len(value) <= 60 else value[:59] + "…"
