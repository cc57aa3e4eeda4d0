"""Members of the club, their consents and what they accepted.

`Member` is the user model from the first migration (email is the login, there is
no username). Each member has a random membership number typed at museum desks
(see `club.codes`). Consents are a journal: every grant or withdrawal is a row
with its date and the version of the wording shown; the member row keeps the
current answer too, because every fan-out to tens of thousands of members
filters on it and needs an indexed column rather than a "latest row" subquery.
The journal and the current answer change together in `club.services`.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.codes import code_generate


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
            models.UniqueConstraint(Lower("email"), name="club_member_email_ci_unique"),
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
        settings.AUTH_USER_MODEL, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="consent_records"
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
        indexes = [models.Index(fields=["member", "kind", "-created_at"], name="club_consent_member_kind")]

    def __str__(self):
        verb = _("accordé") if self.granted else _("retiré")
        return f"{self.get_kind_display()} — {verb}"


class IdempotencyKey(models.Model):
    """A POST that moves points, remembered by the key its client sent.

    Stripe's semantics: a replay returns the stored status and body; the same key
    with a different request is refused; a key still being processed answers
    409. Rows are purged after 24 hours by a periodic job.
    """

    class Status(models.TextChoices):
        PROCESSING = "processing", _("en cours")
        DONE = "done", _("terminé")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROCESSING)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("clé d'idempotence")
        verbose_name_plural = _("clés d'idempotence")
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="club_idempotencykey_once_per_member")]

    def __str__(self):
        return self.key


class NotificationKind(models.TextChoices):
    NEWS = "news", _("Nouvelles du club")
    CONTENT = "content", _("Nouveaux contenus")
    SURVEYS = "surveys", _("Enquêtes, quiz et votes")
    SHOP = "shop", _("Boutique et bons")
    EVENTS = "events", _("Événements et liste d'attente")
    POINTS = "points", _("Expiration des points")
    COMMUNITY = "community", _("Réponses de la communauté")
    ACCOUNT = "account", _("Mon compte")


# Emails of these kinds are direct marketing: sent only with the matching consent.
KIND_CONSENT = {
    NotificationKind.NEWS: Consent.NEWS,
    NotificationKind.CONTENT: Consent.NEWS,
    NotificationKind.SURVEYS: Consent.SURVEYS,
}


class NotificationPreference(models.Model):
    """Whether a member wants a kind of notification by email too (default: yes)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=20, choices=NotificationKind.choices)
    by_email = models.BooleanField(_("aussi par e-mail"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="club_notificationpreference_once_per_kind")
        ]

    def __str__(self):
        return f"{self.member_id} {self.kind} {self.by_email}"


class Notification(models.Model):
    """One message to one member: in the inbox always, by email when wanted.

    Written in the same transaction as the event that causes it (the outbox);
    `email_status` says where its email stands, so a sweep can queue again what
    a broker outage or a killed worker left behind.
    """

    class EmailStatus(models.TextChoices):
        NONE = "none", _("pas d'e-mail")
        PENDING = "pending", _("à envoyer")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"), blank=True)
    url = models.CharField(_("lien"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    email_status = models.CharField(_("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE)
    email_attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    email_error = models.TextField(_("erreur"), blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # Who is sending it (a task id): a redelivered task may take back its own claim.
    email_claim = models.CharField(max_length=64, blank=True)
    announcement = models.ForeignKey(
        "club.Announcement", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    emailed_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "announcement"],
                condition=models.Q(announcement__isnull=False),
                name="club_notification_once_per_announcement",
            )
        ]
        indexes = [
            models.Index(fields=["member", "-id"], name="club_notification_inbox"),
            models.Index(fields=["member"], condition=models.Q(read_at__isnull=True), name="club_notification_unread"),
            models.Index(
                fields=["email_status", "created_at"],
                condition=models.Q(email_status__in=["pending", "sending"]),
                name="club_notification_outbox",
            ),
        ]

    def __str__(self):
        return self.title


class Announcement(models.Model):
    """A message from staff to many members, sent now or at a scheduled time."""

    class Target(models.TextChoices):
        ALL = "all", _("tous les membres")
        MUSEUM_FANS = "museum_fans", _("les membres dont c'est le musée préféré")
        SURVEY_CONSENT = "survey_consent", _("les membres qui acceptent les invitations aux enquêtes")

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SCHEDULED = "scheduled", _("programmée")
        SENDING = "sending", _("en cours d'envoi")
        DONE = "done", _("envoyée")

    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"))
    url = models.CharField(_("lien"), max_length=300, blank=True, help_text=_("Adresse sur le site, ex. /boutique/"))
    target = models.CharField(_("destinataires"), max_length=20, choices=Target.choices, default=Target.ALL)
    museum = models.ForeignKey(
        "museums.Museum",
        verbose_name=_("musée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Pour « musée préféré » seulement."),
    )
    scheduled_for = models.DateTimeField(_("envoyer le"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créée par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    started_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)

    class Meta:
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target="museum_fans") | models.Q(museum__isnull=False),
                name="club_announcement_museum_for_fans",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def kind(self) -> str:
        return NotificationKind.SURVEYS if self.target == self.Target.SURVEY_CONSENT else NotificationKind.NEWS
