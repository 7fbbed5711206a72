"""Demo activities for the directory (called by `manage.py load_demo` after silta.core.demo).

Every demo association gets believable activities by its kind (a village association's
coffee mornings at the village hall, a pensioners' club, a family café, choir practice),
and a few named ones the issue's search examples rely on: "Kuoro kylätalolla" on Tuesdays
18–20, "Eläkeläisten kerho", "Perhekahvila", and the associations "Oulun Urheiluseura ry"
and "Linnakankaan Kylätalo ry", which the generated demo does not have.

Idempotent: an activity is created only when its association has none of that name; the
two extra associations only when missing. Variation comes from a hash of the association's
name, so every run plans the same.
"""

import zlib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from silta.core import audit
from silta.core.demo import REGION_CODE
from silta.core.models import AuditLogEntry
from silta.places.models import Municipality

from . import services
from .models import Activity, Association, TargetGroup, Theme


@dataclass(frozen=True)
class Plan:
    name_fi: str
    weekday: int | None = None  # recurring when set
    start: tuple = (18, 0)
    end: tuple | None = (20, 0)
    place: str = ""
    about: str = ""
    note: str = ""
    free: bool = True
    price: str = ""
    groups: tuple = ()
    languages: tuple = ("fi",)
    in_days: int = 0  # one-off: days from the load
    name_sv: str = ""
    name_en: str = ""
    registration: bool = False


