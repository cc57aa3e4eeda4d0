"""Members of the club, their consents and what they accepted.

`Member` is the user model from the first migration (email is the login, there is
no username). Each member has a random membership number typed at museum desks
(see `club.core.codes`). Consents are a journal: every grant or withdrawal is a row
with its date and the version of the wording shown; the member row keeps the
current answer too, because every fan-out to tens of thousands of members
filters on it and needs an indexed column rather than a "latest row" subquery.
The journal and the current answer change together in `club.members.services`.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.codes import code_generate


class MemberManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        member = self.model(email=self.normalize_email(email).lower(), **fields)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


def new_membership_number() -> str:
    return code_generate(length=11)


class Member(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        FR = "fr", "Français"
        EN = "en", "English"

    email = models.EmailField(_("adresse e-mail"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=80, blank=True)
    membership_number = models.CharField(
        _("numéro d'adhérent"), max_length=14, unique=True, default=new_membership_number, editable=False
    )
    preferred_language = models.CharField(
        _("langue préférée"), max_length=5, choices=Language.choices, default=Language.FR
    )
    favourite_museum = models.ForeignKey(
        "museums.Museum",
        verbose_name=_("musée préféré"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="favourite_of",
    )
    museums = models.ManyToManyField(
        "museums.Museum",
        verbose_name=_("musées de rattachement (équipe)"),
        blank=True,
        related_name="staff",
        help_text=_("Pour l'équipe : les pages du personnel montrent d'abord ces musées."),
    )
    consent_news = models.BooleanField(_("accepte les nouvelles du club"), default=False)
    consent_surveys = models.BooleanField(_("accepte les invitations aux enquêtes"), default=False)
    age_confirmed_at = models.DateTimeField(_("âge (15 ans ou plus) confirmé le"), null=True, blank=True)
    rules_version = models.CharField(_("version du règlement accepté"), max_length=20, blank=True)
    rules_accepted_at = models.DateTimeField(_("règlement accepté le"), null=True, blank=True)
    is_staff = models.BooleanField(
        _("membre de l'équipe"), default=False, help_text=_("Peut se connecter à l'administration.")
    )
    is_active = models.BooleanField(_("actif"), default=True)
    # When the member first proved an address (allauth keeps the addresses): read
    # on every member page, so kept on the row the session already loads.
    email_verified_at = models.DateTimeField(_("e-mail vérifié le"), null=True, blank=True, editable=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = MemberManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["-date_joined"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="members_member_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]

    def clean(self):
        super().clean()
        self.email = self.email.lower()

    def save(self, *args, **kwargs):
        # A new password, whoever set it (the member through allauth, staff in the
        # admin, `manage.py changepassword`), revokes the member's API token: the
        # one place every password change goes through is here.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            apps.get_model("authtoken", "Token").objects.filter(user_id=self.pk).delete()


class Consent(models.TextChoices):
    NEWS = "news", _("Nouvelles du club et nouveaux contenus")
    SURVEYS = "surveys", _("Invitations aux enquêtes")


CONSENT_FIELDS = {Consent.NEWS: "consent_news", Consent.SURVEYS: "consent_surveys"}


class ConsentRecord(models.Model):
    """One grant or withdrawal of a consent, never changed afterwards."""

    class Source(models.TextChoices):
        SIGNUP = "signup", _("inscription")
        PROFILE = "profile", _("profil")
        API = "api", _("API")
        UNSUBSCRIBE = "unsubscribe", _("lien de désinscription")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="consent_records"
    )
    kind = models.CharField(_("consentement"), max_length=20, choices=Consent.choices)
    granted = models.BooleanField(_("accordé"))
    wording_version = models.CharField(_("version du texte"), max_length=20)
    source = models.CharField(_("origine"), max_length=20, choices=Source.choices)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("choix de consentement")
        verbose_name_plural = _("choix de consentement")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "kind", "-created_at"], name="members_consent_member_kind")]

    def __str__(self):
        verb = _("accordé") if self.granted else _("retiré")
        return f"{self.get_kind_display()} — {verb}"
