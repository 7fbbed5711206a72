"""The shapes of API v1 and the functions that fill them from model rows.

Every text that exists in three languages is an object {"fi", "sv", "en"}; a missing
translation is an empty string, so a client can choose its own fallback. Contact people come
only from `ContactPerson.public_details()`: consent decides, never this module.
"""

from datetime import datetime, time
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from ninja import Field, Schema
from pydantic import ConfigDict

LANGS = ("fi", "sv", "en")


def multilingual(obj, base: str) -> dict[str, str]:
    return {lang: getattr(obj, f"{base}_{lang}", "") or "" for lang in LANGS}


def in_all_languages(label) -> dict[str, str]:
    """A lazily translated label (a choice's display name) in fi, sv and en."""
    out = {}
    for lang in LANGS:
        with translation.override(lang):
            out[lang] = str(label)
    return out


def _examples(*examples: dict) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class Multilingual(Schema):
    fi: str
    sv: str
    en: str

    model_config = _examples({"fi": "Kylätalo", "sv": "Byagård", "en": "Village hall"})


class VocabularyOut(Schema):
    slug: str
    name: Multilingual

    model_config = _examples(
        {
            "slug": "sport",
            "name": {
                "fi": "Urheilu ja liikunta",
                "sv": "Idrott och motion",
                "en": "Sport and exercise",
            },
        }
    )


class RegionOut(Schema):
    code: str
    name: Multilingual


class MunicipalityOut(Schema):
    code: str
    name: Multilingual
    region: RegionOut
    language_status: str

    model_config = _examples(
        {
            "code": "564",
            "name": {"fi": "Oulu", "sv": "Uleåborg", "en": "Oulu"},
            "region": {
                "code": "17",
                "name": {
                    "fi": "Pohjois-Pohjanmaa",
                    "sv": "Norra Österbotten",
                    "en": "North Ostrobothnia",
                },
            },
            "language_status": "fi",
        }
    )


class ContactOut(Schema):
    role: str
    role_name: Multilingual
    name: str | None
    email: str | None
    phone: str | None


class AssociationRef(Schema):
    id: int
    name: Multilingual


class ActivityOut(Schema):
    id: int
    association: AssociationRef
    municipality: str
    name: Multilingual
    description: Multilingual
    kind: str
    weekday: int | None
    start_time: time | None
    end_time: time | None
    schedule_note: str
    starts_at: datetime | None
    ends_at: datetime | None
    place_name: str
    address: str
    target_groups: list[VocabularyOut]
    is_free: bool
    price: str
    languages: list[str]
    registration_url: str
    url: str | None

    model_config = _examples(
        {
            "id": 7,
            "association": {
                "id": 12,
                "name": {"fi": "Kempeleen Kyläyhdistys ry", "sv": "", "en": ""},
            },
            "municipality": "244",
            "name": {"fi": "Kyläkahvila", "sv": "", "en": "Village café"},
            "description": {"fi": "Kahvia ja juttuseuraa kylätalolla.", "sv": "", "en": ""},
            "kind": "recurring",
            "weekday": 1,
            "start_time": "10:00:00",
            "end_time": "12:00:00",
            "schedule_note": "ei kesällä",
            "starts_at": None,
            "ends_at": None,
            "place_name": "Kylätalo",
            "address": "Kylätie 1, 90440 Kempele",
            "target_groups": [
                {
                    "slug": "seniors",
                    "name": {"fi": "Ikäihmiset", "sv": "Äldre", "en": "Older people"},
                }
            ],
            "is_free": True,
            "price": "",
            "languages": ["fi"],
            "registration_url": "",
            "url": None,
        }
    )


class AssociationSummary(Schema):
    id: int
    name: Multilingual
    short_description: Multilingual
    municipality: str
    themes: list[VocabularyOut]
    target_groups: list[VocabularyOut]
    languages: list[str]
    status: str
    website: str
    logo: str | None
    url: str | None
    api_url: str

    model_config = _examples(
        {
            "id": 12,
            "name": {"fi": "Kempeleen Kyläyhdistys ry", "sv": "Kempele byaförening", "en": ""},
            "short_description": {"fi": "Kylän yhteinen yhdistys.", "sv": "", "en": ""},
            "municipality": "244",
            "themes": [
                {
                    "slug": "village",
                    "name": {
                        "fi": "Kylätoiminta",
                        "sv": "Byaverksamhet",
                        "en": "Village activities",
                    },
                }
            ],
            "target_groups": [],
            "languages": ["fi"],
            "status": "active",
            "website": "https://kyla.example.fi/",
            "logo": None,
            "url": None,
            "api_url": "https://silta.example.fi/api/v1/associations/12",
        }
    )


class AssociationDetail(AssociationSummary):
    description: Multilingual
    accessibility: Multilingual
    social_links: list[Any]
    email: str
    phone: str
    municipalities: list[str]
    confirmed_at: datetime | None
    contacts: list[ContactOut]
    activities: list[ActivityOut]

    model_config = _examples(
        {
            **AssociationSummary.model_config["json_schema_extra"]["examples"][0],
            "description": {
                "fi": "Ylläpidämme kylätaloa ja järjestämme kylän yhteisiä tapahtumia.",
                "sv": "",
                "en": "",
            },
            "accessibility": {"fi": "Kylätalolle pääsee pyörätuolilla.", "sv": "", "en": ""},
            "social_links": ["https://social.example/kempeleenkyla"],
            "email": "info@kyla.example.fi",
            "phone": "",
            "municipalities": ["564"],
            "confirmed_at": "2026-09-01T09:30:00Z",
            "contacts": [
                {
                    "role": "chair",
                    "role_name": {
                        "fi": "puheenjohtaja",
                        "sv": "ordförande",
                        "en": "chair",
                    },
                    "name": "Kaisa Kyläläinen",
                    "email": "kaisa@kyla.example.fi",
                    "phone": None,
                }
            ],
            "activities": [ActivityOut.model_config["json_schema_extra"]["examples"][0]],
        }
    )