# name fragment of the association → its activities. {p} is the association's place
# (the genitive the name starts with).
KINDS = [
    (
        "Kyläyhdistys",
        [
            Plan(
                "Kyläkahvit kylätalolla",
                weekday=3,
                start=(10, 0),
                end=(12, 0),
                place="{p} kylätalo",
                about="Kahvia, pullaa ja kylän kuulumiset. Kaikki kyläläiset tervetulleita.",
                groups=("everyone", "seniors"),
                name_en="Village coffee at the village hall",
            ),
            Plan(
                "Kyläilta",
                in_days=40,
                start=(14, 0),
                end=(18, 0),
                place="{p} kylätalo",
                about="Arpajaiset, lasten leikkejä, kahvio ja nuorisoseuran näytelmä.",
                groups=("everyone",),
            ),
        ],
    ),
    (
        "kylätoimikunta",
        [
            Plan(
                "Kylätalkoot",
                in_days=20,
                start=(10, 0),
                end=(14, 0),
                place="{p} uimaranta",
                about="Siivotaan uimaranta ja laitetaan laituri kesäkuntoon. Talkookeitto tarjolla.",
                groups=("everyone",),
            )
        ],
    ),
    (
        "Eläk",
        [
            Plan(
                "Eläkeläisten kerho",
                weekday=2,
                start=(13, 0),
                end=(15, 0),
                place="{p} seurakuntatalo",
                about="Kahvittelua, esitelmiä, laulua ja bingoa. Uudet jäsenet tervetulleita.",
                groups=("seniors",),
                name_sv="Pensionärsklubben",
                name_en="Pensioners' club",
            ),
            Plan(
                "Tuolijumppa",
                weekday=0,
                start=(10, 0),
                end=(11, 0),
                place="{p} palvelutalon sali",
                about="Rauhallista liikuntaa istuen, ohjaajana seuran oma liikuntavastaava.",
                groups=("seniors",),
            ),
        ],
    ),
    (
        "Urheil",
        [
            Plan(
                "Junioreiden harjoitukset",
                weekday=1,
                start=(17, 30),
                end=(19, 0),
                place="{p} koulun liikuntasali",
                about="Pallopelejä ja yleisurheilua 7–12-vuotiaille. Kokeile kahdesti maksutta.",
                free=False,
                price="Kausimaksu 60 €",
                groups=("children",),
                registration=True,
            ),
            Plan(
                "Aikuisten kuntosalivuoro",
                weekday=3,
                start=(19, 0),
                end=(20, 30),
                place="{p} kuntosali",
                groups=("adults",),
                free=False,
                price="5 € / kerta",
            ),
        ],
    ),
    (
        "Palloseura",
        [
            Plan(
                "Futsal-harrastevuoro",
                weekday=4,
                start=(18, 0),
                end=(19, 30),
                place="{p} liikuntahalli",
                about="Rento futsalvuoro aikuisille, taso ei ratkaise.",
                groups=("adults",),
            )
        ],
    ),
    (
        "Hiihtoseura",
        [
            Plan(
                "Lasten hiihtokoulu",
                weekday=5,
                start=(10, 0),
                end=(11, 30),
                place="{p} valaistu latu",
                note="tammi–maaliskuussa",
                about="Hiihdon alkeet leikin kautta 4–10-vuotiaille.",
                groups=("children",),
                free=False,
                price="25 € / kausi",
                registration=True,
            )
        ],
    ),
    (
        "Marttayhdistys",
        [
            Plan(
                "Marttailta",
                weekday=0,
                start=(18, 0),
                end=(20, 0),
                place="{p} koulun kotitalousluokka",
                note="kuukauden ensimmäinen maanantai",
                about="Kokkaillaan yhdessä kauden raaka-aineista.",
                groups=("adults", "families"),
            )
        ],
    ),
    (
        "Partiolaiset",
        [
            Plan(
                "Sudenpentujen kokous",
                weekday=2,
                start=(17, 30),
                end=(19, 0),
                place="{p} kolo",
                about="Partiota 7–9-vuotiaille: retkeilyä, leikkejä ja taitoja.",
                groups=("children",),
            )
        ],
    ),
    (
        "MLL",
        [
            Plan(
                "Perhekahvila",
                weekday=4,
                start=(9, 30),
                end=(11, 30),
                place="{p} perhetalo",
                about="Vanhemmille ja pienille lapsille: leikkiä, kahvia ja vertaistukea.",
                groups=("families", "children"),
                name_sv="Familjecafé",
                name_en="Family café",
            )
        ],
    ),
    (
        "perhekerho",
        [
            Plan(
                "Perhekahvila",
                weekday=1,
                start=(9, 30),
                end=(11, 0),
                place="{p} seurakuntakoti",
                about="Avoin kohtaamispaikka vauvoille, taaperoille ja heidän aikuisilleen.",
                groups=("families",),
            )
        ],
    ),
    (
        "kuoro",
        [
            Plan(
                "Kuoroharjoitukset",
                weekday=0,
                start=(18, 30),
                end=(20, 30),
                place="{p} musiikkiopisto",
                about="Uusia laulajia otetaan syksyisin, erityisesti tenoreita.",
                groups=("adults",),
            )
        ],
    ),
    (
        "Mieslaulajat",
        [
            Plan(
                "Mieskuoron harjoitukset",
                weekday=1,
                start=(18, 0),
                end=(20, 0),
                place="{p} kirkko",
                groups=("adults",),
            )
        ],
    ),
    (
        "Kotiseutuyhdistys",
        [
            Plan(
                "Kotiseutumuseo avoinna",
                weekday=6,
                start=(12, 0),
                end=(15, 0),
                place="{p} kotiseutumuseo",
                note="kesä–elokuussa",
                about="Opastetut kierrokset museon pihapiirissä.",
                groups=("everyone",),
            )
        ],
    ),
    (
        "VPK",
        [
            Plan(
                "Nuoriso-osaston harjoitukset",
                weekday=1,
                start=(18, 0),
                end=(19, 30),
                place="{p} paloasema",
                about="Alkusammutusta, ensiapua ja letkujuoksua 10–16-vuotiaille.",
                groups=("youth",),
            )
        ],
    ),
    (
        "Nuorisoseura",
        [
            Plan(
                "Nuorten teatterikerho",
                weekday=3,
                start=(17, 0),
                end=(18, 30),
                place="{p} nuorisoseurantalo",
                groups=("youth",),
            )
        ],
    ),
    (
        "Kalastusseura",
        [
            Plan(
                "Kalastuskurssi lapsille",
                in_days=60,
                start=(10, 0),
                end=(13, 0),
                place="{p} venevalkama",
                about="Opetellaan solmut, syötit ja turvallinen liikkuminen vesillä. Välineet lainaksi.",
                groups=("children",),
                free=False,
                price="5 €",
            )
        ],
    ),
    (
        "Sydänyhdistys",
        [
            Plan(
                "Kävelyryhmä",
                weekday=1,
                start=(10, 0),
                end=(11, 0),
                place="{p} terveysaseman parkkipaikka",
                groups=("adults", "seniors"),
            )
        ],
    ),
    (
        "Monikulttuurinen",
        [
            Plan(
                "Kielikahvila",
                weekday=2,
                start=(17, 0),
                end=(19, 0),
                place="{p} kirjasto",
                about="Harjoitellaan suomea rennosti kahvikupin ääressä.",
                groups=("immigrants", "everyone"),
                languages=("fi", "en", "ar"),
                name_en="Language café",
            )
        ],
    ),
    (
        "Ruotsinkieli",
        [
            Plan(
                "Ruotsinkielinen kohtaamispaikka",
                weekday=3,
                start=(14, 0),
                end=(16, 0),
                place="{p} kirjasto",
                name_sv="Svensk träffpunkt",
                groups=("everyone",),
                languages=("sv",),
            )
        ],
    ),
]

