"""Demo data: a believable, clearly fictional Pohjois-Pohjanmaa (region 17).

The 30 municipalities are real; every person, association, register number and address
in them is made up, and every email address is on the reserved domain demo.silta.example.

`plan()` is a pure function of a seeded random generator and the municipalities, so the
data are the same on every run; `load()` compares the plan with the database and creates
only what is missing, so running it again changes nothing. The demo logins and the roles
of liaisons and agents go through the account services (and so into the audit log); the
hundreds of generated associations and their members are written in bulk, with one audit
entry for the whole load.
"""

import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from silta.accounts import services as accounts
from silta.accounts.models import CoordinatingOrganisation, Membership, Role, User
from silta.associations.models import Association, ContactPerson, TargetGroup, Theme
from silta.associations.services import index
from silta.core import audit
from silta.core.models import AuditLogEntry
from silta.places.models import Municipality

SEED = 2026
DOMAIN = "demo.silta.example"
PASSWORD = "silta-demo-2026"
REGION_CODE = "17"
ORGANISATION = "Pohjois-Pohjanmaan järjestöverkosto (demo)"


class DemoError(Exception):
    """The demo cannot be loaded; the message says why, in Finnish."""


@dataclass(frozen=True)
class Login:
    email: str
    full_name: str
    role: str
    label: str
    municipality: str = ""  # code, for a liaison or an agent
    title: str = ""


OULU, KEMPELE = "564", "244"
DEMO_ASSOCIATION = "Oulun Kyläyhdistys ry"

LOGINS = [
    Login(f"yllapitaja@{DOMAIN}", "Pekka Ylitalo", Role.ADMINISTRATOR, "ylläpitäjä"),
    Login(
        f"koordinaattori@{DOMAIN}",
        "Anna-Kaisa Kivelä",
        Role.COORDINATOR,
        "koordinaattori",
        title="järjestöagentti, projektityöntekijä",
    ),
    Login(
        f"yhdyshenkilo.oulu@{DOMAIN}",
        "Sanna Pohjola",
        Role.LIAISON,
        "järjestöyhdyshenkilö, Oulu",
        OULU,
        "hyvinvointikoordinaattori",
    ),
    Login(
        f"yhdyshenkilo.kempele@{DOMAIN}",
        "Jari Kemppainen",
        Role.LIAISON,
        "järjestöyhdyshenkilö, Kempele",
        KEMPELE,
        "vapaa-ajanohjaaja",
    ),
    Login(
        f"agentti.oulu@{DOMAIN}",
        "Eeva Heikkinen",
        Role.AGENT,
        "yhdistysagentti, Oulu",
        OULU,
        "yhdistysagentti ja digitukihenkilö",
    ),
    Login(
        f"yhdistys.oulu@{DOMAIN}",
        "Matti Tervo",
        Role.ASSOCIATION_MEMBER,
        f"yhdistystoimija, {DEMO_ASSOCIATION}",
    ),
]
LOGIN_BY_ROLE = {login.role: login for login in LOGINS}

