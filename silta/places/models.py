from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class MultilingualName(models.Model):
    """Names in Finnish, Swedish and English; `name` follows the active language."""

    name_fi = models.CharField(_("nimi suomeksi"), max_length=200)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=200, blank=True)
    name_en = models.CharField(_("nimi englanniksi"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        lang = (get_language() or "fi")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_fi

    def names(self) -> dict[str, str]:
        return {"fi": self.name_fi, "sv": self.name_sv, "en": self.name_en}

    def __str__(self) -> str:
        return self.name


class Region(MultilingualName):
    """Maakunta. Codes are kept as zero-padded text ("01" Uusimaa)."""

    code = models.CharField(_("koodi"), max_length=2, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("maakunta")
        verbose_name_plural = _("maakunnat")


class WellbeingCounty(MultilingualName):
    """Hyvinvointialue (21 counties, plus Helsinki and Åland)."""

    code = models.CharField(_("koodi"), max_length=2, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("hyvinvointialue")
        verbose_name_plural = _("hyvinvointialueet")


class MunicipalityQuerySet(models.QuerySet):
    def in_region(self, region):
        return self.filter(region=region)

    def with_places(self):
        return self.select_related("region", "wellbeing_county")


class Municipality(MultilingualName):
    class LanguageStatus(models.TextChoices):
        FINNISH = "fi", _("yksikielinen suomenkielinen")
        SWEDISH = "sv", _("yksikielinen ruotsinkielinen")
        BILINGUAL_FI = "fi-sv", _("kaksikielinen, enemmistö suomenkielinen")
        BILINGUAL_SV = "sv-fi", _("kaksikielinen, enemmistö ruotsinkielinen")

    code = models.CharField(_("kuntanumero"), max_length=3, unique=True)
    language_status = models.CharField(
        _("kielisyys"), max_length=5, choices=LanguageStatus.choices, default=LanguageStatus.FINNISH
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("maakunta")
    )
    wellbeing_county = models.ForeignKey(
        WellbeingCounty,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("hyvinvointialue"),
        null=True,
        blank=True,
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("kunta")
        verbose_name_plural = _("kunnat")

    @property
    def is_bilingual(self) -> bool:
        return "-" in self.language_status

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("places:municipality", args=[self.code])


def _http_url(**kwargs):
    from django.core.validators import URLValidator

    return models.URLField(
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        **kwargs,
    )


class CooperationProfile(models.Model):
    """What the municipality itself publishes about its cooperation with associations (seed
    002): where its grant and premises rules, its cooperation document and its channel for
    association news are. Public; kept by the municipality's liaison and agents. Silta shows
    it as evidence beside the NGO-friendly municipality criteria."""

    class PremisesTerms(models.TextChoices):
        FREE = "free", _("maksutta")
        PARTLY = "partly", _("osin maksutta")
        FEE = "fee", _("maksua vastaan")

    NOTE_MAX = 1000

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="cooperation_profile",
        verbose_name=_("kunta"),
    )
    grants_url = _http_url(verbose_name=_("avustusten myöntöperusteet, verkko-osoite"))
    grants_note = models.TextField(_("avustukset, lisätietoja"), max_length=NOTE_MAX, blank=True)
    premises_terms = models.CharField(
        _("tilojen käyttö yhdistyksille"),
        max_length=8,
        choices=PremisesTerms.choices,
        blank=True,
    )
    premises_url = _http_url(verbose_name=_("tilojen käytön periaatteet, verkko-osoite"))
    premises_note = models.TextField(_("tilat, lisätietoja"), max_length=NOTE_MAX, blank=True)
    document_url = _http_url(verbose_name=_("yhteistyöasiakirja, verkko-osoite"))
    document_adopted_on = models.DateField(
        _("yhteistyöasiakirja hyväksytty"), null=True, blank=True
    )
    document_note = models.TextField(
        _("yhteistyöasiakirja, lisätietoja"), max_length=NOTE_MAX, blank=True
    )
    communication_url = _http_url(verbose_name=_("yhdistysten toiminta kunnan sivuilla"))
    communication_note = models.TextField(
        _("viestintä yhdistysten toiminnasta, lisätietoja"), max_length=NOTE_MAX, blank=True
    )
    updated_at = models.DateTimeField(_("päivitetty"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("päivittäjä"),
    )

    class Meta:
        verbose_name = _("kunnan yhteistyötiedot")
        verbose_name_plural = _("kuntien yhteistyötiedot")

    def __str__(self) -> str:
        return f"{self.municipality.name_fi}: yhteistyötiedot"

    @property
    def premises_free(self) -> bool:
        return self.premises_terms in (self.PremisesTerms.FREE, self.PremisesTerms.PARTLY)

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.grants_url,
                self.grants_note,
                self.premises_terms,
                self.premises_url,
                self.premises_note,
                self.document_url,
                self.document_adopted_on,
                self.document_note,
                self.communication_url,
                self.communication_note,
            )
        )
