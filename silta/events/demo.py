"""Demo events for load_demo: Oulu's association evening next spring being planned, last
autumn's evening with its registrations, and a regional meeting of the coordinating
organisation. Can be run again: nothing is created twice."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from silta.accounts.models import CoordinatingOrganisation, Role, User
from silta.associations.models import Association
from silta.core import demo as core_demo
from silta.places.models import Municipality

from .models import (
    Event,
    EventTheme,
    ProgrammeItem,
    Registration,
    Task,
    WorkshopQuestion,
    hash_token,
    new_token,
)
from .themes import ensure_themes


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _user(role, code="564"):
    for login in core_demo.LOGINS:
        if login.role == role and login.municipality == code:
            return User.objects.filter(email=login.email).first()
    return None


@transaction.atomic
def load(stdout=None) -> dict:
    created = {"themes": ensure_themes(EventTheme), "events": 0, "registrations": 0}
    oulu = Municipality.objects.filter(code="564").first()
    if oulu is None:
        return created
    liaison, agent = _user(Role.LIAISON), _user(Role.AGENT)
    today = timezone.localdate()

    spring_year = today.year + 1 if today.month >= 3 else today.year
    spring_day = dt.date(spring_year, 3, 16)
    spring, new = Event.objects.get_or_create(
        municipality=oulu,
        title_fi=f"Oulun kevään yhdistysilta {spring_year}",
        defaults={
            "kind": Event.Kind.ASSOCIATION_EVENING,
            "title_sv": f"Uleåborgs föreningskväll våren {spring_year}",
            "title_en": f"Oulu association evening, spring {spring_year}",
            "description_fi": (
                "Kaupunki kutsuu oululaiset yhdistykset koolle. Illan aiheina ovat "
                "järjestöavustukset ja yhteinen vuosikello ensi vuodelle. Kahvitarjoilu, "
                "ilmoittauduthan."
            ),
            "venue_name": "Oulun kaupungintalo, valtuustosali",
            "address": "Torikatu 10, 90100 Oulu",
            "accessibility": "Esteetön sisäänkäynti Torikadun puolelta. Salissa induktiosilmukka.",
            "starts_at": _at(spring_day, 17),
            "ends_at": _at(spring_day, 19, 30),
            "capacity": 80,
            "registration_closes_at": _at(spring_day - dt.timedelta(days=7), 23, 59),
            "status": Event.Status.PLANNED,
            "created_by": liaison,
        },
    )
    if new:
        created["events"] += 1
        spring.themes.set(EventTheme.objects.filter(slug__in=["grants", "annual-clock"]))
        ProgrammeItem.objects.create(
            event=spring,
            speaker="Hyvinvointijohtaja Liisa Laitinen",
            topic="Kaupungin järjestöavustukset ensi vuonna",
            starts_at=_at(spring_day, 17, 15),
            ends_at=_at(spring_day, 17, 45),
            invitation=ProgrammeItem.Invitation.CONFIRMED,
        )
        ProgrammeItem.objects.create(
            event=spring,
            speaker="Leader-ryhmän toiminnanjohtaja",
            topic="Leader-avustukset yhdistyksille",
            starts_at=_at(spring_day, 17, 45),
            ends_at=_at(spring_day, 18, 5),
            invitation=ProgrammeItem.Invitation.ASKED,
        )
        Task.objects.create(
            event=spring,
            title="Kysy hyvinvointijohtajaa puhumaan avustuksista",
            owner=liaison,
            due_on=spring_day - dt.timedelta(days=45),
            done=True,
        )
        Task.objects.create(
            event=spring,
            title="Kysy Leader-ryhmältä puhujaa",
            owner=agent,
            due_on=spring_day - dt.timedelta(days=40),
        )
        Task.objects.create(
            event=spring,
            title="Varaa valtuustosali ja kahvitarjoilu",
            owner=agent,
            due_on=spring_day - dt.timedelta(days=30),
        )
        for order, text in enumerate(
            [
                "Mitkä tapahtumat yhdistyksenne järjestää ensi vuonna?",
                "Miten kaupungin avustushaku voisi olla yhdistyksille helpompi?",
            ],
            start=1,
        ):
            WorkshopQuestion.objects.create(event=spring, text=text, order=order)

    autumn_day = today - dt.timedelta(days=120)
    autumn, new = Event.objects.get_or_create(
        municipality=oulu,
        title_fi="Oulun syksyn yhdistysilta",
        defaults={
            "kind": Event.Kind.ASSOCIATION_EVENING,
            "description_fi": "Teemana kokemustiedon kerääminen hyvinvointikertomukseen.",
            "venue_name": "Pääkirjasto, Pikisali",
            "address": "Kaarlenväylä 3, 90100 Oulu",
            "starts_at": _at(autumn_day, 17),
            "ends_at": _at(autumn_day, 19),
            "capacity": 60,
            "status": Event.Status.HELD,
            "created_by": liaison,
        },
    )
    if new:
        created["events"] += 1
        autumn.themes.set(EventTheme.objects.filter(slug="lived-experience"))
        associations = list(Association.objects.public().filter(municipality=oulu)[:6])
        diets = ["", "gluteeniton", "", "laktoositon", "", "vegaaninen"]
        for i, association in enumerate(associations):
            Registration.objects.create(
                event=autumn,
                name=f"Esittelyosallistuja {i + 1}",
                association=association,
                email=f"osallistuja{i + 1}@{core_demo.DOMAIN}",
                people=1 + i % 2,
                dietary_needs=diets[i],
                consent=True,
                erase_after=autumn_day + dt.timedelta(days=90),
                status=Registration.Status.CONFIRMED,
                token_hash=hash_token(new_token()),
                attended=i != 2,
            )
            created["registrations"] += 1

    created["summaries"] = _autumn_workshop(autumn, liaison)

    organisation = CoordinatingOrganisation.objects.filter(name=core_demo.ORGANISATION).first()
    if organisation is not None:
        regional_day = today + dt.timedelta(days=60)
        _regional, new = Event.objects.get_or_create(
            organisation=organisation,
            title_fi="Alueellinen yhteistyötapaaminen: järjestöyhdyshenkilöt ja agentit",
            defaults={
                "kind": Event.Kind.REGIONAL_MEETING,
                "venue_municipality": oulu,
                "description_fi": "Kuulumiset kunnista, yhdistysiltojen kokemukset ja ensi "
                "vuoden suunnitelmat.",
                "venue_name": "Järjestötalo",
                "address": "Kansankatu 53, 90100 Oulu",
                "online_link": "https://meet.example.fi/alueellinen",
                "starts_at": _at(regional_day, 9),
                "ends_at": _at(regional_day, 12),
                "is_public": False,
                "status": Event.Status.PUBLISHED,
            },
        )
        created["events"] += new
    if stdout is not None and (created["events"] or created["registrations"]):
        stdout.write(
            f"Tapahtumat: {created['events']} tapahtumaa, "
            f"{created['registrations']} ilmoittautumista."
        )
    return created


AUTUMN_WORKSHOP = {
    "Miten yhdistykset voisivat kertoa jäsentensä kokemuksista hyvinvointikertomukseen?": [
        ("Lyhyt kysely kerran vuodessa, ei monta erillistä pyyntöä.", 5),
        ("Kaupungin työntekijä voisi käydä yhdistyksen kokouksessa kuuntelemassa.", 3),
        ("Nimettömät tarinat ovat monelle helpompia kuin lomake.", 1),
    ],
    "Mitä kaupungin pitäisi kertoa takaisin, kun kokemustietoa on kerätty?": [
        ("Mitä tiedolle tapahtui ja mitä sen perusteella muutettiin.", 4),
        ("Kooste yhdistysillassa ja sähköpostilla.", 2),
    ],
}


def _autumn_workshop(autumn, liaison) -> int:
    """Workshop notes and a sent summary for last autumn's evening, so that the public
    archive of summaries is not empty. Idempotent: nothing is created twice."""
    from . import summary as summaries
    from . import workshop
    from .models import NoteSupport, Summary, WorkshopNote

    if Summary.objects.filter(event=autumn).exists():
        return 0
    board = workshop.board_for(autumn)
    for order, (text, notes) in enumerate(AUTUMN_WORKSHOP.items(), start=1):
        question, _new = WorkshopQuestion.objects.get_or_create(
            event=autumn, text=text, defaults={"order": order}
        )
        for i, (note_text, supports) in enumerate(notes):
            device = workshop.device_hash(f"esittely-{order}-{i}")
            note, _new = WorkshopNote.objects.get_or_create(
                question=question,
                device_hash=device,
                text_hash=hash_token(note_text),
                defaults={"text": note_text},
            )
            for n in range(supports):
                NoteSupport.objects.get_or_create(
                    note=note, device_hash=workshop.device_hash(f"esittely-tuki-{n}")
                )
    Summary.objects.create(
        event=autumn,
        sections=summaries.initial_sections(autumn),
        decisions=(
            "Kaupunki kokeilee kevään aikana lyhyttä vuosikyselyä yhdistyksille. "
            "Hyvinvointikoordinaattori käy pyydettäessä yhdistysten kokouksissa."
        ),
        next_steps=(
            "Kyselyn luonnos lähetetään yhdistyksille kommentoitavaksi tammikuussa. "
            "Tulokset ja niiden vaikutukset kerrotaan kevään yhdistysillassa."
        ),
        next_evening_on=timezone.localtime(autumn.starts_at).date() + dt.timedelta(days=180),
        commenting="Kommentit kyselyn luonnokseen 15.2. mennessä osoitteeseen "
        "yhdistykset@esimerkki.fi.",
        contact="Järjestöyhdyshenkilö, Oulun kaupunki, yhdistykset@esimerkki.fi",
        status=Summary.Status.SENT,
        sent_at=autumn.ends_at + dt.timedelta(days=7),
        created_by=liaison,
    )
    workshop.set_open(None, board, False)
    return 1