# code, genitive, approximate population in thousands (it only weighs how many associations
# are made up), then villages or districts as nominative:genitive.
_MUNICIPALITIES = """
009 Alavieskan 2.5
069 Haapajärven 6.9
071 Haapaveden 6.6
072 Hailuodon 1
139 Iin 9.9 Kuivaniemi:Kuivaniemen Olhava:Olhavan Jakkukylä:Jakkukylän Oijärvi:Oijärven
208 Kalajoen 12.5 Himanka:Himangan Rautio:Raution
244 Kempeleen 19.9 Linnakangas:Linnakankaan Kokkokangas:Kokkokankaan Ketunmaa:Ketunmaan
    Sarkkiranta:Sarkkirannan
305 Kuusamon 14.8 Ruka:Rukan Käylä:Käylän
317 Kärsämäen 2.4
425 Limingan 10.5 Tupos:Tupoksen Ala-Temmes:Ala-Temmeksen Rantakylä:Rantakylän
436 Lumijoen 2
483 Merijärven 1.1
494 Muhoksen 8.8 Laitasaari:Laitasaaren
535 Nivalan 10.6
563 Oulaisten 7.1 Piipsjärvi:Piipsjärven Matkaniva:Matkanivan
564 Oulun 216 Haukipudas:Haukiputaan Kiiminki:Kiimingin Oulunsalo:Oulunsalon Yli-Ii:Yli-Iin
    Ylikiiminki:Ylikiimingin Tuira:Tuiran Kaakkuri:Kaakkurin Pateniemi:Pateniemen
    Jääli:Jäälin Kello:Kellon Hiukkavaara:Hiukkavaaran Toppila:Toppilan
    Myllyoja:Myllyojan Maikkula:Maikkulan Kaukovainio:Kaukovainion
    Ritaharju:Ritaharjun Rajakylä:Rajakylän Höyhtyä:Höyhtyän Kastelli:Kastellin
    Karjasilta:Karjasillan
615 Pudasjärven 7.8 Sarakylä:Sarakylän Kipinä:Kipinän
625 Pyhäjoen 3
626 Pyhäjärven 5
630 Pyhännän 1.5
678 Raahen 24 Vihanti:Vihannin Pattijoki:Pattijoen Saloinen:Saloisten Lapaluoto:Lapaluodon
691 Reisjärven 2.7
746 Sievin 4.8
748 Siikajoen 5 Ruukki:Ruukin Paavola:Paavolan Revonlahti:Revonlahden
785 Vaalan 2.8 Jylhämä:Jylhämän
791 Siikalatvan 5 Kestilä:Kestilän Piippola:Piippolan Pulkkila:Pulkkilan Rantsila:Rantsilan
832 Taivalkosken 3.7
859 Tyrnävän 6.7 Temmes:Temmeksen Murto:Murron
889 Utajärven 2.7 Sanginkylä:Sanginkylän
977 Ylivieskan 15.1 Raudaskylä:Raudaskylän
"""


def _parse_municipalities(text: str) -> dict:
    result, code = {}, None
    for line in text.strip().splitlines():
        words = line.split()
        if not line.startswith(" "):
            code, genitive, population, *words = words
            result[code] = (genitive, float(population), [])
        result[code][2].extend(tuple(pair.split(":")) for pair in words)
    return result


MUNICIPALITIES = _parse_municipalities(_MUNICIPALITIES)

# Liaisons: Oulu and Kempele are demo logins; the rest are generated people. Not every
# municipality has one, so the coordinator's view shows where the work has not started.
LIAISON_TITLES = {
    "425": "kulttuurituottaja",
    "678": "sivistys- ja kulttuurijohtaja",
    "305": "kyläasiamies",
    "977": "nuorisotyöntekijä",
    "494": "hyvinvointikoordinaattori",
    "139": "sivistysjohtaja",
}
# Agents per municipality: 1–4 (seed 000). Oulu's include the demo agent.
AGENT_MUNICIPALITIES = [
    "564",
    "244",
    "425",
    "139",
    "678",
    "305",
    "615",
    "977",
    "208",
    "535",
    "071",
    "859",
]
OULU_AGENTS = 3


@dataclass(frozen=True)
class Kind:
    """A kind of association. {g} is the genitive of the place, {n} its name."""

    pattern: str
    places: str  # m: the municipality, v: its villages and districts, mv: both
    themes: tuple
    groups: tuple
    sv: str
    en: str
    about: str

    @property
    def registered(self) -> bool:
        return self.pattern.endswith(" ry")


