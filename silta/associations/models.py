"""The association directory: associations, their contact people (public only with
consent), their activities, the controlled vocabularies and the saved recipient lists."""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from silta.accounts.permissions import scope_of

from .validators import validate_business_id, validate_register_number

LANGUAGE_CHOICES = [
    ("fi", _("suomi")),
    ("sv", _("ruotsi")),
    ("en", _("englanti")),
    ("se", _("saame")),
    ("ru", _("venäjä")),
    ("et", _("viro")),
    ("ar", _("arabia")),
    ("so", _("somali")),
    ("uk", _("ukraina")),
    ("fi-sign", _("suomalainen viittomakieli")),
]


def _localised(obj, base: str) -> str:
    lang = (get_language() or "fi")[:2]
    return getattr(obj, f"{base}_{lang}", "") or getattr(obj, f"{base}_fi", "")


class Vocabulary(models.Model):
    """A controlled, editable list entry with names in three languages."""

    slug = models.SlugField(_("tunniste"), max_length=40, unique=True)
    name_fi = models.CharField(_("nimi"), max_length=100)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=100, blank=True)
    name_en = models.CharField(_("nimi englanniksi"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("järjestys"), default=100)

    class Meta:
        abstract = True
        ordering = ["order", "name_fi"]

    @property
    def name(self) -> str:
        return _localised(self, "name")

    def names(self) -> dict:
        return {"fi": self.name_fi, "sv": self.name_sv, "en": self.name_en}

    def __str__(self) -> str:
        return self.name


class Theme(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("teema")
        verbose_name_plural = _("teemat")


class TargetGroup(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("kohderyhmä")
        verbose_name_plural = _("kohderyhmät")


class _InArray(models.Func):
    """`id IN (subquery)`, which PostgreSQL writes `id = ANY(ARRAY(subquery))`: the
    subquery runs once and the ids go to the primary key index, so an OR with another
    indexed condition becomes a BitmapOr of two index scans. With `IN (subquery)` the OR
    made PostgreSQL read every association of the country (a hashed subplan per row)."""

    output_field = models.BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.source_expressions[0])
        subquery, subquery_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            return f"{column} = ANY(ARRAY{subquery})", (*column_params, *subquery_params)
        return f"{column} IN {subquery}", (*column_params, *subquery_params)


def present_in(municipality_ids) -> models.Q:
    """At home in or acting in any of the municipalities. SQLite answers the OR with its
    MULTI-INDEX OR (the home half from the covering (municipality, name_fi, status) index);
    PostgreSQL with a BitmapOr (see _InArray)."""
    ids = list(municipality_ids)
    acting = Association.municipalities.through.objects.filter(municipality_id__in=ids).values(
        "association_id"
    )
    if connection.vendor != "postgresql":
        # A plain IN: Django would write the expression as "(... IN ...) = 1" on SQLite,
        # which hides the OR from its MULTI-INDEX OR plan.
        return models.Q(municipality_id__in=ids) | models.Q(pk__in=acting)
    return models.Q(municipality_id__in=ids) | models.Q(
        _InArray(models.F("pk"), models.Subquery(acting))
    )


class AssociationQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status=Association.Status.DISSOLVED)

    def in_municipality(self, municipality):
        """Associations at home in, or acting in, the municipality."""
        return self.filter(present_in([municipality.pk]))

    def visible_to(self, user):
        """Public associations for everyone; dissolved ones only to those who keep the register."""
        s = scope_of(user)
        if s.is_admin:
            return self
        return self.filter(
            ~models.Q(status=Association.Status.DISSOLVED)
            | models.Q(municipality_id__in=s.staff_municipalities)
            | models.Q(pk__in=s.member_of)
        )

    def editable_by(self, user):
        s = scope_of(user)
        if s.is_admin:
            return self
        return self.filter(
            models.Q(pk__in=s.member_of) | models.Q(municipality_id__in=s.liaison_of | s.agent_of)
        )

    def out_of_date(self, days=None):
        limit = timezone.now() - timezone.timedelta(days=days or CONFIRMATION_INTERVAL_DAYS)
        return self.public().filter(
            models.Q(confirmed_at__isnull=True) | models.Q(confirmed_at__lt=limit)
        )


CONFIRMATION_INTERVAL_DAYS = 365


def logo_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"logot/{instance.pk or 'uusi'}-{timezone.now():%Y%m%d%H%M%S}.{ext}"


class Association(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("toiminnassa")
        DORMANT = "dormant", _("toiminta tauolla")
        DISSOLVED = "dissolved", _("lakannut")

    name_fi = models.CharField(_("nimi"), max_length=200)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=200, blank=True)
    name_en = models.CharField(_("nimi englanniksi"), max_length=200, blank=True)
    short_description_fi = models.CharField(_("lyhyt kuvaus"), max_length=300, blank=True)
    short_description_sv = models.CharField(_("lyhyt kuvaus ruotsiksi"), max_length=300, blank=True)
    short_description_en = models.CharField(
        _("lyhyt kuvaus englanniksi"), max_length=300, blank=True
    )
    description_fi = models.TextField(_("kuvaus"), max_length=5000, blank=True)
    description_sv = models.TextField(_("kuvaus ruotsiksi"), max_length=5000, blank=True)
    description_en = models.TextField(_("kuvaus englanniksi"), max_length=5000, blank=True)
    register_number = models.CharField(
        _("yhdistysrekisterinumero"),
        max_length=20,
        blank=True,
        db_index=True,
        validators=[validate_register_number],
    )
    business_id = models.CharField(
        _("Y-tunnus"), max_length=9, blank=True, db_index=True, validators=[validate_business_id]
    )
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        related_name="associations",
        verbose_name=_("kotikunta"),
    )
    municipalities = models.ManyToManyField(
        "places.Municipality",
        related_name="acting_associations",
        blank=True,
        verbose_name=_("toimii myös kunnissa"),
    )
    themes = models.ManyToManyField(
        Theme, related_name="associations", blank=True, verbose_name=_("teemat")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="associations", blank=True, verbose_name=_("kohderyhmät")
    )
    languages = models.JSONField(_("toimintakielet"), default=list, blank=True)
    website = models.URLField(_("verkkosivu"), max_length=300, blank=True)
    social_links = models.JSONField(_("sosiaalinen media"), default=list, blank=True)
    email = models.EmailField(_("sähköposti"), blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_path,
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
    )
    accessibility_fi = models.TextField(_("saavutettavuus"), max_length=2000, blank=True)
    accessibility_sv = models.TextField(_("saavutettavuus ruotsiksi"), max_length=2000, blank=True)
    accessibility_en = models.TextField(
        _("saavutettavuus englanniksi"), max_length=2000, blank=True
    )
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    confirmed_at = models.DateTimeField(_("tiedot vahvistettu"), null=True, blank=True)
    confirmation_requested_at = models.DateTimeField(
        _("vahvistusta pyydetty"), null=True, blank=True
    )
    # Lemmas and compound parts for Finnish-aware search (see search.py); kept by services.
    search_name = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssociationQuerySet.as_manager()

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("yhdistys")
        verbose_name_plural = _("yhdistykset")
        indexes = [
            # Covers the list of a municipality in name order (with its status filter).
            models.Index(fields=["municipality", "name_fi", "status"]),
            models.Index(fields=["name_fi", "status"]),
            models.Index(fields=["status", "municipality"]),
            # The workspace counts a municipality's entries not confirmed for a year from
            # this index alone (no visit to the rows of a city's 12 000 associations).
            models.Index(
                fields=["municipality", "status", "confirmed_at"],
                name="association_confirmed_idx",
            ),
            # The few dissolved ones, read without the table by the activities' public()
            # filter (a NOT IN over them instead of joining every activity to its association).
            models.Index(
                fields=["id"],
                condition=models.Q(status="dissolved"),
                name="association_dissolved_ids",
            ),
        ]

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def short_description(self) -> str:
        return _localised(self, "short_description")

    @property
    def description(self) -> str:
        return _localised(self, "description")

    @property
    def accessibility(self) -> str:
        return _localised(self, "accessibility")

    @property
    def is_out_of_date(self) -> bool:
        limit = timezone.now() - timezone.timedelta(days=CONFIRMATION_INTERVAL_DAYS)
        return self.confirmed_at is None or self.confirmed_at < limit

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("associations:detail", args=[self.pk])

    def __str__(self) -> str:
        return self.name_fi


