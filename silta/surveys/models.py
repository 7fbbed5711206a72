"""Surveys: questionnaires (shipped templates and organisations' own copies), rounds run for a
target, personal answer links, responses and answers.

A personal link's token is never stored. It is derived from the invitation's random salt with
the site's secret key (so that a reminder can carry the same link), and only its SHA-256 hash
is kept for the lookup; a copy of the database alone gives nobody a working link.

In an anonymous round a response does not point at its invitation: it is found by a second,
keyed hash of the token (`resume_key_for`), so only the holder of the link can come back to
it. Once the answers are sent, the invitation forgets its salt and keeps only the day it was
answered. See docs/decisions/0009-anonymous-survey-answers.md.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from silta.accounts.permissions import scope_of
from silta.core.tokens import hash_token, secret_keys, stored_derivation


def localised(obj, base: str) -> str:
    lang = (get_language() or "fi")[:2]
    return getattr(obj, f"{base}_{lang}", "") or getattr(obj, f"{base}_fi", "")


class Purpose(models.TextChoices):
    MAPPING = "mapping", _("kunnan järjestöyhteistyön kartoitus")
    ASSOCIATIONS_VIEW = "associations_view", _("yhdistysten näkemys")
    WORKSHOP = "workshop", _("yhdistysillan työpaja")
    TRAINING_FEEDBACK = "training_feedback", _("koulutuspalaute")
    EVALUATION_AGENTS = "evaluation_agents", _("arviointi yhdistysagenteille")
    EVALUATION_LIAISONS = "evaluation_liaisons", _("arviointi järjestöyhdyshenkilöille")
    SELF_ASSESSMENT = "self_assessment", _("järjestöystävällisen kunnan itsearviointi")
    OTHER = "other", _("muu kysely")


class QuestionnaireQuerySet(models.QuerySet):
    def templates(self):
        return self.filter(is_template=True, organisation__isnull=True)

    def usable_by(self, user):
        """Shipped templates and the copies of the person's own organisations."""
        s = scope_of(user)
        if s.is_admin:
            return self
        return self.filter(
            Q(organisation__isnull=True, is_template=True) | Q(organisation_id__in=s.coordinator_of)
        )