# pattern | places | themes | target groups, then indented: the Swedish and English names
# when a share of them should have one, and the short description. Those ending in "ry"
# are registered associations; the rest are informal groups.
_KINDS = """
{g} Kyläyhdistys ry | mv | village | everyone
    sv: Byaföreningen i {n} rf
    en: {n} Village Association
    Kylän yhteinen yhdistys: kylätalo, talkoot ja yhteiset tapahtumat koko kylälle.
{g} kylätoimikunta | v | village | everyone
    Kyläläisten vapaamuotoinen toimikunta, joka pitää kylän asiat esillä kunnassa.
{g} Nuorisoseura ry | mv | youth culture | children youth
    Nuorisoseurantalolla teatteria, tanssia ja kerhoja lapsille ja nuorille.
{g} Urheilijat ry | mv | sport | everyone
    sv: Idrottsföreningen i {n} rf
    en: {n} Athletics Club
    Yleisurheilua, hiihtoa ja salibandya kaikenikäisille, kilpaillen tai kuntoillen.
{g} Urheiluseura ry | m | sport | children youth
    Junioreille ja aikuisille jalkapalloa, lentopalloa ja kuntoliikuntaa.
{g} Hiihtoseura ry | mv | sport | everyone
    Latujen kunnostusta, hiihtokoulu lapsille ja kuntohiihtotapahtumia.
{g} Palloseura ry | m | sport | children youth
    Jalkapallo- ja futsaljoukkueita tytöille ja pojille sekä harrastesarja aikuisille.
{g} Voimistelijat ry | m | sport | children adults
    Lasten telinevoimistelua, aikuisten jumppaa ja tanssillista liikuntaa.
{g} Ratsastusseura ry | m | sport | children youth
    Ratsastuskoulu, tallileirit ja seuran omat esteratsastuskilpailut.
{g} Eläkeläiset ry | mv | pensioners | seniors
    sv: Pensionärerna i {n} rf
    en: {n} Pensioners
    Kerhopäiviä, retkiä, kuntoliikuntaa ja tietoa ikäihmisten palveluista.
{g} Eläkkeensaajat ry | m | pensioners | seniors
    Kerhot, matkat, tanssit ja eläkkeensaajien edunvalvonta.
{g} Marttayhdistys ry | mv | education | families adults
    sv: Marthaföreningen i {n} rf
    en: {n} Martha Association
    Ruokakursseja, kodin taloutta ja yhdessä tekemistä kaikenikäisille.
{g} Metsästysseura ry | mv | nature-hunting | adults
    Riistanhoitoa, hirvenmetsästystä ja ampumaratatoimintaa.
{g} Kalastusseura ry | mv | nature-hunting | everyone
    Kalavesien hoitoa, pilkkikisat ja kalastuskurssit lapsille.
{g} Partiolaiset ry | mv | scouting | children youth
    Partiolippukunta: viikoittaiset kokoukset, retket ja leirit 7–22-vuotiaille.
MLL:n {g} yhdistys ry | mv | children-families | families children
    sv: MLL:s lokalförening i {n} rf
    en: Mannerheim League for Child Welfare, {n} branch
    Mannerheimin Lastensuojeluliiton paikallisyhdistys: perhekahvila, lastenhoitoapu ja
    tapahtumia lapsiperheille.
{g} perhekerho | mv | children-families | families
    Vanhempien ja pienten lasten kerho kerran viikossa: leikkiä, kahvia ja vertaistukea.
{g} Sekakuoro ry | m | culture | adults
    sv: Blandade kören i {n} rf
    en: {n} Mixed Choir
    Sekakuoro harjoittelee viikoittain ja konsertoi joulun ja kevään alla.
{g} Mieslaulajat ry | m | culture | adults
    Mieskuoro: harjoitukset, konsertit ja laulumatkat.
{g} kamarikuoro | m | culture | adults
    Pieni kamarikuoro, joka laulaa kirkoissa ja kylätaloilla.
{g} VPK ry | mv | other | everyone
    sv: Frivilliga brandkåren i {n} rf
    en: {n} Volunteer Fire Brigade
    Vapaaehtoinen palokunta: hälytysosasto, nuoriso-osasto ja ensiapukoulutusta.
{g} Sydänyhdistys ry | m | health-disability | adults seniors
    Kävelyryhmiä, luentoja ja vertaistukea sydänsairaille ja heidän läheisilleen.
{g} Kotiseutuyhdistys ry | mv | culture education | everyone
    sv: Hembygdsföreningen i {n} rf
    en: {n} Local Heritage Society
    Kotiseutumuseo, perinnetapahtumat ja paikallishistorian tallentaminen.
{g} 4H-yhdistys ry | m | youth | children youth
    Kerhoja, nuorten kesätöitä ja yrittäjyyskasvatusta.
{g} Seudun Omaishoitajat ry | m | health-disability | caregivers
    Vertaistukea ja virkistystä omaishoitajille sekä tietoa tukimuodoista.
{g} Veteraaniperinneyhdistys ry | m | veterans | everyone
    Sotaveteraanien perinnön vaalimista: muistotilaisuudet ja kouluvierailut.
{g} Reserviläiset ry | m | other | adults
    Maanpuolustushenkistä toimintaa, ammuntaa ja maastoliikuntaa.
{g} Yrittäjät ry | m | other | adults
    Paikallisten yrittäjien verkosto: koulutuksia ja yrittäjäiltoja.
{g} Kamerakerho ry | m | culture | adults
    Valokuvausretkiä, kuvailtoja ja vuosittainen näyttely.
{g} Teatteriyhdistys ry | m | culture | everyone
    Harrastajateatteri: kesäteatteri ja lasten näytelmäkerho.
{g} Diabetesyhdistys ry | m | health-disability | adults
    Vertaistukea, liikuntaryhmiä ja tietoa diabeteksen kanssa elämisestä.
{g} Kehitysvammaisten Tuki ry | m | health-disability | disabled families
    Kehitysvammaisten ja heidän perheidensä yhdistys: kerhot, leirit ja edunvalvonta.
{g} Monikulttuurinen yhdistys ry | m | multicultural | immigrants everyone
    Kielikahvila, kansainväliset illat ja apua arjen asioihin maahan muuttaneille.
{g} lukupiiri | m | education culture | adults
    Lukupiiri kokoontuu kirjastolla kerran kuukaudessa.
{g} Puutarhaseura ry | m | other | adults
    Puutarhaneuvontaa, taimitoreja ja puutarhamatkoja.
{g} Koiraharrastajat ry | m | other | everyone
    Koulutuskursseja, agilityä ja pienimuotoisia koiranäyttelyitä.
"""