class ContactPersonQuerySet(models.QuerySet):
    def consented(self):
        return self.filter(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)


class ContactPerson(models.Model):
    """A contact of an association. Public only with recorded, unwithdrawn consent, and then
    only the details the consent covers."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("puheenjohtaja")
        VICE_CHAIR = "vice_chair", _("varapuheenjohtaja")
        SECRETARY = "secretary", _("sihteeri")
        TREASURER = "treasurer", _("rahastonhoitaja")
        CONTACT = "contact", _("yhteyshenkilö")
        OTHER = "other", _("muu")

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("yhdistys")
    )
    name = models.CharField(_("nimi"), max_length=200)
    role = models.CharField(_("tehtävä"), max_length=20, choices=Role.choices, default=Role.CONTACT)
    email = models.EmailField(_("sähköposti"), blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    consent_given_at = models.DateTimeField(_("suostumus annettu"), null=True, blank=True)
    consent_given_by = models.CharField(_("suostumuksen antaja"), max_length=200, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suostumuksen kirjaaja"),
    )
    consent_name = models.BooleanField(_("nimen saa julkaista"), default=False)
    consent_email = models.BooleanField(_("sähköpostin saa julkaista"), default=False)
    consent_phone = models.BooleanField(_("puhelinnumeron saa julkaista"), default=False)
    consent_withdrawn_at = models.DateTimeField(_("suostumus peruttu"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ContactPersonQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("yhteyshenkilö")
        verbose_name_plural = _("yhteyshenkilöt")

    @property
    def has_consent(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None

    def public_details(self) -> dict | None:
        """What a resident may see, or None. The role is shown with any consented detail."""
        if not self.has_consent:
            return None
        details = {
            "name": self.name if self.consent_name else None,
            "email": self.email if self.consent_email and self.email else None,
            "phone": self.phone if self.consent_phone and self.phone else None,
        }
        if not any(details.values()):
            return None
        return {"role": self.role, "role_display": self.get_role_display(), **details}

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


def activity_public_order() -> tuple:
    """Recurring activities by weekday and time, then one-off ones by start, NULLs last on
    every database. PostgreSQL's ASC index keeps NULLs last itself; SQLite puts them first,
    so there the order is written as (weekday IS NULL, weekday, ...), the expressions of the
    index that fulltext.ensure_sqlite() makes (a city's first page then reads 20 index
    entries instead of sorting all its activities)."""
    fields = ("weekday", "start_time", "starts_at")
    if connection.vendor == "sqlite":
        order = []
        for name in fields:
            order.append(
                models.ExpressionWrapper(
                    models.Q(**{f"{name}__isnull": True}), output_field=models.BooleanField()
                ).asc()
            )
            order.append(models.F(name).asc())
        return (*order, "name_fi", "pk")
    return (*(models.F(name).asc(nulls_last=True) for name in fields), "name_fi", "pk")


class ActivityQuerySet(models.QuerySet):
    def public(self):
        """Published activities of associations that are not dissolved. PostgreSQL leaves
        out the dissolved ones by a NOT IN over their ids (a small partial index), not by a
        join: at national scale the join made it read every association to hash them.
        SQLite looks each activity's association up by key, faster there than the list."""
        published = self.filter(is_published=True)
        if connection.vendor == "postgresql":
            dissolved = Association.objects.filter(status=Association.Status.DISSOLVED)
            return published.exclude(association_id__in=dissolved.values("pk"))
        return published.exclude(association__status=Association.Status.DISSOLVED)

    def upcoming_or_recurring(self):
        now = timezone.now()
        return self.filter(
            models.Q(kind=Activity.Kind.RECURRING)
            | models.Q(ends_at__gte=now)
            | models.Q(ends_at__isnull=True, starts_at__gte=now)
        )


