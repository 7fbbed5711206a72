from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditLogEntry(models.Model):
    """Who changed what and when, with the values before and after.

    Written only by services (silta.core.audit.record). `changes` maps a field to
    [before, after]; a snapshot of a deleted object is kept as its `before` values.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("luotu")
        UPDATE = "update", _("muutettu")
        DELETE = "delete", _("poistettu")
        EXPORT = "export", _("tiedot ladattu")
        REQUEST = "request", _("pyyntö")
        ERASE = "erase", _("tiedot poistettu")

    created_at = models.DateTimeField(_("aika"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tekijä"),
    )
    actor_label = models.CharField(_("tekijä"), max_length=254, blank=True)
    action = models.CharField(_("toimenpide"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("kohteen tyyppi"), max_length=100, db_index=True)
    object_id = models.CharField(_("kohteen tunniste"), max_length=64)
    object_label = models.CharField(_("kohde"), max_length=300)
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kunta"),
    )
    changes = models.JSONField(_("muutokset"), default=dict, blank=True)
    note = models.CharField(_("huomautus"), max_length=300, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lokimerkintä")
        verbose_name_plural = _("muutosloki")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"
        )


class OutgoingEmail(models.Model):
    """Every message Silta sends, rendered in the recipient's language before queueing.

    Kept so that a failed send can be retried without rendering again or losing the
    message, and so that administrators can read what was sent (and in development,
    mail can be read without a mail server). Login codes are blanked once sent.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("jonossa")
        SENT = "sent", _("lähetetty")
        FAILED = "failed", _("epäonnistui")

    created_at = models.DateTimeField(_("luotu"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)
    template = models.CharField(_("viestipohja"), max_length=100)
    to = models.EmailField(_("vastaanottaja"), max_length=254)
    language = models.CharField(_("kieli"), max_length=5)
    subject = models.CharField(_("aihe"), max_length=300)
    body_text = models.TextField(_("teksti"))
    body_html = models.TextField(_("HTML"), blank=True)
    sensitive = models.BooleanField(_("sisältää kirjautumistiedon"), default=False)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("yrityksiä"), default=0)
    last_error = models.TextField(_("viimeisin virhe"), blank=True)
    # [{"filename", "content_type", "content"}], text content only (e.g. an .ics invitation);
    # stored with the message so that a retried send still carries them.
    attachments = models.JSONField(_("liitteet"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sähköpostiviesti")
        verbose_name_plural = _("sähköpostiviestit")

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def attachment_names(self) -> list[str]:
        return [a.get("filename", "") for a in self.attachments or [] if isinstance(a, dict)]