def _parse_kinds(text: str) -> list[Kind]:
    kinds = []
    for line in text.strip().splitlines():
        if not line.startswith(" "):
            pattern, places, themes, groups = (part.strip() for part in line.split("|"))
            kind = {"pattern": pattern, "places": places, "sv": "", "en": "", "about": ""}
            kind.update(themes=tuple(themes.split()), groups=tuple(groups.split()))
            kinds.append(kind)
        elif line.strip()[:3] in ("sv:", "en:"):
            kind[line.strip()[:2]] = line.strip()[3:].strip()
        else:
            kind["about"] = f"{kind['about']} {line.strip()}".strip()
    return [Kind(**kind) for kind in kinds]


KINDS = _parse_kinds(_KINDS)

# Associations that work in Swedish: (municipality, name_fi, name_sv, themes, groups, about).
SWEDISH = [
    (
        "564",
        "Oulun Ruotsinkielinen Seura ry",
        "Svenska Sällskapet i Uleåborg rf",
        ("culture",),
        ("everyone",),
        "Ruotsinkielistä kulttuuria Oulussa: luentoja, teatterimatkoja ja Lucia-juhla.",
    ),
    (
        "564",
        "Oulun ruotsinkielinen perhekerho",
        "Svenska familjeklubben i Uleåborg",
        ("children-families",),
        ("families",),
        "Ruotsinkielinen perhekerho lapsille ja vanhemmille kerran viikossa.",
    ),
    (
        "678",
        "Raahen Ruotsinkieliset Eläkeläiset ry",
        "Svenska pensionärerna i Brahestad rf",
        ("pensioners",),
        ("seniors",),
        "Ruotsinkielisten eläkeläisten kerho: kahvia, laulua ja retkiä.",
    ),
]

