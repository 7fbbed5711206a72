"""Word lists and tables for generate_national: places, their Finnish genitives, the kinds
of associations with their themes, descriptions and activities, and people's names."""

# Approximate population in thousands of the larger municipalities; it only weighs how many
# associations each municipality gets. The rest get a seeded small weight.
POPULATION = {
    "091": 680,
    "049": 320,
    "837": 260,
    "092": 250,
    "564": 216,
    "853": 205,
    "179": 148,
    "398": 121,
    "297": 125,
    "609": 84,
    "286": 80,
    "167": 78,
    "405": 73,
    "109": 68,
    "905": 68,
    "743": 66,
    "698": 65,
    "491": 52,
    "638": 52,
    "734": 51,
    "285": 51,
    "106": 47,
    "272": 48,
    "186": 47,
    "444": 46,
    "543": 44,
    "684": 39,
    "858": 39,
    "245": 38,
    "257": 40,
    "202": 36,
    "211": 34,
    "536": 35,
    "980": 33,
    "418": 25,
    "205": 36,
    "694": 29,
    "740": 31,
    "153": 25,
    "244": 20,
    "425": 10.5,
    "305": 14.8,
}

# Genitives the simple rule in genitive() gets wrong.
GENITIVE = {
    "Turku": "Turun",
    "Tampere": "Tampereen",
    "Kempele": "Kempeleen",
    "Vihti": "Vihdin",
    "Loppi": "Lopen",
    "Lieto": "Liedon",
    "Luoto": "Luodon",
    "Juuka": "Juuan",
    "Kannus": "Kannuksen",
    "Alavus": "Alavuden",
    "Varkaus": "Varkauden",
    "Pihtipudas": "Pihtiputaan",
    "Outokumpu": "Outokummun",
    "Kaustinen": "Kaustisen",
    "Uusikaupunki": "Uudenkaupungin",
    "Uusikaarlepyy": "Uudenkaarlepyyn",
    "Pedersören kunta": "Pedersören",
    "Koski Tl": "Kosken",
    "Ii": "Iin",
}
_ENDINGS = [
    ("järvi", "järven"),
    ("joki", "joen"),
    ("niemi", "niemen"),
    ("lahti", "lahden"),
    ("salmi", "salmen"),
    ("saari", "saaren"),
    ("mäki", "mäen"),
    ("vesi", "veden"),
    ("koski", "kosken"),
    ("nummi", "nummen"),
    ("lampi", "lammen"),
    ("kangas", "kankaan"),
    ("nen", "sten"),
]
_VOWELS = "aeiouyäö"


def genitive(name: str) -> str:
    """Finnish genitive of a place name: a table for the irregular ones, then simple rules."""
    if name in GENITIVE:
        return GENITIVE[name]
    for ending, replacement in _ENDINGS:
        if name.endswith(ending):
            return name[: -len(ending)] + replacement
    if name[-1] not in _VOWELS:
        return name + "in"
    stem, vowel = name[:-1], name[-1]
    if stem.endswith("nk"):
        stem = stem[:-2] + "ng"
    elif stem.endswith("lt"):
        stem = stem[:-2] + "ll"
    elif stem.endswith("nt"):
        stem = stem[:-2] + "nn"
    elif len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] in "kpt":
        stem = stem[:-1]
    return stem + vowel + "n"


# Villages and districts: first part + (nominative, genitive) ending. Each municipality
# gets its own seeded handful of them.
VILLAGE_FIRST = [
    "Koivu",
    "Mänty",
    "Kuusi",
    "Haapa",
    "Pihlaja",
    "Leppä",
    "Kivi",
    "Kallio",
    "Honka",
    "Tervo",
    "Lehto",
    "Niitty",
    "Pelto",
    "Kumpu",
    "Paju",
    "Karhu",
    "Kettu",
    "Hirvi",
    "Kurki",
    "Joutsen",
    "Ylä",
    "Ala",
    "Väli",
    "Kauka",
    "Lähde",
    "Kangas",
    "Salo",
    "Mylly",
]
VILLAGE_END = [
    ("mäki", "mäen"),
    ("järvi", "järven"),
    ("niemi", "niemen"),
    ("lahti", "lahden"),
    ("ranta", "rannan"),
    ("kylä", "kylän"),
    ("vaara", "vaaran"),
    ("harju", "harjun"),
    ("koski", "kosken"),
    ("salmi", "salmen"),
    ("joki", "joen"),
    ("suo", "suon"),
    ("saari", "saaren"),
    ("lampi", "lammen"),
]
VILLAGES_PER_MUNICIPALITY = 12

