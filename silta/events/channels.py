"""Ready-to-publish invitation texts for the channels of seed 004 step 3 ("kutsuu järjestöt
koolle ... yhdistysten yhteisessä some-ryhmässä, kunnan verkkosivujen kautta, kunnan
some-kanavien kautta, kuntatiedotteen ilmoituksella").

The texts are Django templates under events/channels/, rendered once per language under
`translation.override`, so that the Swedish text is the Swedish catalogue's translation of
the same msgids, with the event's own Swedish title, themes and place names.

Dates are written the Finnish way in Helsinki time ("tiistaina 10.3.2027 klo 18–20"). The
name of a municipality or organiser is only ever used in the nominative ("Järjestäjä: Oulu"),
because a name cannot be inflected reliably ("Oulun", "Kempeleen", "Kauniaisten").

The registration address is SITE_URL + the public registration page, as in the emails and
calendars: texts and posters are published outside Silta, so they carry the canonical address
and not whatever host the organiser happened to use."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from .models import Event, ProgrammeItem

# The channels in the order seed 004 step 3 lists the public ones, then the bulletin.
CHANNELS = {
    "website": gettext_lazy("Kunnan verkkosivut"),
    "social": gettext_lazy("Kunnan sosiaalinen media"),
    "group": gettext_lazy("Yhdistysten yhteinen some-ryhmä"),
    "bulletin": gettext_lazy("Kuntatiedote ja paikallislehti"),
}
# A post must fit the strictest common limit of the municipality's social-media channels.
SOCIAL_LIMIT = 500

LANGUAGE_NAMES = {"fi": gettext_lazy("suomeksi"), "sv": gettext_lazy("ruotsiksi")}

_WEEKDAYS = [
    pgettext_lazy("viikonpäivänä", "maanantaina"),
    pgettext_lazy("viikonpäivänä", "tiistaina"),
    pgettext_lazy("viikonpäivänä", "keskiviikkona"),
    pgettext_lazy("viikonpäivänä", "torstaina"),
    pgettext_lazy("viikonpäivänä", "perjantaina"),
    pgettext_lazy("viikonpäivänä", "lauantaina"),
    pgettext_lazy("viikonpäivänä", "sunnuntaina"),
]


def languages_for(event: Event) -> list[str]:
    """Finnish everywhere; Swedish too where the municipality is bilingual, first where the
    majority speaks Swedish (and in the Swedish-speaking municipalities of Åland)."""
    municipality = event.home_municipality
    status = municipality.language_status if municipality else "fi"
    return {"fi": ["fi"], "fi-sv": ["fi", "sv"], "sv-fi": ["sv", "fi"], "sv": ["sv", "fi"]}.get(
        status, ["fi"]
    )


def unavailable_reason(event: Event, now=None) -> str | None:
    """Why no invitation should be published for the event, or None when it may be."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return _("Tapahtuma on peruttu, joten siihen ei enää kutsuta.")
    if event.status == Event.Status.HELD or event.ends_at <= now:
        return _("Tapahtuma on jo pidetty, joten siihen ei enää kutsuta.")
    if not event.is_public:
        return _(
            "Tapahtuma on vain kutsutuille, joten sitä ei ilmoiteta julkisissa kanavissa. "
            "Lähetä kutsut sähköpostilla suunnittelusivulta."
        )
    return None


# -- dates in Helsinki time, the Finnish way ----------------------------------------------


def _clock(moment) -> str:
    return f"{moment.hour}" if moment.minute == 0 else f"{moment.hour}.{moment.minute:02d}"


def _date(moment) -> str:
    return f"{moment.day}.{moment.month}.{moment.year}"


def day(moment) -> str:
    """'tiistaina 10.3.2027' (Swedish: 'tisdag 10.3.2027') in Helsinki time."""
    local = timezone.localtime(moment)
    return _("%(weekday)s %(date)s") % {
        "weekday": _WEEKDAYS[local.weekday()],
        "date": _date(local),
    }