# Common names of the north; the demo pairs them at random, so any real person's name is chance.
_NAMES = {
    "fi_first": """
        Aino Anna-Liisa Anne Anu Eija Elina Hanna Heli Irma Jaana Johanna Kaisa Katja Kirsi
        Laura Leena Liisa Maija Marjatta Merja Minna Noora Outi Paula Pirjo Riikka Ritva Sari
        Satu Seija Sirpa Terhi Tuula Ulla Veera Antti Ari Eero Esa Hannu Heikki Ilkka Jouko
        Juha Jukka Kalle Kari Lauri Markku Mika Mikko Olli Pasi Petri Raimo Reijo Sami Seppo
        Tapio Teemu Timo Tuomas Vesa Ville""",
    "fi_last": """
        Alatalo Annala Haapala Hietala Hiltunen Holappa Honkanen Huttu Hyvönen Ikonen Jokela
        Juntunen Jussila Kangas Karjalainen Karvonen Kauppinen Kela Keränen Kinnunen Kokko
        Koivukangas Korhonen Kukkonen Kurttila Kylmänen Kärkkäinen Lahtinen Laitinen Lehtola
        Leinonen Leppänen Manninen Moilanen Männikkö Mäkelä Niemelä Niskanen Nurmi Oikarinen
        Ojala Paaso Pelkonen Pesonen Pietilä Piippo Pikkarainen Pirttikoski Pulkkinen Rahko
        Rajala Rautio Ronkainen Räisänen Saari Salmela Sassi Seppänen Similä Sipola Toivonen
        Tuomaala Tuomela Turunen Vainio Vesala Virkkunen Väisänen Väänänen Ylikoski Ylönen""",
    "sv_first": "Anders Björn Henrik Johan Mikael Stefan Astrid Birgitta Ingrid Karin Maria Sofia Ulrika",
    "sv_last": "Backman Ekström Forsman Granqvist Holmberg Lindholm Nyström Sundqvist Wikström Åkerlund",
}
NAMES = {key: value.split() for key, value in _NAMES.items()}


@dataclass
class Person:
    email: str
    full_name: str
    language: str = "fi"


@dataclass
class PlannedAssociation:
    municipality: str
    name_fi: str
    name_sv: str = ""
    name_en: str = ""
    short_description_fi: str = ""
    register_number: str = ""
    email: str = ""
    status: str = Association.Status.ACTIVE
    languages: list = field(default_factory=lambda: ["fi"])
    themes: tuple = ()
    groups: tuple = ()
    confirmed_days_ago: int | None = None
    members: list = field(default_factory=list)  # emails; the first is the chair
    consent: bool = False


@dataclass
class Plan:
    people: dict = field(default_factory=dict)  # email -> Person
    liaisons: list = field(default_factory=list)  # (email, code, title)
    agents: list = field(default_factory=list)  # (email, code, title, days since start)
    associations: list = field(default_factory=list)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


class _People:
    """Hands out fictional people, each once, with etunimi.sukunimi@ addresses."""

    def __init__(self, rng: random.Random, plan: Plan):
        self.plan = plan
        self.pools = {}
        for language in ("fi", "sv"):
            pool = [(f, s) for f in NAMES[f"{language}_first"] for s in NAMES[f"{language}_last"]]
            rng.shuffle(pool)
            self.pools[language] = pool
        self.taken = {_ascii(login.full_name) for login in LOGINS}

    def new(self, language="fi") -> Person:
        pool = self.pools[language]
        while True:
            first, last = pool.pop()
            if _ascii(f"{first} {last}") not in self.taken:
                break
        self.taken.add(_ascii(f"{first} {last}"))
        email = f"{_ascii(first)}.{_ascii(last)}@{DOMAIN}"
        person = Person(email, f"{first} {last}", language)
        self.plan.people[email] = person
        return person


def _association_count(population: float) -> int:
    # Small municipalities have more associations per resident than large ones.
    return max(4, round(3.6 * population**0.55))


