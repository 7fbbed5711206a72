"""National-scale made-up directory data for benchmarks: 308 municipalities, by default
100 000 associations and 300 000 activities, with believable Finnish names.

Generated rows are marked so that they can be found and removed without touching real or
demo data: every generated association has a seven-digit register number starting with 8
(real numbers are far below a million; the demo uses 9xxxxxx) and every address is on the
reserved domain kansallinen.silta.example. `--reset` deletes exactly those associations,
and with them their activities, contacts and links.

Rows are written with bulk_create in batches, streaming, so memory stays flat; the search
documents are filled exactly as services.index() fills them (search.document() over the
same fields), memoised per distinct text.
"""

import random
import time
from datetime import time as clock
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction
from django.utils import timezone

from silta.associations import search
from silta.associations.models import Activity, Association, ContactPerson, TargetGroup, Theme
from silta.places.loader import PlacesFileError
from silta.places.loader import load as load_places
from silta.places.models import Municipality

from ._national_data import (
    FIRST_NAMES,
    KINDS,
    LAST_NAMES,
    PLACES,
    POPULATION,
    ROLES,
    VILLAGE_END,
    VILLAGE_FIRST,
    VILLAGES_PER_MUNICIPALITY,
    genitive,
)

DOMAIN = "kansallinen.silta.example"
MARKER_REGEX = r"^8[0-9]{6}$"  # register_number of a generated association
FIRST_NUMBER = 8_000_000
BATCH = 2000


@lru_cache(maxsize=100_000)
def document(*texts: str) -> str:
    """search.document(), memoised per distinct combination of texts."""
    return search.document(*texts)


def weights(municipalities, rng) -> list[float]:
    return [POPULATION.get(m.code) or rng.uniform(1.0, 12.0) for m in municipalities]


