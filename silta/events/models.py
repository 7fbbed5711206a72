"""Everything with a date: association evenings, planning, regular, peer and regional
meetings, trainings, associations' public events. Their themes, programme, division of
tasks, workshop questions and registrations.

Times are stored in UTC and entered and shown in Europe/Helsinki (settings.TIME_ZONE)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from silta.accounts.permissions import scope_of
from silta.core.tokens import hash_token, new_token  # noqa: F401 (used by events code and tests)


def _localised(obj, base: str) -> str:
    lang = (get_language() or "fi")[:2]
    return getattr(obj, f"{base}_{lang}", "") or getattr(obj, f"{base}_fi", "")


class EventTheme(models.Model):
    """The themes suggested for an association evening (seed 004); an editable list."""

    slug = models.SlugField(_("tunniste"), max_length=40, unique=True)
    name_fi = models.CharField(_("nimi"), max_length=200)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=200, blank=True)
    name_en = models.CharField(_("nimi englanniksi"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("järjestys"), default=100)

    class Meta:
        ordering = ["order", "name_fi"]
        verbose_name = _("tapahtuman teema")
        verbose_name_plural = _("tapahtumien teemat")

    @property
    def name(self) -> str:
        return _localised(self, "name")

    def names(self) -> dict:
        return {"fi": self.name_fi, "sv": self.name_sv, "en": self.name_en}

    def __str__(self) -> str:
        return self.name


VISIBLE_STATUSES = ["published", "held", "cancelled"]


def _public_q() -> Q:
    return Q(is_public=True, status__in=VISIBLE_STATUSES)


def _manage_q(s) -> Q:
    return (
        Q(municipality_id__in=s.liaison_of | s.agent_of)
        | Q(organisation_id__in=s.coordinator_of)
        | Q(association_id__in=s.member_of)
    )


class EventQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: public events that have been published (or were held or
        cancelled after publishing)."""
        return self.filter(_public_q())

    def in_municipality(self, municipality):
        """Organised by the municipality or one of its associations, or held there."""
        return self.filter(
            Q(municipality=municipality)
            | Q(association__municipality=municipality)
            | Q(venue_municipality=municipality)
        )

    def manageable_by(self, user):
        s = scope_of(user)
        if s.is_admin:
            return self
        return self.filter(_manage_q(s))

    def visible_to(self, user):
        """Public events for everyone; the organisers' own events, planned ones too; and the
        published invitation-only meetings of one's own municipality or organisation."""
        s = scope_of(user)
        if s.is_admin:
            return self
        condition = _public_q() | _manage_q(s)
        if s.is_authenticated:
            from silta.accounts.models import CoordinatingOrganisation
            from silta.associations.models import Association

            home = Association.objects.filter(pk__in=s.member_of).values("municipality_id")
            # Regional meetings reach the staff of every municipality the organisation serves.
            serving = CoordinatingOrganisation.municipalities.through.objects.filter(
                municipality_id__in=s.liaison_of | s.agent_of
            ).values("coordinatingorganisation_id")
            condition |= Q(status__in=VISIBLE_STATUSES) & (
                Q(municipality_id__in=s.staff_municipalities)
                | Q(organisation_id__in=s.coordinator_of)
                | Q(organisation_id__in=serving)
                | Q(municipality_id__in=home)
            )
        return self.filter(condition)

    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now())