def when(starts_at, ends_at) -> str:
    """'tiistaina 10.3.2027 klo 18–20', or with both days when it goes past midnight."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() == end.date():
        return _("%(day)s klo %(start)s–%(end)s") % {
            "day": day(start),
            "start": _clock(start),
            "end": _clock(end),
        }
    return _("%(day)s klo %(start)s – %(end_day)s klo %(end)s") % {
        "day": day(start),
        "start": _clock(start),
        "end_day": day(end),
        "end": _clock(end),
    }


def deadline(moment) -> str:
    """The last day to register. Midnight means the day before ends it; any other time
    than the end of a day is written out."""
    local = timezone.localtime(moment)
    if (local.hour, local.minute) == (0, 0):
        return day(local - timezone.timedelta(minutes=1))
    if (local.hour, local.minute) == (23, 59):
        return day(local)
    return _("%(day)s klo %(time)s") % {"day": day(local), "time": _clock(local)}


def programme_time(item: ProgrammeItem) -> str:
    start, end = timezone.localtime(item.starts_at), timezone.localtime(item.ends_at)
    return f"{start:%H.%M}–{end:%H.%M}"


# -- the facts every text is made of ------------------------------------------------------


@dataclass
class Facts:
    """What the texts need from the database, read once for every channel and language."""

    event: Event
    themes: list
    schedule: list  # confirmed talks only
    registration_url: str
    state: str  # Event.registration_state(); "unavailable" for a planned event


def facts(event: Event, now=None) -> Facts:
    schedule = [
        p for p in event.programme.all() if p.invitation == ProgrammeItem.Invitation.CONFIRMED
    ]
    state = event.registration_state(now)
    if event.status == Event.Status.PLANNED:
        # Texts are prepared before publishing; they invite to register as if open.
        state = "open"
        if event.registration_opens_at and (now or timezone.now()) < event.registration_opens_at:
            state = "not_yet"
    return Facts(
        event=event,
        themes=list(event.themes.all()),
        schedule=schedule,
        registration_url=registration_url(event),
        state=state,
    )


def registration_url(event: Event) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("events:register", args=[event.pk])


def detail_url(event: Event) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("events:detail", args=[event.pk])


def hashtag(name: str) -> str:
    """'#<name>' from a place name: lower case, letters and digits only ('Pedersören kunta'
    -> '#pedersörenkunta'); empty when nothing is left."""
    tag = re.sub(r"[^\w]", "", name.lower().replace("_", ""))
    return f"#{tag}" if tag else ""


def _context(f: Facts, lang: str, compact: bool = False) -> dict:
    """The values of one language; call under translation.override(lang)."""
    event = f.event
    municipality = event.home_municipality
    place = ", ".join(p for p in (event.venue_name.strip(), event.address.strip()) if p)
    evening = event.kind == Event.Kind.ASSOCIATION_EVENING
    tags = [
        pgettext("aihetunniste", "#yhdistysilta")
        if evening
        else pgettext("aihetunniste", "#yhdistykset")
    ]
    if municipality is not None:
        tags.append(hashtag(municipality.name))
    return {
        "lang": lang,
        "event": event,
        "title": event.title.strip(),
        "description": event.description.strip(),
        "is_evening": evening,
        "municipal_evening": evening and event.municipality_id is not None,
        "when": when(event.starts_at, event.ends_at),
        "venue": event.venue_name.strip(),
        "place": place,
        "municipality": municipality.name if municipality else "",
        "organiser": str(event.organiser),
        "themes": [t.name for t in f.themes],
        "schedule": [(programme_time(p), p.topic.strip(), p.speaker.strip()) for p in f.schedule],
        "accessibility": event.accessibility.strip(),
        "accessibility_inline": " ".join(event.accessibility.split()),
        "online_link": event.online_link,
        "state": f.state,
        "url": f.registration_url,
        "has_deadline": event.registration_closes_at is not None,
        "deadline": deadline(event.registration_closes_at) if event.registration_closes_at else "",
        "opens": deadline(event.registration_opens_at) if event.registration_opens_at else "",
        "hashtags": " ".join(t for t in tags if t),
        "compact": compact,
    }


_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t]+\n")


def _tidy(text: str) -> str:
    text = _TRAILING.sub("\n", text.replace("\r", ""))
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


def render(f: Facts, channel: str, lang: str) -> str:
    if channel not in CHANNELS:
        raise ValueError(channel)
    with translation.override(lang):
        text = _tidy(render_to_string(f"events/channels/{channel}.txt", _context(f, lang)))
        if channel == "social" and len(text) > SOCIAL_LIMIT:
            # Long names: leave out the address and the themes rather than the essentials.
            text = _tidy(
                render_to_string(f"events/channels/{channel}.txt", _context(f, lang, True))
            )
    return text


@dataclass
class Text:
    channel: str
    lang: str
    text: str

    @property
    def label(self) -> str:
        return str(CHANNELS[self.channel])

    @property
    def language_name(self) -> str:
        return str(LANGUAGE_NAMES[self.lang])

    @property
    def chars(self) -> int:
        return len(self.text.rstrip("\n"))

    @property
    def too_long(self) -> bool:
        return self.channel == "social" and self.chars > SOCIAL_LIMIT

    @property
    def rows(self) -> int:
        """Lines for the text box: the whole text where it is short, a scroll where long."""
        return max(4, min(self.text.count("\n") + 2, 22))

    @property
    def slug(self) -> str:
        return f"{self.channel}-{self.lang}"


def texts(f: Facts) -> list[Text]:
    """Every channel in every language of the municipality: by language, then channel."""
    return [
        Text(channel, lang, render(f, channel, lang))
        for lang in languages_for(f.event)
        for channel in CHANNELS
    ]


def as_txt(items: list[Text]) -> str:
    """All the texts in one plain-text file, each under its channel and language."""
    parts = []
    for item in items:
        heading = f"{item.label} ({item.language_name})"
        parts.append(f"{heading}\n{'=' * len(heading)}\n\n{item.text}")
    return "\n\n".join(parts)