class Questionnaire(models.Model):
    key = models.SlugField(_("tunniste"), max_length=60, unique=True, null=True, blank=True)
    purpose = models.CharField(
        _("käyttötarkoitus"), max_length=24, choices=Purpose.choices, default=Purpose.OTHER
    )
    title_fi = models.CharField(_("otsikko"), max_length=200)
    title_sv = models.CharField(_("otsikko ruotsiksi"), max_length=200, blank=True)
    title_en = models.CharField(_("otsikko englanniksi"), max_length=200, blank=True)
    intro_fi = models.TextField(_("johdanto"), max_length=3000, blank=True)
    intro_sv = models.TextField(_("johdanto ruotsiksi"), max_length=3000, blank=True)
    intro_en = models.TextField(_("johdanto englanniksi"), max_length=3000, blank=True)
    is_template = models.BooleanField(_("mallipohja"), default=False)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("kopioitu pohjasta"),
    )
    organisation = models.ForeignKey(
        "accounts.CoordinatingOrganisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name=_("omistaja"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["-is_template", "title_fi"]
        verbose_name = _("kyselylomake")
        verbose_name_plural = _("kyselylomakkeet")

    @property
    def title(self) -> str:
        return localised(self, "title")

    @property
    def intro(self) -> str:
        return localised(self, "intro")

    @property
    def is_shipped(self) -> bool:
        return self.organisation_id is None and self.is_template

    def __str__(self) -> str:
        return self.title_fi


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(default=0)
    title_fi = models.CharField(_("otsikko"), max_length=200, blank=True)
    title_sv = models.CharField(_("otsikko ruotsiksi"), max_length=200, blank=True)
    title_en = models.CharField(_("otsikko englanniksi"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("osio")
        verbose_name_plural = _("osiot")

    @property
    def title(self) -> str:
        return localised(self, "title")

    def __str__(self) -> str:
        return self.title_fi or f"#{self.pk}"


class Question(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("kyllä / ei")
        SINGLE = "single", _("yksi vaihtoehto")
        MULTIPLE = "multiple", _("useita vaihtoehtoja")
        SCALE = "scale", _("asteikko 1–5")
        NUMBER = "number", _("luku")
        SHORT_TEXT = "short_text", _("lyhyt teksti")
        LONG_TEXT = "long_text", _("pitkä teksti")

    CHOICE_KINDS = {Kind.YES_NO, Kind.SINGLE, Kind.MULTIPLE, Kind.SCALE}
    TEXT_KINDS = {Kind.SHORT_TEXT, Kind.LONG_TEXT}

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("tyyppi"), max_length=12, choices=Kind.choices)
    text_fi = models.CharField(_("kysymys"), max_length=500)
    text_sv = models.CharField(_("kysymys ruotsiksi"), max_length=500, blank=True)
    text_en = models.CharField(_("kysymys englanniksi"), max_length=500, blank=True)
    help_fi = models.CharField(_("ohje"), max_length=500, blank=True)
    help_sv = models.CharField(_("ohje ruotsiksi"), max_length=500, blank=True)
    help_en = models.CharField(_("ohje englanniksi"), max_length=500, blank=True)
    required = models.BooleanField(_("pakollinen"), default=False)
    topic = models.SlugField(
        _("aihe"),
        max_length=40,
        blank=True,
        help_text=_("Saman aiheen kysymyksiä verrataan eri kyselyjen välillä."),
    )
    min_value = models.IntegerField(_("pienin luku"), null=True, blank=True)
    max_value = models.IntegerField(_("suurin luku"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("enimmäispituus"), null=True, blank=True)
    low_label_fi = models.CharField(_("asteikon alapää"), max_length=100, blank=True)
    low_label_sv = models.CharField(_("asteikon alapää ruotsiksi"), max_length=100, blank=True)
    low_label_en = models.CharField(_("asteikon alapää englanniksi"), max_length=100, blank=True)
    high_label_fi = models.CharField(_("asteikon yläpää"), max_length=100, blank=True)
    high_label_sv = models.CharField(_("asteikon yläpää ruotsiksi"), max_length=100, blank=True)
    high_label_en = models.CharField(_("asteikon yläpää englanniksi"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("jatkokysymys kysymykselle"),
    )
    parent_value = models.CharField(
        _("näytetään vastauksella"), max_length=40, blank=True, help_text=_("Esimerkiksi yes.")
    )

    class Meta:
        ordering = ["section__order", "order", "id"]
        verbose_name = _("kysymys")
        verbose_name_plural = _("kysymykset")

    @property
    def text(self) -> str:
        return localised(self, "text")

    @property
    def help(self) -> str:
        return localised(self, "help")

    @property
    def low_label(self) -> str:
        return localised(self, "low_label")

    @property
    def high_label(self) -> str:
        return localised(self, "high_label")

    @property
    def text_limit(self) -> int:
        default = 200 if self.kind == self.Kind.SHORT_TEXT else 5000
        return min(self.max_length or default, default)

    def __str__(self) -> str:
        return self.text_fi


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(default=0)
    value = models.SlugField(_("arvo"), max_length=40)
    label_fi = models.CharField(_("vaihtoehto"), max_length=200)
    label_sv = models.CharField(_("vaihtoehto ruotsiksi"), max_length=200, blank=True)
    label_en = models.CharField(_("vaihtoehto englanniksi"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("vaihtoehto")
        verbose_name_plural = _("vaihtoehdot")
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="choice_unique_value")
        ]

    @property
    def label(self) -> str:
        return localised(self, "label")

    def __str__(self) -> str:
        return self.label_fi


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators: the municipalities they serve and those municipalities' regions;
        liaisons: their municipality's rounds; agents: their municipality's associations'
        rounds. Answering needs no visibility: it goes by the personal link."""
        s = scope_of(user)
        if s.is_admin:
            return self
        if not s.is_authenticated:
            return self.none()
        q = Q(municipality_id__in=s.coordinated | s.liaison_of)
        q |= Q(region__municipalities__in=s.coordinated)
        q |= Q(municipality_id__in=s.agent_of, target_kind=Round.Target.ASSOCIATIONS)
        if s.coordinator_of:
            q |= Q(created_by=user)
        return self.filter(q).distinct()

    def manageable_by(self, user):
        s = scope_of(user)
        if s.is_admin:
            return self
        if not (s.coordinated or s.liaison_of):
            return self.none()
        q = Q(municipality_id__in=s.coordinated | s.liaison_of)
        q |= Q(region__municipalities__in=s.coordinated)
        return self.filter(q).distinct()

    def open_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Round(models.Model):
    class Target(models.TextChoices):
        LIAISON = "liaison", _("kunnan järjestöyhdyshenkilö")
        ASSOCIATIONS = "associations", _("kunnan yhdistykset")
        AGENTS = "agents", _("maakunnan yhdistysagentit")
        TRAINING = "training", _("koulutuksen osallistujat")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("lomake")
    )
    title = models.CharField(_("nimi"), max_length=200)
    target_kind = models.CharField(_("kohderyhmä"), max_length=14, choices=Target.choices)
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_rounds",
        verbose_name=_("kunta"),
    )
    region = models.ForeignKey(
        "places.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_rounds",
        verbose_name=_("maakunta"),
    )
    opens_on = models.DateField(_("avautuu"))
    closes_on = models.DateField(_("sulkeutuu"))
    anonymous = models.BooleanField(_("nimettömät vastaukset"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("kyselykierros")
        verbose_name_plural = _("kyselykierrokset")
        constraints = [
            models.CheckConstraint(
                name="round_closes_after_opening", condition=Q(closes_on__gte=models.F("opens_on"))
            ),
            models.CheckConstraint(
                name="round_has_a_place",
                condition=Q(municipality__isnull=False) | Q(region__isnull=False),
            ),
        ]

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on

    def state(self, day=None) -> str:
        day = day or timezone.localdate()
        if day < self.opens_on:
            return "upcoming"
        return "open" if day <= self.closes_on else "closed"

    @property
    def place(self):
        return self.municipality or self.region

    def __str__(self) -> str:
        return self.title


def token_for(salt: str, key: str | None = None) -> str:
    """The personal link's token, derived from the salt with `key` (SECRET_KEY by default)."""
    digest = hmac.new(
        (key or settings.SECRET_KEY).encode(), f"silta-survey:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def resume_key_for(token: str, key: str | None = None) -> str:
    """The key of an anonymous response: a keyed hash of the link's token with its own
    purpose string, so that it can be matched neither to the invitation's token hash nor to
    anything else stored. `key` is SECRET_KEY by default."""
    return hmac.new(
        (key or settings.SECRET_KEY).encode(),
        f"silta-anonymous-response:{token}".encode(),
        hashlib.sha256,
    ).hexdigest()


def resume_keys_for(token: str) -> list[str]:
    """The keys an anonymous response of the link may be stored under: one per site key
    (SECRET_KEY and the old ones of SECRET_KEY_FALLBACKS), the current one first."""
    return [resume_key_for(token, key) for key in secret_keys()]


class InvitationQuerySet(models.QuerySet):
    def for_token(self, token: str):
        """The invitation of a personal link, or None. The lookup is by hash; the final
        comparison is in constant time."""
        if not token or len(token) > 100 or not token.isascii():
            return None
        wanted = hash_token(token)
        found = self.select_related("round__questionnaire").filter(token_hash=wanted)
        invitation = found.first()
        if invitation is None:
            return None
        # An answered invitation of an anonymous round has no salt left to derive from.
        if not invitation.salt:
            return invitation if hmac.compare_digest(invitation.token_hash, wanted) else None
        # The token a site key derives (an old key of SECRET_KEY_FALLBACKS for a link mailed
        # before SECRET_KEY was replaced), not just any token whose hash is stored.
        return invitation if hmac.compare_digest(invitation.token, token) else None

    def unanswered(self):
        return self.filter(answered_at__isnull=True)


class Invitation(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    email = models.EmailField(_("sähköposti"))
    language = models.CharField(_("kieli"), max_length=5, default="fi")
    salt = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("muistutettu"), null=True, blank=True)
    answered_at = models.DateTimeField(_("vastattu"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["round", "email"]
        verbose_name = _("kyselykutsu")
        verbose_name_plural = _("kyselykutsut")
        constraints = [
            models.UniqueConstraint(fields=["round", "email"], name="invitation_unique_email")
        ]

    def set_token(self) -> str:
        self.salt = secrets.token_hex(16)
        token = token_for(self.salt)
        self.token_hash = hash_token(token)
        return token

    @property
    def token(self) -> str:
        """The link's token: the one whose hash is stored, derived with whichever site key
        made it (SECRET_KEY, or an old key of SECRET_KEY_FALLBACKS after a replacement).
        Empty once an anonymous answer has been sent (the salt is gone), and when no key
        known any more gives the stored hash: that link is dead, and mail and pages give the
        invitation a new one (services.link_token)."""
        if not self.salt:
            return ""
        return stored_derivation(lambda key: token_for(self.salt, key), self.token_hash) or ""

    @property
    def respondent(self) -> str:
        if self.association_id:
            return str(self.association)
        if self.user_id:
            return str(self.user)
        return self.email

    def __str__(self) -> str:
        return f"{self.round}: {self.email}"


class ResponseQuerySet(models.QuerySet):
    def interviews(self):
        """Answers entered by an interviewer: neither an invitation nor an anonymous link."""
        return self.filter(invitation__isnull=True, resume_key__isnull=True)


class Response(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    # Identified rounds only; in an anonymous round this stays empty.
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    resume_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # Counts the saves; a form carries the revision it was built from (double submits).
    revision = models.PositiveIntegerField(default=0, editable=False)
    respondent_label = models.CharField(_("vastaaja"), max_length=200, blank=True)
    interviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("haastattelija"),
    )
    interviewed_at = models.DateField(_("haastattelupäivä"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("vastaus")
        verbose_name_plural = _("vastaukset")

    def __str__(self) -> str:
        return f"{self.round}: {self.respondent_label or self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        verbose_name = _("vastaus kysymykseen")
        verbose_name_plural = _("vastaukset kysymyksiin")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"
