"""Directory data for the directory and recipient-list tests: indexed associations with
themes, contacts with and without consent, and activities."""

from datetime import time, timedelta

from django.utils import timezone

from silta.associations.models import (
    Activity,
    Association,
    ContactPerson,
    TargetGroup,
    Theme,
)
from silta.associations.services import index, index_activity

from .factories import AssociationFactory


def indexed(association: Association) -> Association:
    index(association)
    association.save()
    return association


def association(**fields) -> Association:
    themes = fields.pop("themes", [])
    groups = fields.pop("groups", [])
    a = indexed(AssociationFactory(**fields))
    if themes:
        a.themes.set(Theme.objects.filter(slug__in=themes))
    if groups:
        a.target_groups.set(TargetGroup.objects.filter(slug__in=groups))
    return a


def activity(a: Association, **fields) -> Activity:
    groups = fields.pop("groups", [])
    act = Activity(association=a, municipality=a.municipality, **fields)
    index_activity(act)
    act.save()
    if groups:
        act.target_groups.set(TargetGroup.objects.filter(slug__in=groups))
    return act


def contact(a: Association, name: str, email: str, *, consent=False, **fields) -> ContactPerson:
    if consent:
        fields = {
            "consent_given_at": timezone.now() - timedelta(days=3),
            "consent_given_by": name,
            "consent_name": True,
            "consent_email": True,
            **fields,
        }
    return ContactPerson.objects.create(association=a, name=name, email=email, **fields)


def build(world) -> dict:
    """The issue's search examples in Oulu and Kempele, and a little around them."""
    oulu, kempele = world.oulu, world.kempele
    kyla = world.kempele_association
    kyla.name_sv = "Kempele byaförening"
    kyla.short_description_fi = "Kylän yhteinen yhdistys."
    kyla.email = "info@kyla.example.fi"
    kyla.languages = ["fi", "sv"]
    kyla.confirmed_at = timezone.now() - timedelta(days=10)
    indexed(kyla)
    kyla.themes.set(Theme.objects.filter(slug="village"))
    indexed(world.oulu_association)
    world.oulu_association.themes.set(Theme.objects.filter(slug="village"))
    d = {
        "kyla": kyla,
        "talo": association(
            name_fi="Kylätalo ry",
            municipality=kempele,
            themes=["village"],
            short_description_fi="Kylätalon vuokraus ja ylläpito.",
        ),
        "seura": association(
            name_fi="Oulun Urheiluseura",
            municipality=oulu,
            themes=["sport"],
            groups=["children", "youth"],
            languages=["fi", "en"],
            short_description_fi="Junioreille ja aikuisille jalkapalloa ja lentopalloa.",
        ),
        "kerho": association(
            name_fi="Eläkeläisten kerho",
            municipality=oulu,
            themes=["pensioners"],
            groups=["seniors"],
            languages=["fi"],
        ),
        "kuoro": association(
            name_fi="Oulun Mieskuoro",
            municipality=oulu,
            themes=["culture"],
            description_fi="Laulamme kylätalolla tiistaisin.",
        ),
        "svenska": association(
            name_fi="Oulun ruotsinkielinen perhekerho",
            name_sv="Svenska familjeklubben i Uleåborg",
            municipality=oulu,
            themes=["children-families"],
            languages=["sv", "fi"],
        ),
        "dormant": association(
            name_fi="Tauolla oleva seura", municipality=oulu, status=Association.Status.DORMANT
        ),
        "dissolved": association(
            name_fi="Lakannut Yhdistys ry",
            municipality=oulu,
            status=Association.Status.DISSOLVED,
            email="lakannut@example.fi",
        ),
        "helsinki": association(name_fi="Helsingin Urheiluseura", municipality=world.helsinki),
    }
    d["consented"] = contact(
        d["seura"], "Kaisa Julkinen", "kaisa.julkinen@example.fi", role="chair", consent=True
    )
    d["unconsented"] = contact(
        d["seura"], "Salla Salainen", "salla.salainen@example.fi", phone="040 999 8888"
    )
    d["choir"] = activity(
        kyla,
        name_fi="Kuoro kylätalolla",
        weekday=1,
        start_time=time(18),
        end_time=time(20),
        place_name="Kempeleen kylätalo",
        groups=["adults"],
        languages=["fi"],
        registration_url="https://ilmoittaudu.example/kuoro",
    )
    d["club"] = activity(
        d["kerho"],
        name_fi="Eläkeläisten kerho",
        weekday=2,
        start_time=time(13),
        end_time=time(15),
        place_name="Seurakuntatalo",
    )
    d["hidden"] = activity(d["seura"], name_fi="Hallituksen kokous", is_published=False)
    return d
