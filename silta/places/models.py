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