class Activity(models.Model):
    class Kind(models.TextChoices):
        RECURRING = "recurring", _("säännöllinen")
        ONE_OFF = "one_off", _("kertaluonteinen")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("maanantai")
        TUESDAY = 1, _("tiistai")
        WEDNESDAY = 2, _("keskiviikko")
        THURSDAY = 3, _("torstai")
        FRIDAY = 4, _("perjantai")
        SATURDAY = 5, _("lauantai")
        SUNDAY = 6, _("sunnuntai")

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="activities", verbose_name=_("yhdistys")
    )
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("kunta"),
    )
    name_fi = models.CharField(_("nimi"), max_length=200)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=200, blank=True)
    name_en = models.CharField(_("nimi englanniksi"), max_length=200, blank=True)
    description_fi = models.TextField(_("kuvaus"), max_length=5000, blank=True)
    description_sv = models.TextField(_("kuvaus ruotsiksi"), max_length=5000, blank=True)
    description_en = models.TextField(_("kuvaus englanniksi"), max_length=5000, blank=True)
    kind = models.CharField(
        _("tyyppi"), max_length=10, choices=Kind.choices, default=Kind.RECURRING
    )
    weekday = models.PositiveSmallIntegerField(
        _("viikonpäivä"), choices=Weekday.choices, null=True, blank=True
    )
    start_time = models.TimeField(_("alkaa klo"), null=True, blank=True)
    end_time = models.TimeField(_("päättyy klo"), null=True, blank=True)
    schedule_note = models.CharField(
        _("aikataulun lisätieto"),
        max_length=200,
        blank=True,
        help_text=_("Esimerkiksi: joka toinen viikko, ei kesällä."),
    )
    starts_at = models.DateTimeField(_("alkaa"), null=True, blank=True)
    ends_at = models.DateTimeField(_("päättyy"), null=True, blank=True)
    place_name = models.CharField(_("paikka"), max_length=200, blank=True)
    address = models.CharField(_("osoite"), max_length=300, blank=True)
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="activities", blank=True, verbose_name=_("kohderyhmät")
    )
    is_free = models.BooleanField(_("maksuton"), default=True)
    price = models.CharField(_("hinta"), max_length=100, blank=True)
    languages = models.JSONField(_("kielet"), default=list, blank=True)
    registration_url = models.URLField(_("ilmoittautumislinkki"), max_length=500, blank=True)
    is_published = models.BooleanField(_("julkaistu"), default=True)
    search_name = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start_time", "starts_at", "name_fi"]
        verbose_name = _("toiminta")
        verbose_name_plural = _("toiminnot")
        indexes = [
            # The published ones of a municipality in the public order (weekday, time,
            # start; NULLs last as PostgreSQL's ASC index keeps them): page 1 reads the
            # first rows, not all (an index without is_published lost to one with it).
            models.Index(
                fields=[
                    "municipality",
                    "is_published",
                    "weekday",
                    "start_time",
                    "starts_at",
                    "name_fi",
                ]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="activity_ends_after_start",
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
            ),
        ]

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def description(self) -> str:
        return _localised(self, "description")

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("associations:activity", args=[self.pk])

    def __str__(self) -> str:
        return self.name_fi