# The names the search examples need, with what the generated demo lacks.
EXTRA_ASSOCIATIONS = [
    (
        "564",
        "Oulun Urheiluseura ry",
        "Yleisurheilua, salibandya ja kuntoliikuntaa kaikenikäisille oululaisille.",
        "sport",
        "urheiluseura",
    ),
    (
        "244",
        "Linnakankaan Kylätalo ry",
        "Ylläpidämme Linnakankaan kylätaloa, jota kyläläiset ja yhdistykset voivat vuokrata.",
        "village",
        "kylatalo.linnakangas",
    ),
]
# (municipality, association, plan): the named activities of the examples.
NAMED = [
    (
        "244",
        "Kempeleen Kyläyhdistys ry",
        Plan(
            "Kuoro kylätalolla",
            weekday=1,
            start=(18, 0),
            end=(20, 0),
            place="Kempeleen kylätalo",
            about="Kylän sekakuoro harjoittelee tiistaisin. Nuotteja ei tarvitse osata.",
            groups=("adults", "seniors"),
            name_en="Choir at the village hall",
        ),
    ),
    (
        "244",
        "Linnakankaan Kylätalo ry",
        Plan(
            "Kylätalon avoimet ovet",
            in_days=14,
            start=(12, 0),
            end=(16, 0),
            place="Linnakankaan kylätalo",
            about="Tutustu kylätaloon ja sen vuokraukseen. Kahvitarjoilu.",
            groups=("everyone",),
        ),
    ),
    (
        "564",
        "Oulun Urheiluseura ry",
        Plan(
            "Sählyvuoro",
            weekday=3,
            start=(18, 0),
            end=(19, 30),
            place="Raksilan liikuntahalli",
            groups=("adults",),
            free=False,
            price="4 € / kerta",
        ),
    ),
    (
        "564",
        "Oulun Eläkkeensaajat ry",
        Plan(
            "Eläkeläisten kerho",
            weekday=2,
            start=(13, 0),
            end=(15, 0),
            place="Oulun seurakuntatalo",
            about="Kahvittelua, esitelmiä ja yhteislaulua joka keskiviikko.",
            groups=("seniors",),
        ),
    ),
]


@dataclass
class Loaded:
    created: int = 0
    associations: int = 0
    names: list = field(default_factory=list)


def _place(association: Association) -> str:
    words = association.name_fi.split()
    return words[1] if words[0] == "MLL:n" and len(words) > 1 else words[0]


