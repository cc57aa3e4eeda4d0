"""Notifications: one row per message to one member (the outbox), preferences, announcements.

A notification is written in the same transaction as the event that causes
it; its email, if the member wants one, is queued after commit and a sweep
queues again whatever a broker outage or a dead worker left behind.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.links import link_validate
from club.members.models import Consent
from club.notifications.audiences import UnknownAudience, audience_get
from club.notifications.messages import render


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


# A member who never chose gets every kind by email too (the consents still apply).
EMAIL_BY_DEFAULT = True


class NotificationPreference(models.Model):
    """Whether a member wants a kind of notification by email too (default: EMAIL_BY_DEFAULT)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=20, choices=NotificationKind.choices)
    by_email = models.BooleanField(_("aussi par e-mail"), default=EMAIL_BY_DEFAULT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"], name="notifications_notificationpreference_once_per_kind"
            )
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
    # What the reader's language re-renders (club.notifications.messages): the French
    # sources of the title and body, and their parameters.
    title_source = models.CharField(max_length=300, blank=True, editable=False)
    body_source = models.TextField(blank=True, editable=False)
    params = models.JSONField(default=dict, blank=True, editable=False)
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
        "notifications.Announcement", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
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
                name="notifications_notification_once_per_announcement",
            )
        ]
        indexes = [
            models.Index(fields=["member", "-id"], name="notif_inbox"),
            models.Index(fields=["member"], condition=models.Q(read_at__isnull=True), name="notif_unread"),
            models.Index(
                fields=["email_status", "created_at"],
                condition=models.Q(email_status__in=["pending", "sending"]),
                name="notif_outbox",
            ),
        ]

    def __str__(self):
        return self.shown_title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (the active one)."""
        if self.announcement_id:
            return str(self.announcement.title)
        return render(self.title_source, self.params)[:200] if self.title_source else self.title

    @property
    def shown_body(self) -> str:
        if self.announcement_id:
            return str(self.announcement.body)
        return render(self.body_source, self.params) if self.body_source else self.body


class Announcement(models.Model):
    """A message to many members, sent now or at a scheduled time.

    Staff write theirs in the admin for a target; a feature sends its own
    (a new survey, its last day) to an audience it registered
    (`club.notifications.audiences`), named with its parameters, and under a
    `key` that the database keeps unique: a job that runs again finds the key
    taken and sends nothing twice.
    """

    class Target(models.TextChoices):
        ALL = "all", _("tous les membres")
        MUSEUM_FANS = "museum_fans", _("les membres dont c'est le musée préféré")
        SURVEY_CONSENT = "survey_consent", _("les membres qui acceptent les invitations aux enquêtes")
        FEATURE = "feature", _("le public choisi par une fonctionnalité du club")

    # What staff may choose in the admin (a feature's audience comes with the feature).
    STAFF_TARGETS = (Target.ALL, Target.MUSEUM_FANS, Target.SURVEY_CONSENT)

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SCHEDULED = "scheduled", _("programmée")
        SENDING = "sending", _("en cours d'envoi")
        DONE = "done", _("envoyée")

    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"))
    url = models.CharField(
        _("lien"),
        max_length=300,
        blank=True,
        validators=[link_validate],
        help_text=_("Adresse sur le site (ex. /boutique/) ou adresse https d'un site autorisé."),
    )
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
        settings.AUTH_USER_MODEL, verbose_name=_("créée par"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    started_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)
    # A feature's audience (target "feature"): its registered name and parameters (ids only).
    audience = models.CharField(_("public"), max_length=60, blank=True, editable=False)
    audience_params = models.JSONField(default=dict, blank=True, editable=False)
    # Once-only announcements of features ("surveys.survey:12:opening"); empty for staff's.
    key = models.CharField(_("clé"), max_length=120, blank=True, editable=False)

    class Meta:
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target="museum_fans") | models.Q(museum__isnull=False),
                name="notifications_announcement_museum_for_fans",
            ),
            models.CheckConstraint(
                condition=models.Q(target="feature", audience__gt="")
                | (~models.Q(target="feature") & models.Q(audience="")),
                name="notifications_announcement_audience_for_feature",
            ),
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="notifications_announcement_once_per_key"
            ),
        ]

    def __str__(self):
        return self.title

    EDITABLE = (Status.DRAFT, Status.SCHEDULED)

    @property
    def is_editable(self) -> bool:
        """Staff may change an announcement until it starts sending (the one rule)."""
        return self.status in self.EDITABLE

    @property
    def kind(self) -> str:
        if self.target == self.Target.FEATURE:
            return audience_get(self.audience).kind
        return NotificationKind.SURVEYS if self.target == self.Target.SURVEY_CONSENT else NotificationKind.NEWS

    @property
    def audience_label(self) -> str:
        """Who it goes to, in the reader's language (a feature's audience by its registered label)."""
        if self.target == self.Target.FEATURE:
            try:
                return str(audience_get(self.audience).label)
            except UnknownAudience:  # its feature is no longer installed
                return self.audience
        return str(self.get_target_display())