class RecipientList(models.Model):
    """A named, saved filter of a municipality's associations (a mailing list, seed 003).
    The addresses are worked out when the list is used, so it never goes stale."""

    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.CASCADE,
        related_name="recipient_lists",
        verbose_name=_("kunta"),
    )
    name = models.CharField(_("nimi"), max_length=200)
    filters = models.JSONField(_("rajaus"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vastaanottajalista")
        verbose_name_plural = _("vastaanottajalistat")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="recipient_list_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


def import_file_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "csv"
    stamp = timezone.now()
    return f"tuonnit/{stamp:%Y/%m}/{instance.municipality.code}-{stamp:%Y%m%d%H%M%S%f}.{ext}"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the municipality's liaison and agents (and administrators) see its imports."""
        s = scope_of(user)
        if s.is_admin:
            return self
        return self.filter(municipality_id__in=s.liaison_of | s.agent_of)


class ImportJob(models.Model):
    """One uploaded file: its plan (the preview) and, once applied, what happened.
    The file is removed after the apply, or after FILE_KEPT_DAYS."""

    FILE_KEPT_DAYS = 7

    class Status(models.TextChoices):
        PARSING = "parsing", _("luetaan")
        READY = "ready", _("esikatselu valmis")
        FAILED = "failed", _("tiedostoa ei voitu lukea")
        APPLYING = "applying", _("tuodaan")
        DONE = "done", _("tuotu")

    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("kunta"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tuoja"),
    )
    file = models.FileField(_("tiedosto"), upload_to=import_file_path, blank=True, max_length=200)
    original_name = models.CharField(_("tiedoston nimi"), max_length=200)
    size = models.PositiveIntegerField(_("koko"), default=0)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.PARSING
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    plan = models.JSONField(_("suunnitelma"), default=dict, blank=True)
    result = models.JSONField(_("tulos"), default=dict, blank=True)
    error = models.TextField(_("virhe"), blank=True)
    counts = models.JSONField(_("määrät"), default=dict, blank=True)
    created_at = models.DateTimeField(_("ladattu"), auto_now_add=True)
    applied_at = models.DateTimeField(_("tuotu"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tuonnin hyväksyjä"),
    )

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tuonti")
        verbose_name_plural = _("tuonnit")
        indexes = [models.Index(fields=["municipality", "-created_at"])]

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PARSING, self.Status.APPLYING)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    def __str__(self) -> str:
        return f"{self.original_name} ({self.municipality.code})"