def _activity(association, plan: Plan, now) -> Activity:
    place = plan.place.format(p=_place(association))
    # The same association gets the same weekday every run; different ones differ a little.
    shift = zlib.crc32(association.name_fi.encode()) % 3
    a = Activity(
        association=association,
        municipality_id=association.municipality_id,
        name_fi=plan.name_fi,
        name_sv=plan.name_sv,
        name_en=plan.name_en,
        description_fi=plan.about,
        place_name=place,
        is_free=plan.free,
        price=plan.price,
        languages=list(plan.languages),
        schedule_note=plan.note,
        registration_url=f"https://{association.pk}.ilmoittaudu.example/"
        if plan.registration
        else "",
    )
    if plan.weekday is not None:
        a.kind = Activity.Kind.RECURRING
        a.weekday = plan.weekday
        if "{p}" in plan.place and plan.weekday < 5:
            a.weekday = (plan.weekday + shift) % 5
        a.start_time = time(*plan.start)
        a.end_time = time(*plan.end) if plan.end else None
    else:
        a.kind = Activity.Kind.ONE_OFF
        day = timezone.localdate(now) + timedelta(days=plan.in_days + shift * 7)
        tz = timezone.get_current_timezone()
        a.starts_at = datetime.combine(day, time(*plan.start), tzinfo=tz)
        a.ends_at = datetime.combine(day, time(*plan.end), tzinfo=tz) if plan.end else None
    services.index_activity(a)
    return a


def _extra_associations(municipalities: dict, result: Loaded) -> None:
    themes = {t.slug: t for t in Theme.objects.filter(slug__in=[e[3] for e in EXTRA_ASSOCIATIONS])}
    for code, name, about, theme, local in EXTRA_ASSOCIATIONS:
        m = municipalities.get(code)
        if m is None or Association.objects.filter(municipality=m, name_fi=name).exists():
            continue
        a = services.create_association(
            None, municipality=m, name_fi=name, email=f"{local}@demo.silta.example"
        )
        services.update_association(
            None, a, short_description_fi=about, confirmed_at=timezone.now() - timedelta(days=40)
        )
        if theme in themes:
            a.themes.add(themes[theme])
        result.associations += 1


def load(stdout=None) -> Loaded:
    result = Loaded()
    municipalities = {m.code: m for m in Municipality.objects.filter(region__code=REGION_CODE)}
    if not municipalities:
        return result
    now = timezone.now()
    with transaction.atomic():
        _extra_associations(municipalities, result)
        associations = list(
            Association.objects.filter(municipality__in=municipalities.values())
            .public()
            .order_by("pk")
        )
        have = set(
            Activity.objects.filter(association__in=associations).values_list(
                "association_id", "name_fi"
            )
        )
        by_name = {(a.municipality_id, a.name_fi): a for a in associations}
        wanted: list[tuple[Association, Plan]] = []
        for a in associations:
            for fragment, plans in KINDS:
                if fragment in a.name_fi:
                    wanted += [(a, p) for p in plans]
                    break
        for code, name, plan in NAMED:
            m = municipalities.get(code)
            a = by_name.get((m.pk, name)) if m else None
            if a is not None:
                wanted.append((a, plan))
        new = []
        for a, plan in wanted:
            key = (a.pk, plan.name_fi)
            if key in have:
                continue
            have.add(key)
            new.append((plan, _activity(a, plan, now)))
        Activity.objects.bulk_create([act for _plan, act in new])
        groups = dict(TargetGroup.objects.values_list("slug", "pk"))
        Activity.target_groups.through.objects.bulk_create(
            [
                Activity.target_groups.through(activity_id=act.pk, targetgroup_id=groups[slug])
                for plan, act in new
                for slug in plan.groups
                if slug in groups
            ]
        )
        result.created = len(new)
        if new:
            audit.record(
                None,
                AuditLogEntry.Action.CREATE,
                new[0][1],
                note=f"Esittelyaineisto: {len(new)} toimintaa yhdistyksille",
            )
    if stdout is not None:
        total = Activity.objects.filter(municipality__region__code=REGION_CODE).count()
        parts = []
        if result.associations:
            parts.append(f"{result.associations} yhdistystä")
        if result.created:
            parts.append(f"{result.created} toimintaa")
        stdout.write(
            "Yhdistysten toiminta: "
            + (("luotiin " + ", ".join(parts)) if parts else "mitään uutta ei luotu")
            + f"; toimintaa yhteensä {total}."
        )
    return result