class Event(models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION_EVENING = "association_evening", _("yhdistysilta")
        PLANNING_MEETING = "planning_meeting", _("suunnittelupalaveri")
        REGULAR_MEETING = "regular_meeting", _("säännöllinen yhdistystapaaminen")
        PEER_MEETING = "peer_meeting", _("yhdistysagenttien vertaistapaaminen")
        REGIONAL_MEETING = "regional_meeting", _("alueellinen yhteistyötapaaminen")
        TRAINING = "training", _("koulutus")
        ASSOCIATION_EVENT = "association_event", _("yhdistyksen avoin tapahtuma")
        OTHER = "other", _("muu tapahtuma")

    class Status(models.TextChoices):
        PLANNED = "planned", _("suunnitteilla")
        PUBLISHED = "published", _("julkaistu")
        CANCELLED = "cancelled", _("peruttu")
        HELD = "held", _("pidetty")

    kind = models.CharField(_("tapahtuman laji"), max_length=24, choices=Kind.choices)
    # The organiser: exactly one of these three (a check constraint).
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("järjestäjä: kunta"),
    )
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("järjestäjä: yhdistys"),
    )
    organisation = models.ForeignKey(
        "accounts.CoordinatingOrganisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("järjestäjä: koordinoiva organisaatio"),
    )
    venue_municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("tapahtumapaikan kunta"),
    )
    title_fi = models.CharField(_("nimi"), max_length=200)
    title_sv = models.CharField(_("nimi ruotsiksi"), max_length=200, blank=True)
    title_en = models.CharField(_("nimi englanniksi"), max_length=200, blank=True)
    description_fi = models.TextField(_("kuvaus"), max_length=5000, blank=True)
    description_sv = models.TextField(_("kuvaus ruotsiksi"), max_length=5000, blank=True)
    description_en = models.TextField(_("kuvaus englanniksi"), max_length=5000, blank=True)
    venue_name = models.CharField(_("paikka"), max_length=200, blank=True)
    address = models.CharField(_("osoite"), max_length=300, blank=True)
    accessibility = models.TextField(_("saavutettavuus"), max_length=2000, blank=True)
    online_link = models.URLField(_("etäosallistumisen linkki"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))
    capacity = models.PositiveIntegerField(_("enimmäismäärä osallistujia"), null=True, blank=True)
    registration_opens_at = models.DateTimeField(_("ilmoittautuminen alkaa"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("ilmoittautuminen päättyy"), null=True, blank=True
    )
    is_public = models.BooleanField(_("julkinen tapahtuma"), default=True)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    themes = models.ManyToManyField(
        EventTheme, related_name="events", blank=True, verbose_name=_("teemat")
    )
    planning_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planning_meetings",
        verbose_name=_("suunniteltava tapahtuma"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("tapahtuma")
        verbose_name_plural = _("tapahtumat")
        indexes = [models.Index(fields=["status", "is_public", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                name="event_exactly_one_organiser",
                condition=(
                    Q(
                        municipality__isnull=False,
                        association__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        municipality__isnull=True,
                        association__isnull=False,
                        organisation__isnull=True,
                    )
                    | Q(
                        municipality__isnull=True,
                        association__isnull=True,
                        organisation__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="event_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def description(self) -> str:
        return _localised(self, "description")

    @property
    def organiser(self):
        return self.municipality or self.association or self.organisation

    @property
    def home_municipality(self):
        """The municipality whose pages and audit log the event belongs to, if any."""
        if self.municipality_id:
            return self.municipality
        if self.association_id:
            return self.association.municipality
        return self.venue_municipality

    @property
    def closes_at(self):
        return self.registration_closes_at or self.starts_at

    def registration_state(self, now=None) -> str:
        """'open', 'not_yet', 'closed' or 'unavailable' (cancelled, held or not published)."""
        now = now or timezone.now()
        if self.status != Event.Status.PUBLISHED:
            return "unavailable"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if now >= self.closes_at:
            return "closed"
        return "open"


class ProgrammeItem(models.Model):
    """A talk (puheenvuoro): speaker, topic and time slot, with the invitation's state."""

    class Invitation(models.TextChoices):
        ASKED = "asked", _("kysytty")
        CONFIRMED = "confirmed", _("vahvistettu")
        DECLINED = "declined", _("kieltäytynyt")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    speaker = models.CharField(_("puhuja"), max_length=200)
    topic = models.CharField(_("aihe"), max_length=300)
    starts_at = models.DateTimeField(_("alkaa"))
    ends_at = models.DateTimeField(_("päättyy"))
    invitation = models.CharField(
        _("kutsun tila"), max_length=10, choices=Invitation.choices, default=Invitation.ASKED
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("puheenvuoro")
        verbose_name_plural = _("ohjelma")
        constraints = [
            models.CheckConstraint(
                name="programme_item_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.topic}"


class Task(models.Model):
    """One job of the division of tasks: who asks which speaker, books the room, the coffee."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("tehtävä"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_tasks",
        verbose_name=_("vastuuhenkilö"),
    )
    due_on = models.DateField(_("määräpäivä"), null=True, blank=True)
    done = models.BooleanField(_("tehty"), default=False)

    class Meta:
        ordering = ["done", "due_on", "pk"]
        verbose_name = _("tehtävä")
        verbose_name_plural = _("tehtävät")

    def __str__(self) -> str:
        return self.title


class WorkshopQuestion(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="workshop_questions")
    text = models.CharField(_("kysymys"), max_length=500)
    order = models.PositiveSmallIntegerField(_("järjestys"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("työpajan kysymys")
        verbose_name_plural = _("työpajan kysymykset")

    def __str__(self) -> str:
        return self.text


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def by_token(self, token: str):
        if not token or len(token) > 100:
            return None
        return self.select_related("event").filter(token_hash=hash_token(token)).first()


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("vahvistettu")
        WAITING = "waiting", _("jonossa")
        CANCELLED = "cancelled", _("peruttu")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("nimi"), max_length=200)
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("yhdistys"),
    )
    email = models.EmailField(_("sähköposti"))
    people = models.PositiveSmallIntegerField(_("henkilömäärä"), default=1)
    dietary_needs = models.CharField(_("ruokavalio"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("saavutettavuustarpeet"), max_length=500, blank=True)
    consent = models.BooleanField(_("suostumus tietojen säilyttämiseen"), default=False)
    erase_after = models.DateField(_("tiedot poistetaan"))
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    language = models.CharField(_("kieli"), max_length=5, default="fi")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    attended = models.BooleanField(_("paikalla"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    created_at = models.DateTimeField(_("ilmoittautunut"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ilmoittautuminen")
        verbose_name_plural = _("ilmoittautumiset")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="registration_unique_active_email",
            ),
            models.CheckConstraint(name="registration_people_positive", condition=Q(people__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.event})"


class InvitationQuerySet(models.QuerySet):
    def by_token(self, event: Event, token: str):
        if not token or len(token) > 100:
            return None
        return self.filter(event=event, token_hash=hash_token(token)).first()


class Invitation(models.Model):
    """One emailed invitation to an event (seed 004 step 3): to one address once, with a
    personal registration link whose token is stored only as a hash. Its delivery state
    follows the queued message in silta.core (see signals.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("jonossa")
        SENT = "sent", _("lähetetty")
        FAILED = "failed", _("epäonnistui")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_invitations",
        verbose_name=_("yhdistys"),
    )
    email = models.EmailField(_("sähköposti"))
    language = models.CharField(_("kieli"), max_length=5, default="fi")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    sent_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)
    error = models.TextField(_("virhe"), blank=True)
    opened_at = models.DateTimeField(_("linkki avattu"), null=True, blank=True)
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("ilmoittautuminen"),
    )
    message = models.ForeignKey(
        "core.OutgoingEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kutsu")
        verbose_name_plural = _("kutsut")
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="event_invitation_unique_email")
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.event_id})"


# -- the workshop of an evening and its summary (seed 004 step 4, seed 000 step 2) -----------


class WorkshopBoard(models.Model):
    """The live workshop of one event. Participants reach it by a link (QR code) whose token
    is stored only as a hash; the link itself is derived from `link_seed` and SECRET_KEY
    (see workshop.py and docs/decisions/0007-workshop-device-voice.md)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="workshop_board")
    link_seed = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_open = models.BooleanField(_("auki"), default=False)
    opened_at = models.DateTimeField(_("avattu"), null=True, blank=True)
    closed_at = models.DateTimeField(_("suljettu"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("työpaja")
        verbose_name_plural = _("työpajat")

    def __str__(self) -> str:
        return f"{_('työpaja')}: {self.event}"


class WorkshopNote(models.Model):
    """One view written on a phone (or typed in by the organiser on behalf of the room).
    Anonymous: only a hash of the device's random id is kept, to count its voice."""

    question = models.ForeignKey(WorkshopQuestion, on_delete=models.CASCADE, related_name="notes")
    text = models.CharField(_("näkemys"), max_length=500)
    text_hash = models.CharField(max_length=64, editable=False)
    device_hash = models.CharField(max_length=64, blank=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )
    is_hidden = models.BooleanField(_("piilotettu"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("työpajan näkemys")
        verbose_name_plural = _("työpajan näkemykset")
        constraints = [
            # A double click sends the same text twice: the second is the same note.
            models.UniqueConstraint(
                fields=["question", "device_hash", "text_hash"],
                condition=~Q(device_hash=""),
                name="workshop_note_once_per_device",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class NoteSupport(models.Model):
    """A "+1 / samaa mieltä" of one device for one note."""

    note = models.ForeignKey(WorkshopNote, on_delete=models.CASCADE, related_name="supports")
    device_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("samaa mieltä")
        verbose_name_plural = _("samaa mieltä")
        constraints = [
            models.UniqueConstraint(fields=["note", "device_hash"], name="note_support_once")
        ]

    def __str__(self) -> str:
        return f"+1 {self.note_id}"


class Summary(models.Model):
    """What the liaison compiles from the workshop and sends to the associations, with what
    happens next (kooste). `sections` is a list of {"question": ..., "text": ...}. No
    personal data of registrations: the notes are anonymous."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("luonnos")
        SENT = "sent", _("lähetetty")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="summary")
    sections = models.JSONField(_("työpajan anti"), default=list, blank=True)
    decisions = models.TextField(_("päätökset ja sovitut asiat"), max_length=5000, blank=True)
    next_steps = models.TextField(_("miten asia etenee"), max_length=5000, blank=True)
    next_evening_on = models.DateField(_("seuraava yhdistysilta"), null=True, blank=True)
    commenting = models.TextField(_("miten teemaa voi kommentoida"), max_length=2000, blank=True)
    contact = models.TextField(_("yhteystiedot"), max_length=1000, blank=True)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    sent_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "pk"]
        verbose_name = _("kooste")
        verbose_name_plural = _("koosteet")

    def __str__(self) -> str:
        return f"{_('kooste')}: {self.event}"


class SummaryRecipient(models.Model):
    """One address the summary was sent to, once; delivery follows the queued message."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="recipients")
    email = models.EmailField(_("sähköposti"))
    language = models.CharField(_("kieli"), max_length=5, default="fi")
    message = models.ForeignKey(
        "core.OutgoingEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("koosteen vastaanottaja")
        verbose_name_plural = _("koosteen vastaanottajat")
        constraints = [
            models.UniqueConstraint(fields=["summary", "email"], name="summary_recipient_once")
        ]

    def __str__(self) -> str:
        return self.email