def plan(municipalities: dict) -> Plan:
    """The whole demo as data. `municipalities` maps code → Municipality (or anything with
    name_fi, name_sv and name_en); only codes of region 17 are used."""
    rng = random.Random(SEED)
    result = Plan()
    people = _People(rng, result)
    for login in LOGINS:
        result.people[login.email] = Person(login.email, login.full_name)

    for code, title in LIAISON_TITLES.items():
        if code in municipalities:
            result.liaisons.append((people.new().email, code, title))
    for code in AGENT_MUNICIPALITIES:
        if code not in municipalities:
            continue
        count = OULU_AGENTS - 1 if code == OULU else rng.randint(1, 4)
        for _i in range(count):
            title = "yhdistysagentti ja digitukihenkilö" if rng.random() < 0.3 else ""
            result.agents.append(
                (people.new().email, code, title or "yhdistysagentti", rng.randint(60, 700))
            )

    register_numbers: set[str] = set()
    emails: set[str] = set()

    def register_number() -> str:
        # Seven digits starting with 9: beyond the numbers the real register has given out.
        while True:
            number = str(rng.randint(9_000_000, 9_999_999))
            if number not in register_numbers:
                register_numbers.add(number)
                return number

    def email_for(name: str) -> str:
        local = slugify(_ascii(name.removesuffix(" ry").replace(":", " ")))
        address = f"{local}@{DOMAIN}"
        if address in emails:
            return ""
        emails.add(address)
        return address

    def finish(a: PlannedAssociation, registered: bool, forced: bool = False) -> None:
        if registered:
            a.register_number = register_number()
        a.email = email_for(a.name_fi) if rng.random() < 0.85 or forced else ""
        roll = rng.random()
        a.confirmed_days_ago = (
            rng.randint(5, 330) if roll < 0.7 else rng.randint(400, 900) if roll < 0.9 else None
        )
        if not forced and rng.random() < 0.05:
            a.status = Association.Status.DORMANT
        a.consent = forced or rng.random() < 0.6
        language = "sv" if "sv" in a.languages[:1] else "fi"
        for _i in range(max(0, rng.randint(1, 3) - len(a.members))):
            a.members.append(people.new("sv" if rng.random() < 0.03 else language).email)
        result.associations.append(a)

    for code in sorted(municipalities):
        if code not in MUNICIPALITIES:
            continue
        m = municipalities[code]
        genitive, population, villages = MUNICIPALITIES[code]
        candidates = []
        for kind in KINDS:
            places = []
            if "m" in kind.places:
                places.append((genitive, m.name_sv or m.name_fi, m.name_en or m.name_fi))
            if "v" in kind.places:
                places.extend((g, n, n) for n, g in villages)
            candidates.extend((kind, *place) for place in places)
        rng.shuffle(candidates)
        # Names the README and the tests rely on exist in every run.
        first = {"Oulun Kyläyhdistys ry", "Kempeleen Kyläyhdistys ry"}
        candidates.sort(key=lambda c: c[0].pattern.format(g=c[1]) not in first)
        for kind, gen, name_sv, name_en in candidates[: _association_count(population)]:
            name_fi = kind.pattern.format(g=gen)
            a = PlannedAssociation(
                code,
                name_fi,
                themes=kind.themes,
                groups=kind.groups,
                short_description_fi=kind.about,
            )
            if kind.sv and (rng.random() < 0.3 or name_fi in first):
                a.name_sv = kind.sv.format(n=name_sv)
                a.name_en = kind.en.format(n=name_en)
            forced = name_fi in first
            if name_fi == DEMO_ASSOCIATION:
                a.members.append(LOGIN_BY_ROLE[Role.ASSOCIATION_MEMBER].email)
            finish(a, kind.registered, forced)
        for s_code, name_fi, name_sv, themes, groups, about in SWEDISH:
            if s_code == code:
                a = PlannedAssociation(
                    code,
                    name_fi,
                    name_sv=name_sv,
                    themes=themes,
                    groups=groups,
                    short_description_fi=about,
                    languages=["sv", "fi"],
                )
                finish(a, name_fi.endswith(" ry"))
    return result


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    totals: dict = field(default_factory=dict)


def _region_municipalities() -> dict:
    found = {m.code: m for m in Municipality.objects.filter(region__code=REGION_CODE)}
    if not found:
        raise DemoError(
            "Pohjois-Pohjanmaan (maakunta 17) kuntia ei löydy. Lataa kunnat ensin: "
            "python manage.py load_places"
        )
    return found