# Kinds of associations: the name (after the place's genitive), themes, target groups,
# a Swedish name pattern or "", short descriptions, longer description sentences, and
# activities as (name, place kind, weekday choices or None for one-off, start hour).
KINDS = [
    {
        "names": ["Kyläyhdistys ry", "Kyläseura ry", "Kylätoimikunta ry", "Kylätalo ry"],
        "where": "v",
        "themes": ["village"],
        "groups": ["everyone"],
        "sv": "Byaföreningen i {n} rf",
        "short": [
            "Kylän yhteinen yhdistys: kylätalo, talkoot ja yhteiset tapahtumat koko kylälle.",
            "Pidämme kylän elävänä: kylätalon vuokraus, kesäjuhlat ja tiekunnan asiat.",
        ],
        "long": [
            "Kylätalolla kokoontuvat kerhot ja kuorot, ja talon voi vuokrata juhliin.",
            "Järjestämme talkoita, joulumyyjäiset ja kesäisen kyläjuhlan.",
            "Uudet kyläläiset ovat tervetulleita mukaan toimintaan.",
        ],
        "activities": [
            ("Kuoro kylätalolla", "village_hall", [1, 3], 18),
            ("Kyläkahvila", "village_hall", [2, 5], 10),
            ("Kylän talkoot", "village_hall", None, 10),
            ("Kyläjuhla", "village_hall", None, 14),
        ],
    },
    {
        "names": ["Urheiluseura ry", "Urheilijat ry", "Palloseura ry", "Hiihtoseura ry"],
        "where": "mv",
        "themes": ["sport"],
        "groups": ["children", "youth", "adults"],
        "sv": "Idrottsföreningen i {n} rf",
        "short": [
            "Junioreille ja aikuisille jalkapalloa, lentopalloa ja kuntoliikuntaa.",
            "Yleisurheilua, hiihtoa ja salibandya kaikenikäisille, kilpaillen tai kuntoillen.",
        ],
        "long": [
            "Urheiluseuran harjoitukset ovat koulun liikuntasalissa ja urheilukentällä.",
            "Junioritoiminnassa on mukana yli sata lasta ja nuorta.",
            "Seura järjestää vuosittain hiihtokilpailut ja kesäisen urheilukoulun.",
        ],
        "activities": [
            ("Junioreiden harjoitukset", "gym", [0, 2], 17),
            ("Lentopallo aikuisille", "gym", [1, 3], 19),
            ("Kuntosalivuoro", "sports_hall", [0, 4], 18),
            ("Hiihtokoulu lapsille", "sports_field", [5], 11),
            ("Seuran kevätkisat", "sports_field", None, 12),
        ],
    },
    {
        "names": ["Eläkeläiset ry", "Eläkkeensaajat ry", "Eläkeläisten kerho ry"],
        "where": "mv",
        "themes": ["pensioners"],
        "groups": ["seniors"],
        "sv": "Pensionärerna i {n} rf",
        "short": [
            "Kerhopäiviä, retkiä, kuntoliikuntaa ja tietoa ikäihmisten palveluista.",
            "Eläkeläisten kerho: kahvia, laulua, tuolijumppaa ja teatterimatkoja.",
        ],
        "long": [
            "Eläkeläiset kokoontuvat kerran viikossa seurakuntatalolla.",
            "Teemme kesäisin retkiä ja syksyllä teatterimatkan.",
            "Uudet jäsenet ovat tervetulleita, eläkeläiset ja ikäihmiset kaikki.",
        ],
        "activities": [
            ("Eläkeläisten kerho", "parish_hall", [1, 2], 13),
            ("Tuolijumppa", "parish_hall", [3], 10),
            ("Kesäretki", "library", None, 9),
        ],
    },
    {
        "names": ["Nuorisoseura ry", "Nuorisokerho ry", "Nuorisoyhdistys ry"],
        "where": "mv",
        "themes": ["youth", "culture"],
        "groups": ["children", "youth"],
        "sv": "Ungdomsföreningen i {n} rf",
        "short": [
            "Nuorisoseurantalolla teatteria, tanssia ja kerhoja lapsille ja nuorille.",
            "Nuorten oma yhdistys: bänditoimintaa, leirejä ja nuorisotalon illat.",
        ],
        "long": [
            "Nuorisotalo on avoinna arki-iltaisin.",
            "Ohjaajat ovat koulutettuja nuorisotyön vapaaehtoisia.",
        ],
        "activities": [
            ("Nuorten ilta", "youth_house", [2, 4], 18),
            ("Teatterikerho", "youth_house", [1], 17),
            ("Tanssikerho lapsille", "school", [0], 16),
        ],
    },
    {
        "names": ["Partiolaiset ry", "Partiolippukunta ry", "Partiokerho ry"],
        "where": "mv",
        "themes": ["scouting"],
        "groups": ["children", "youth"],
        "sv": "Scouterna i {n} rf",
        "short": ["Partiolippukunta: viikoittaiset kokoukset, retket ja leirit 7–22-vuotiaille."],
        "long": [
            "Partiossa opitaan retkeilyä, ensiapua ja yhdessä tekemistä.",
            "Kesäleiri pidetään heinäkuussa.",
        ],
        "activities": [
            ("Sudenpentujen kokous", "school", [1, 2], 17),
            ("Partioretki", "lean_to", None, 10),
        ],
    },
    {
        "names": ["Metsästysseura ry", "Metsästysyhdistys ry", "Riistanhoitoseura ry"],
        "where": "mv",
        "themes": ["nature-hunting"],
        "groups": ["adults"],
        "sv": "Jaktföreningen i {n} rf",
        "short": ["Riistanhoitoa, hirvenmetsästystä ja ampumaratatoimintaa."],
        "long": [
            "Seuran metsästysmajalla pidetään kokoukset ja peijaiset.",
            "Ampumarata on avoinna kesäisin keskiviikkoisin.",
        ],
        "activities": [
            ("Ampumaratavuoro", "hunting_lodge", [2], 17),
            ("Hirvipeijaiset", "hunting_lodge", None, 14),
        ],
    },
    {
        "names": ["Sekakuoro ry", "Kuoroyhdistys ry", "Mieskuoro ry", "Kamarikuoro ry"],
        "where": "mv",
        "themes": ["culture"],
        "groups": ["adults"],
        "sv": "Kören i {n} rf",
        "short": [
            "Kuoro harjoittelee viikoittain ja konsertoi joulun ja kevään alla.",
            "Laulamme kirkoissa, kylätaloilla ja juhlissa; uudet laulajat tervetulleita.",
        ],
        "long": [
            "Kuoroharjoitukset ovat tiistaisin, eikä nuotinlukutaitoa tarvita.",
            "Kuoron joulukonsertti on jo perinne.",
        ],
        "activities": [
            ("Kuoroharjoitukset", "parish_hall", [1, 3], 18),
            ("Kuoro kylätalolla", "village_hall", [0, 2], 18),
            ("Joulukonsertti", "church", None, 18),
        ],
    },
    {
        "names": ["Kalastusseura ry", "Kalastuskerho ry"],
        "where": "v",
        "themes": ["nature-hunting"],
        "groups": ["everyone"],
        "sv": "",
        "short": ["Kalavesien hoitoa, pilkkikisat ja kalastuskurssit lapsille."],
        "long": [
            "Seura istuttaa vuosittain kalaa kylän järviin.",
            "Pilkkikisat pidetään maaliskuussa.",
        ],
        "activities": [
            ("Pilkkikisat", "lake_shore", None, 10),
            ("Perhokerho", "village_hall", [3], 18),
        ],
    },
    {
        "names": ["Kotiseutuyhdistys ry", "Kotiseutuseura ry"],
        "where": "mv",
        "themes": ["culture", "education"],
        "groups": ["everyone"],
        "sv": "Hembygdsföreningen i {n} rf",
        "short": ["Kotiseutumuseo, perinnetapahtumat ja paikallishistorian tallentaminen."],
        "long": [
            "Museo on avoinna kesäisin sunnuntaisin.",
            "Keräämme vanhoja valokuvia ja muistoja.",
        ],
        "activities": [
            ("Museon avoimet ovet", "museum", [6], 12),
            ("Perinnepäivä", "museum", None, 11),
        ],
    },
    {
        "names": ["Marttayhdistys ry", "Martat ry"],
        "where": "mv",
        "themes": ["education"],
        "groups": ["families", "adults"],
        "sv": "Marthaföreningen i {n} rf",
        "short": ["Ruokakursseja, kodin taloutta ja yhdessä tekemistä kaikenikäisille."],
        "long": [
            "Martat kokoontuvat koulun opetuskeittiössä.",
            "Kursseille ilmoittaudutaan etukäteen.",
        ],
        "activities": [("Ruokakurssi", "school", [2], 17), ("Marttailta", "library", [0], 18)],
    },
    {
        "names": ["Sydänyhdistys ry", "Diabetesyhdistys ry", "Omaishoitajat ry"],
        "where": "m",
        "themes": ["health-disability"],
        "groups": ["adults", "seniors", "caregivers"],
        "sv": "",
        "short": ["Vertaistukea, kävelyryhmiä ja luentoja sairastuneille ja heidän läheisilleen."],
        "long": ["Vertaistukiryhmä kokoontuu kirjastolla.", "Luennot ovat maksuttomia ja avoimia."],
        "activities": [
            ("Kävelyryhmä", "library", [0, 3], 10),
            ("Vertaistukiryhmä", "library", [1], 17),
            ("Terveysluento", "library", None, 18),
        ],
    },
    {
        "names": ["Perhekerho ry", "Vanhempainyhdistys ry", "Perheyhdistys ry"],
        "where": "mv",
        "themes": ["children-families"],
        "groups": ["families", "children"],
        "sv": "",
        "short": ["Vanhempien ja pienten lasten kerho: leikkiä, kahvia ja vertaistukea."],
        "long": ["Perhekahvila on avoinna aamupäivisin.", "Toiminta on maksutonta."],
        "activities": [
            ("Perhekahvila", "parish_hall", [1, 3], 9),
            ("Lasten kevätjuhla", "school", None, 17),
        ],
    },
    {
        "names": ["Veteraaniperinneyhdistys ry", "Reserviläiset ry"],
        "where": "m",
        "themes": ["veterans"],
        "groups": ["everyone"],
        "sv": "",
        "short": ["Sotaveteraanien perinnön vaalimista: muistotilaisuudet ja kouluvierailut."],
        "long": ["Kansallisena veteraanipäivänä järjestämme juhlan.", "Vierailemme kouluilla."],
        "activities": [("Veteraanipäivän juhla", "church", None, 12)],
    },
    {
        "names": ["Teatteriyhdistys ry", "Teatteriseura ry", "Kamerakerho ry"],
        "where": "m",
        "themes": ["culture"],
        "groups": ["everyone"],
        "sv": "",
        "short": ["Harrastajateatteri: kesäteatteri ja lasten näytelmäkerho."],
        "long": ["Kesäteatterin ensi-ilta on kesäkuussa.", "Uudet näyttelijät ovat tervetulleita."],
        "activities": [
            ("Näytelmäkerho", "youth_house", [2], 18),
            ("Kesäteatterin ensi-ilta", "museum", None, 19),
        ],
    },
    {
        "names": ["Monikulttuurinen yhdistys ry", "Kansainvälinen kerho ry"],
        "where": "m",
        "themes": ["multicultural"],
        "groups": ["immigrants", "everyone"],
        "sv": "",
        "short": ["Kielikahvila, kansainväliset illat ja apua arjen asioihin maahan muuttaneille."],
        "long": [
            "Kielikahvilassa harjoitellaan suomea rennosti.",
            "Toimimme yhdessä kirjaston kanssa.",
        ],
        "activities": [("Kielikahvila", "library", [2, 4], 17)],
    },
]