def shares(total: int, ws: list[float]) -> list[int]:
    """`total` split in proportion to `ws`, summing exactly to `total` (largest remainder)."""
    s = sum(ws)
    raw = [total * w / s for w in ws]
    counts = [int(r) for r in raw]
    order = sorted(range(len(ws)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def generated():
    """Associations made by this command."""
    return Association.objects.filter(register_number__regex=MARKER_REGEX)


class Generator:
    def __init__(self, n_associations, n_activities, seed, stdout=None):
        self.n_associations = n_associations
        self.n_activities = n_activities
        self.rng = random.Random(seed)
        self.stdout = stdout
        self.now = timezone.now()
        self.themes = dict(Theme.objects.values_list("slug", "pk"))
        self.groups = dict(TargetGroup.objects.values_list("slug", "pk"))
        self.municipalities = list(Municipality.objects.order_by("code"))
        self.region_of = {}
        for m in self.municipalities:
            self.region_of.setdefault(m.region_id, []).append(m)
        self.made = {"associations": 0, "activities": 0, "contacts": 0}
        self.number = FIRST_NUMBER  # the command refuses to run when generated rows exist
        ratio = n_activities / n_associations if n_associations else 0
        self.most_activities = max(8, round(2 * ratio) + 2)

    def villages(self, m) -> list[tuple[str, str]]:
        rng = random.Random(f"{m.code}-villages")
        picked = set()
        while len(picked) < VILLAGES_PER_MUNICIPALITY:
            picked.add((rng.choice(VILLAGE_FIRST), rng.choice(VILLAGE_END)))
        return [(first + n, first + g) for first, (n, g) in sorted(picked)]

    def plan(self):
        """Yields (municipality, kind, name parts) for every association, municipality by
        municipality, without holding them all."""
        counts = shares(self.n_associations, weights(self.municipalities, self.rng))
        for m, count in zip(self.municipalities, counts, strict=True):
            villages = self.villages(m)
            m_gen = genitive(m.name_fi)
            for _i in range(count):
                kind = self.rng.choice(KINDS)
                use_village = "v" in kind["where"] and (
                    kind["where"] == "v" or self.rng.random() < 0.6
                )
                village = self.rng.choice(villages)
                yield m, kind, (village if use_village else (m.name_fi, m_gen)), village, m_gen

    def run(self):
        batch = []
        done_activities = 0
        for i, planned in enumerate(self.plan()):
            batch.append(planned)
            if len(batch) >= BATCH:
                done_activities = self.write(batch, i + 1, done_activities)
                batch = []
        if batch:
            self.write(batch, self.n_associations, done_activities)
        return self.made

    def activity_count(self, index: int, done: int, last: bool) -> int:
        """About n_activities / n_associations each, varied, summing exactly."""
        if last:
            return self.n_activities - done
        expected = round(self.n_activities * (index + 1) / self.n_associations)
        wanted = expected - done + self.rng.randint(-2, 2)
        return max(0, min(self.most_activities, wanted, self.n_activities - done))

    @transaction.atomic
    def write(self, batch, end_index, done_activities):
        rng = self.rng
        associations = []
        for m, kind, (_place, place_gen), _village, _m_gen in batch:
            name_fi = f"{place_gen} {rng.choice(kind['names'])}"
            name_sv = ""
            if kind["sv"] and m.language_status != "fi" and rng.random() < 0.7:
                name_sv = kind["sv"].format(n=m.name_sv or m.name_fi)
            short = rng.choice(kind["short"])
            long = " ".join(rng.sample(kind["long"], k=min(2, len(kind["long"]))))
            roll = rng.random()
            status = "active" if roll < 0.9 else "dormant" if roll < 0.97 else "dissolved"
            a = Association(
                municipality=m,
                name_fi=name_fi,
                name_sv=name_sv,
                short_description_fi=short,
                description_fi=long,
                register_number=str(self.number),
                email=f"yhdistys{self.number}@{DOMAIN}" if rng.random() < 0.8 else "",
                phone=f"040 {rng.randint(1000000, 9999999)}" if rng.random() < 0.4 else "",
                status=status,
                languages=["sv", "fi"] if m.language_status.startswith("sv") else ["fi"],
                confirmed_at=self.now - timedelta(days=rng.randint(5, 900))
                if rng.random() < 0.85
                else None,
            )
            self.number += 1
            # Exactly what services.index() does.
            a.search_name = document(a.name_fi, a.name_sv, a.name_en)
            a.search_text = document(
                a.short_description_fi,
                a.short_description_sv,
                a.short_description_en,
                a.description_fi,
                a.description_sv,
                a.description_en,
            )
            associations.append(a)
        Association.objects.bulk_create(associations, batch_size=500)

        theme_links, group_links, acting, contacts, activities = [], [], [], [], []
        start_index = end_index - len(batch)
        for offset, (a, (m, kind, _place, village, m_gen)) in enumerate(
            zip(associations, batch, strict=True)
        ):
            for slug in kind["themes"]:
                theme_links.append(
                    Association.themes.through(association_id=a.pk, theme_id=self.themes[slug])
                )
            for slug in rng.sample(kind["groups"], k=rng.randint(1, len(kind["groups"]))):
                group_links.append(
                    Association.target_groups.through(
                        association_id=a.pk, targetgroup_id=self.groups[slug]
                    )
                )
            if rng.random() < 0.05:
                other = rng.choice(self.region_of[m.region_id])
                if other.pk != m.pk:
                    acting.append(
                        Association.municipalities.through(
                            association_id=a.pk, municipality_id=other.pk
                        )
                    )
            contacts.extend(self.contacts(a))
            index = start_index + offset
            last = index == self.n_associations - 1
            n = self.activity_count(index, done_activities, last)
            done_activities += n
            activities.extend(self.activities(a, m, kind, village, m_gen, n))
        Association.themes.through.objects.bulk_create(theme_links, batch_size=1000)
        Association.target_groups.through.objects.bulk_create(group_links, batch_size=1000)
        Association.municipalities.through.objects.bulk_create(acting, batch_size=1000)
        ContactPerson.objects.bulk_create(contacts, batch_size=500)
        Activity.objects.bulk_create(activities, batch_size=500)
        self.made["associations"] += len(associations)
        self.made["contacts"] += len(contacts)
        self.made["activities"] += len(activities)
        reset_queries()  # with DEBUG on, the logged bulk inserts would pile up in memory
        if self.stdout is not None and self.made["associations"] % 20_000 < BATCH:
            self.stdout.write(f"  {self.made['associations']} yhdistystä…")
        return done_activities

    def contacts(self, a):
        rng = self.rng
        for order in range(rng.choice([0, 1, 1, 2])):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            consent = rng.random() < 0.5
            withdrawn = consent and rng.random() < 0.05
            given = self.now - timedelta(days=rng.randint(10, 700))
            yield ContactPerson(
                association=a,
                name=f"{first} {last}",
                role=ROLES[order] if order < 2 else "contact",
                email=f"{first}.{last}.{a.register_number}@{DOMAIN}".lower(),
                phone=f"050 {rng.randint(1000000, 9999999)}" if rng.random() < 0.6 else "",
                consent_given_at=given if consent else None,
                consent_given_by=f"{first} {last}" if consent else "",
                consent_name=consent,
                consent_email=consent,
                consent_phone=consent and rng.random() < 0.5,
                consent_withdrawn_at=given + timedelta(days=5) if withdrawn else None,
                order=order,
            )

    def activities(self, a, m, kind, village, m_gen, n):
        rng = self.rng
        for _i in range(n):
            name, place_kind, weekdays, hour = rng.choice(kind["activities"])
            place = PLACES[place_kind].format(v=village[1], m=m_gen)
            activity = Activity(
                association=a,
                municipality=m,
                name_fi=name,
                description_fi=rng.choice(kind["short"]),
                place_name=place,
                address=f"{village[0]}ntie {rng.randint(1, 60)}",
                is_free=rng.random() < 0.7,
                languages=a.languages,
                is_published=rng.random() < 0.95,
            )
            if not activity.is_free:
                activity.price = f"{rng.choice([2, 5, 10, 20])} €"
            if weekdays is None:
                starts = self.now + timedelta(days=rng.randint(-60, 180), hours=rng.randint(0, 6))
                activity.kind = Activity.Kind.ONE_OFF
                activity.starts_at = starts
                activity.ends_at = starts + timedelta(hours=rng.choice([2, 3, 4]))
            else:
                activity.kind = Activity.Kind.RECURRING
                activity.weekday = rng.choice(weekdays)
                activity.start_time = clock(hour, rng.choice([0, 30]))
                activity.end_time = clock(
                    min(hour + rng.choice([1, 2]), 23), activity.start_time.minute
                )
            activity.search_name = document(activity.name_fi, activity.name_sv, activity.name_en)
            activity.search_text = document(
                activity.description_fi,
                activity.description_sv,
                activity.description_en,
                activity.place_name,
            )
            yield activity


def reset(stdout=None) -> int:
    """Deletes the generated associations and everything hanging on them, in batches."""
    removed = 0
    while True:
        ids = list(generated().order_by().values_list("pk", flat=True)[:BATCH])
        if not ids:
            return removed
        with transaction.atomic():
            Activity.target_groups.through.objects.filter(activity__association_id__in=ids).delete()
            Activity.objects.filter(association_id__in=ids).delete()
            Association.objects.filter(pk__in=ids).delete()
        removed += len(ids)
        if stdout is not None and removed % 20_000 < BATCH:
            stdout.write(f"  {removed} poistettu…")


class Command(BaseCommand):
    help = (
        "Luo kuvitteellisen valtakunnallisen aineiston suorituskykymittauksiin: kaikki 308 "
        "kuntaa, oletuksena 100 000 yhdistystä ja 300 000 toimintaa. Luodut yhdistykset "
        "tunnistaa 8:lla alkavasta seitsennumeroisesta rekisterinumerosta; --reset poistaa ne."
    )

    def add_arguments(self, parser):
        parser.add_argument("--associations", type=int, default=100_000)
        parser.add_argument("--activities", type=int, default=300_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Poista aiemmin luotu aineisto (ja vain se) ennen uuden luomista.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Aja, vaikka DEMO_MODE ei ole päällä (älä käytä tuotannossa).",
        )

    def handle(self, *args, associations, activities, seed, reset: bool, force, **options):
        if not settings.DEMO_MODE and not force:
            raise CommandError(
                "Aineistoa ei luotu, koska esittelytila ei ole päällä (DEMO_MODE=false). "
                "Aineisto on kuvitteellista ja tarkoitettu vain mittauksiin ja kehitykseen. "
                "Jos haluat silti luoda sen, aja komento valitsimella --force."
            )
        if associations < 0 or activities < 0:
            raise CommandError("Määrät eivät voi olla negatiivisia.")
        started = time.monotonic()
        if reset:
            removed = globals()["reset"](self.stdout)
            self.stdout.write(f"Poistettiin {removed} aiemmin luotua yhdistystä.")
        if not associations:  # --reset --associations 0 only removes
            return
        if generated().exists():
            self.stdout.write(
                "Aineisto on jo luotu; mitään ei muutettu. Luo uudelleen valitsimella --reset."
            )
            return
        if Municipality.objects.count() < 300:
            try:
                places = load_places()
            except PlacesFileError as exc:
                raise CommandError("Kuntia ei voitu ladata:\n" + "\n".join(exc.errors)) from exc
            self.stdout.write(f"Kunnat ladattu: {places.municipalities} kuntaa.")
        made = Generator(associations, activities, seed, self.stdout).run()
        self.stdout.write(
            f"Valmis ({time.monotonic() - started:.0f} s): {made['associations']} yhdistystä, "
            f"{made['activities']} toimintaa, {made['contacts']} yhteyshenkilöä."
        )