class _Loader:
    def __init__(self, municipalities: dict):
        self.municipalities = municipalities
        self.plan = plan(municipalities)
        self.created = Counter()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self._password = None
        self.users = {u.email: u for u in User.objects.filter(email__endswith=f"@{DOMAIN}")}
        self.roles = set(
            Membership.objects.filter(user__email__endswith=f"@{DOMAIN}").values_list(
                "user_id", "role", "municipality_id", "association_id", "organisation_id"
            )
        )

    def password(self) -> str:
        # One hash for all demo logins: hashing is slow on purpose, and the password is public.
        if self._password is None:
            self._password = make_password(PASSWORD)
        return self._password

    def person(self, email: str, *, login=False) -> User:
        """A person through the account service (audited), created when missing."""
        user = self.users.get(email)
        if user is None:
            p = self.plan.people[email]
            user = accounts.create_user(None, email, full_name=p.full_name, language=p.language)
            self.users[email] = user
            self.created["people"] += 1
        if login and not user.has_usable_password():
            user.password = self.password()
            user.save(update_fields=["password"])
        return user

    def role(self, user, role, *, municipality=None, association=None, organisation=None, **kw):
        key = (
            user.pk,
            role,
            getattr(municipality, "pk", None),
            getattr(association, "pk", None),
            getattr(organisation, "pk", None),
        )
        if key in self.roles:
            return
        accounts.grant_role(
            None,
            user,
            role,
            municipality=municipality,
            association=association,
            organisation=organisation,
            **kw,
        )
        self.roles.add(key)
        self.created[f"role:{role}"] += 1

    def organisation(self) -> CoordinatingOrganisation:
        org, created = CoordinatingOrganisation.objects.get_or_create(
            name=ORGANISATION, defaults={"email": f"jarjestoverkosto@{DOMAIN}"}
        )
        self.created["organisations"] += created
        have = set(org.municipalities.values_list("pk", flat=True))
        missing = [m for m in self.municipalities.values() if m.pk not in have]
        if missing:
            org.municipalities.add(*missing)
        return org

    def associations(self) -> dict:
        """Creates the missing associations in bulk; returns (code, name_fi) → id."""
        by_pk = {m.pk: code for code, m in self.municipalities.items()}
        existing = {
            (by_pk[mid], name): pk
            for pk, mid, name in Association.objects.filter(municipality_id__in=by_pk).values_list(
                "pk", "municipality_id", "name_fi"
            )
        }
        themes = dict(Theme.objects.values_list("slug", "pk"))
        groups = dict(TargetGroup.objects.values_list("slug", "pk"))
        new = []
        for p in self.plan.associations:
            if (p.municipality, p.name_fi) in existing:
                continue
            a = Association(
                municipality=self.municipalities[p.municipality],
                name_fi=p.name_fi,
                name_sv=p.name_sv,
                name_en=p.name_en,
                short_description_fi=p.short_description_fi,
                register_number=p.register_number,
                email=p.email,
                status=p.status,
                languages=p.languages,
                confirmed_at=None
                if p.confirmed_days_ago is None
                else self.now - timedelta(days=p.confirmed_days_ago),
            )
            a.clean_fields(exclude=["municipality"])
            index(a)
            new.append((p, a))
        Association.objects.bulk_create([a for _p, a in new])
        theme_rows, group_rows = [], []
        for p, a in new:
            existing[(p.municipality, p.name_fi)] = a.pk
            theme_rows += [
                Association.themes.through(association_id=a.pk, theme_id=themes[s])
                for s in p.themes
                if s in themes
            ]
            group_rows += [
                Association.target_groups.through(association_id=a.pk, targetgroup_id=groups[s])
                for s in p.groups
                if s in groups
            ]
        Association.themes.through.objects.bulk_create(theme_rows)
        Association.target_groups.through.objects.bulk_create(group_rows)
        self.created["associations"] += len(new)
        return existing

    def members(self, ids: dict) -> None:
        """The generated association members: bulk, with verified addresses."""
        logins = {login.email for login in LOGINS}
        wanted = {e for p in self.plan.associations for e in p.members} - logins
        new_users = []
        for email in sorted(wanted - set(self.users)):
            p = self.plan.people[email]
            user = User(email=email, full_name=p.full_name, language=p.language)
            user.set_unusable_password()
            new_users.append(user)
        User.objects.bulk_create(new_users)
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in new_users
        )
        self.users.update((u.email, u) for u in new_users)
        self.created["people"] += len(new_users)

        memberships, contacts = [], []
        have_contact = set(
            ContactPerson.objects.filter(association_id__in=ids.values()).values_list(
                "association_id", "name"
            )
        )
        consented = self.now - timedelta(days=30)
        for p in self.plan.associations:
            aid = ids[(p.municipality, p.name_fi)]
            for order, email in enumerate(p.members):
                user = self.users[email]
                key = (user.pk, Role.ASSOCIATION_MEMBER, None, aid, None)
                if email not in logins and key not in self.roles:
                    memberships.append(
                        Membership(user=user, role=Role.ASSOCIATION_MEMBER, association_id=aid)
                    )
                    self.roles.add(key)
                if order > 1 or (aid, user.full_name) in have_contact:
                    continue
                contacts.append(
                    ContactPerson(
                        association_id=aid,
                        name=user.full_name,
                        role=ContactPerson.Role.CHAIR
                        if order == 0
                        else ContactPerson.Role.SECRETARY,
                        email=email,
                        order=order,
                        consent_given_at=consented if p.consent else None,
                        consent_given_by=user.full_name if p.consent else "",
                        consent_name=p.consent,
                        consent_email=p.consent and order == 0,
                    )
                )
        Membership.objects.bulk_create(memberships)
        ContactPerson.objects.bulk_create(contacts)
        self.created["role:association_member"] += len(memberships)
        self.created["contacts"] += len(contacts)

    def run(self) -> None:
        org = self.organisation()
        ids = self.associations()
        demo_association = Association.objects.get(pk=ids[(OULU, DEMO_ASSOCIATION)])
        m = self.municipalities
        for login in LOGINS:
            user = self.person(login.email, login=True)
            scope = {
                Role.ADMINISTRATOR: {},
                Role.COORDINATOR: {"organisation": org},
                Role.LIAISON: {"municipality": m.get(login.municipality)},
                Role.AGENT: {"municipality": m.get(login.municipality)},
                Role.ASSOCIATION_MEMBER: {"association": demo_association},
            }[login.role]
            self.role(user, login.role, title=login.title, **scope)
        for email, code, title in self.plan.liaisons:
            self.role(self.person(email), Role.LIAISON, municipality=m[code], title=title)
        for email, code, title, days in self.plan.agents:
            self.role(
                self.person(email),
                Role.AGENT,
                municipality=m[code],
                title=title,
                starts_on=self.today - timedelta(days=days),
            )
        self.members(ids)
        self.created = +self.created  # drops the zero counts
        if self.created:
            audit.record(
                None,
                AuditLogEntry.Action.CREATE,
                org,
                note="Esittelyaineisto ladattu: "
                + ", ".join(f"{k} {v}" for k, v in sorted(self.created.items())),
            )