PLACES = {
    "village_hall": "{v} kylätalo",
    "gym": "{v} koulun liikuntasali",
    "sports_hall": "{m} liikuntahalli",
    "sports_field": "{v} urheilukenttä",
    "parish_hall": "{m} seurakuntatalo",
    "library": "{m} kirjasto",
    "youth_house": "{m} nuorisotalo",
    "school": "{v} koulu",
    "lean_to": "{v} laavu",
    "hunting_lodge": "{v} metsästysmaja",
    "lake_shore": "{v} uimaranta",
    "church": "{m} kirkko",
    "museum": "{v} kotiseutumuseo",
}

FIRST_NAMES = [
    "Aino",
    "Anna",
    "Eija",
    "Elina",
    "Hanna",
    "Heli",
    "Johanna",
    "Kaisa",
    "Laura",
    "Leena",
    "Liisa",
    "Maija",
    "Minna",
    "Noora",
    "Outi",
    "Paula",
    "Sari",
    "Satu",
    "Tuula",
    "Antti",
    "Ari",
    "Eero",
    "Hannu",
    "Heikki",
    "Juha",
    "Jukka",
    "Kari",
    "Lauri",
    "Markku",
    "Mika",
    "Mikko",
    "Olli",
    "Pasi",
    "Petri",
    "Sami",
    "Seppo",
    "Tapio",
    "Timo",
    "Ville",
]
LAST_NAMES = [
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
    "Salo",
    "Laitinen",
    "Tuominen",
    "Rantanen",
    "Karjalainen",
    "Jokinen",
    "Mattila",
    "Savolainen",
    "Lahtinen",
    "Ahonen",
]
ROLES = ["chair", "secretary", "treasurer", "contact"]