COUNT_EXACT = (
    "true, kun count on tarkka. false, kun rivejä on enemmän: haku ja toimintaluettelo "
    "laskevat enintään 1 000 riviä, koko maan haku enintään 300 (tai pyydetyn sivun loppuun "
    "asti), ja next-linkki vie silloin aina seuraavalle sivulle."
)


def _page_example(item_schema, path: str) -> ConfigDict:
    return _examples(
        {
            "count": 41,
            "count_exact": True,
            "next": f"https://silta.example.fi/api/v1/{path}?municipality=564&page=3",
            "previous": f"https://silta.example.fi/api/v1/{path}?municipality=564&page=1",
            "results": [item_schema.model_config["json_schema_extra"]["examples"][0]],
        }
    )


class AssociationPage(Schema):
    count: int
    count_exact: bool = Field(True, description=COUNT_EXACT)
    next: str | None
    previous: str | None
    results: list[AssociationSummary]

    model_config = _page_example(AssociationSummary, "associations")


class ActivityPage(Schema):
    count: int
    count_exact: bool = Field(True, description=COUNT_EXACT)
    next: str | None
    previous: str | None
    results: list[ActivityOut]

    model_config = _page_example(ActivityOut, "activities")


class ErrorItem(Schema):
    parameter: str
    code: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]

    model_config = _examples(
        {
            "detail": "Sivun koon pitää olla kokonaisluku väliltä 1–100.",
            "errors": [
                {
                    "parameter": "page_size",
                    "code": "less_than_equal",
                    "message": "Sivun koon pitää olla kokonaisluku väliltä 1–100.",
                }
            ],
        }
    )


class Links:
    """Absolute addresses for one request. Silta's own public pages are linked when the
    project has them (`url` is null otherwise)."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self._routes = {name: _has_route(name) for name in _PAGES}

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def page(self, route: str, pk: int) -> str | None:
        if not self._routes.get(route):
            return None
        return self.absolute(reverse(route, args=[pk]))

    def association_api(self, pk: int) -> str:
        return self.absolute(reverse("api-v1:association", args=[pk]))


_PAGES = ("associations:detail", "associations:activity")


def _has_route(name: str) -> bool:
    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


def vocabulary(item) -> dict:
    return {"slug": item.slug, "name": item.names()}


def municipality(m) -> dict:
    return {
        "code": m.code,
        "name": m.names(),
        "region": {"code": m.region.code, "name": m.region.names()},
        "language_status": m.language_status,
    }


def association_summary(a, links: Links) -> dict:
    return {
        "id": a.pk,
        "name": multilingual(a, "name"),
        "short_description": multilingual(a, "short_description"),
        "municipality": a.municipality.code,
        "themes": [vocabulary(t) for t in a.themes.all()],
        "target_groups": [vocabulary(t) for t in a.target_groups.all()],
        "languages": list(a.languages or []),
        "status": a.status,
        "website": a.website,
        "logo": links.absolute(a.logo.url) if a.logo else None,
        "url": links.page("associations:detail", a.pk),
        "api_url": links.association_api(a.pk),
    }


def contact(person) -> dict | None:
    details = person.public_details()
    if details is None:
        return None
    return {
        "role": details["role"],
        "role_name": in_all_languages(person.Role(details["role"]).label),
        "name": details["name"],
        "email": details["email"],
        "phone": details["phone"],
    }


def activity(act, links: Links) -> dict:
    return {
        "id": act.pk,
        "association": {"id": act.association.pk, "name": multilingual(act.association, "name")},
        "municipality": act.municipality.code,
        "name": multilingual(act, "name"),
        "description": multilingual(act, "description"),
        "kind": act.kind,
        "weekday": act.weekday,
        "start_time": act.start_time,
        "end_time": act.end_time,
        "schedule_note": act.schedule_note,
        "starts_at": act.starts_at,
        "ends_at": act.ends_at,
        "place_name": act.place_name,
        "address": act.address,
        "target_groups": [vocabulary(t) for t in act.target_groups.all()],
        "is_free": act.is_free,
        "price": act.price,
        "languages": list(act.languages or []),
        "registration_url": act.registration_url,
        "url": links.page("associations:activity", act.pk),
    }


def association_detail(a, links: Links) -> dict:
    contacts = [c for c in (contact(p) for p in a.contacts.all()) if c is not None]
    return {
        **association_summary(a, links),
        "description": multilingual(a, "description"),
        "accessibility": multilingual(a, "accessibility"),
        "social_links": list(a.social_links or []),
        "email": a.email,
        "phone": a.phone,
        "municipalities": [m.code for m in a.municipalities.all()],
        "confirmed_at": a.confirmed_at,
        "contacts": contacts,
        "activities": [activity(act, links) for act in a.activities.all()],
    }