def totals(municipalities: dict | None = None) -> dict:
    """What the demo region holds now (for the command's summary and the tests)."""
    municipalities = municipalities or _region_municipalities()
    active = Membership.objects.active()
    region = list(municipalities.values())
    return {
        "municipalities": len(region),
        "associations": Association.objects.filter(municipality__in=region).count(),
        "dormant": Association.objects.filter(
            municipality__in=region, status=Association.Status.DORMANT
        ).count(),
        "people": User.objects.filter(email__endswith=f"@{DOMAIN}").count(),
        "liaison_municipalities": active.filter(role=Role.LIAISON, municipality__in=region)
        .values("municipality")
        .distinct()
        .count(),
        "agents": active.filter(role=Role.AGENT, municipality__in=region).count(),
        "agent_municipalities": active.filter(role=Role.AGENT, municipality__in=region)
        .values("municipality")
        .distinct()
        .count(),
        "association_members": Membership.objects.filter(
            role=Role.ASSOCIATION_MEMBER, association__municipality__in=region
        ).count(),
    }


def load() -> LoadResult:
    """Creates whatever of the demo is missing, in one transaction."""
    municipalities = _region_municipalities()
    with transaction.atomic():
        loader = _Loader(municipalities)
        loader.run()
    return LoadResult(created=loader.created, totals=totals(municipalities))
