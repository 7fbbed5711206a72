"""The eight themes seed 004 suggests for an association evening; the list stays editable
(admin), so the data migration and the demo only add what is missing."""

THEMES = [
    (
        "grants",
        "Järjestöavustukset",
        "Föreningsbidrag",
        "Grants for associations",
    ),
    (
        "annual-clock",
        "Järjestöjen yhteinen vuosikello seuraavalle vuodelle",
        "Föreningarnas gemensamma årsklocka för nästa år",
        "A shared annual clock for next year",
    ),
    (
        "cooperation-document",
        "Kunnan ja järjestöjen yhteistyöasiakirja",
        "Samarbetsdokument mellan kommunen och föreningarna",
        "Cooperation document of the municipality and associations",
    ),
    (
        "premises",
        "Kunnan järjestöille tarjoamat tilat",
        "Kommunens lokaler för föreningar",
        "Municipal premises for associations",
    ),
    (
        "grant-criteria",
        "Avustuskriteerit ja järjestöavustusten avoimuus",
        "Bidragskriterier och öppenhet",
        "Grant criteria and openness",
    ),
    (
        "strategy",
        "Kuntastrategian työstäminen yhdessä järjestöjen kanssa",
        "Kommunstrategin tillsammans med föreningarna",
        "Working on the municipal strategy together",
    ),
    (
        "communication",
        "Järjestötoiminnasta viestiminen",
        "Att kommunicera om föreningsverksamhet",
        "Communicating association activity",
    ),
    (
        "lived-experience",
        "Kokemustiedon kerääminen hyvinvointikertomukseen",
        "Erfarenhetsbaserad kunskap för välfärdsberättelsen",
        "Lived experience for the welfare report",
    ),
]


def ensure_themes(model) -> int:
    created = 0
    for order, (slug, fi, sv, en) in enumerate(THEMES, start=1):
        _obj, was_created = model.objects.get_or_create(
            slug=slug, defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "order": order * 10}
        )
        created += was_created
    return created
