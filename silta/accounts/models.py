from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person, identified by email. Roles come from Membership rows."""

    email = models.EmailField(_("sähköpostiosoite"), unique=True)
    full_name = models.CharField(_("nimi"), max_length=200, blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    language = models.CharField(
        _("asiointikieli"), max_length=5, choices=settings.LANGUAGES, default="fi"
    )
    is_active = models.BooleanField(_("aktiivinen"), default=True)
    is_staff = models.BooleanField(_("ylläpitosivujen käyttö"), default=False)
    date_joined = models.DateTimeField(_("liittynyt"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("käyttäjä")
        verbose_name_plural = _("käyttäjät")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]


class CoordinatingOrganisation(models.Model):
    """The regional body that runs the agent programme for a set of municipalities."""

    name = models.CharField(_("nimi"), max_length=200, unique=True)
    email = models.EmailField(_("sähköposti"), blank=True)
    website = models.URLField(_("verkkosivu"), blank=True)
    municipalities = models.ManyToManyField(
        "places.Municipality",
        related_name="coordinating_organisations",
        verbose_name=_("kunnat"),
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("koordinoiva organisaatio")
        verbose_name_plural = _("koordinoivat organisaatiot")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    LIAISON = "liaison", _("järjestöyhdyshenkilö")
    AGENT = "agent", _("yhdistysagentti")
    ASSOCIATION_MEMBER = "association_member", _("yhdistystoimija")
    COORDINATOR = "coordinator", _("koordinaattori")
    ADMINISTRATOR = "administrator", _("ylläpitäjä")


SCOPE_OF_ROLE = {
    Role.LIAISON: "municipality",
    Role.AGENT: "municipality",
    Role.ASSOCIATION_MEMBER: "association",
    Role.COORDINATOR: "organisation",
    Role.ADMINISTRATOR: None,
}


def active_membership_q(prefix: str = "", on=None) -> Q:
    """Membership rows in force on a day; `prefix` reaches them through a relation
    (e.g. "memberships__" from an association)."""
    day = on or timezone.localdate()
    return (
        (Q(**{f"{prefix}starts_on__isnull": True}) | Q(**{f"{prefix}starts_on__lte": day}))
        & (Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day}))
        & Q(**{f"{prefix}user__is_active": True})
    )


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        return self.filter(active_membership_q(on=on))


class Membership(models.Model):
    """A person's role in one scope: a municipality, an association or an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("henkilö"),
    )
    role = models.CharField(_("rooli"), max_length=24, choices=Role.choices)
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("kunta"),
    )
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("yhdistys"),
    )
    organisation = models.ForeignKey(
        CoordinatingOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("koordinoiva organisaatio"),
    )
    title = models.CharField(_("tehtävänimike"), max_length=120, blank=True)
    starts_on = models.DateField(_("alkaa"), null=True, blank=True)
    ends_on = models.DateField(_("päättyy"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("rooli")
        verbose_name_plural = _("roolit")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role__in=["liaison", "agent"],
                        municipality__isnull=False,
                        association__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        role="association_member",
                        association__isnull=False,
                        municipality__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        role="coordinator",
                        organisation__isnull=False,
                        municipality__isnull=True,
                        association__isnull=True,
                    )
                    | Q(
                        role="administrator",
                        municipality__isnull=True,
                        association__isnull=True,
                        organisation__isnull=True,
                    )
                ),
            ),
            # One row per person, role and scope (partial indexes: portable, NULL-safe).
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="membership_unique_municipality",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "association"],
                condition=Q(association__isnull=False),
                name="membership_unique_association",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role="administrator"),
                name="membership_unique_admin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} – {self.scope}"

    @property
    def scope(self):
        return self.municipality or self.association or self.organisation or _("koko palvelu")


class ErasureRequest(models.Model):
    """A person's request to erase their account; an administrator carries it out."""

    class Status(models.TextChoices):
        OPEN = "open", _("avoin")
        DONE = "done", _("toteutettu")
        REJECTED = "rejected", _("hylätty")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="erasure_requests",
    )
    email = models.EmailField(_("sähköposti"))
    reason = models.TextField(_("perustelu"), blank=True, max_length=2000)
    status = models.CharField(_("tila"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("pyydetty"), auto_now_add=True)
    handled_at = models.DateTimeField(_("käsitelty"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("poistopyyntö")
        verbose_name_plural = _("poistopyynnöt")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"


class CalendarFeed(models.Model):
    """A person's subscribable calendar of their own registrations (/kalenteri/<secret>.ics).

    Calendar apps fetch it without a session, so the secret in the address is the only key.
    Only a random nonce and the SHA-256 of the secret are stored: the secret is an HMAC of
    the nonce with SECRET_KEY, so it can be shown again to its owner but not read from a
    copy of the database. A new nonce (rotating) makes the old address answer 404.
    See docs/decisions/0008-calendar-feed-secret.md."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("henkilö"),
    )
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("luotu"), default=timezone.now)

    class Meta:
        verbose_name = _("kalenteritilaus")
        verbose_name_plural = _("kalenteritilaukset")

    def __str__(self) -> str:
        return f"{self.user}: {_('kalenteritilaus')}"
