"""What the club moderates, shared by every feature that lets members write (a leaf).

Comments on content today; ratings and ideas later. A feature's model inherits
`Moderated`: it is published at once, members may report it (one report per
member and item: `Report`, the database refuses a second), and staff hide or
restore it with a reason (`ModerationAction`, the history of those decisions).
Features plug their models in with `moderated_register` (`club.moderation.
registry`), so the staff queue (composition) lists every kind without this leaf
knowing any feature.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModeratedQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden_at__isnull=True)


class Moderated(models.Model):
    """Published at once; hidden by staff with a reason; counted reports."""

    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_reason = models.CharField(_("raison du masquage"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("masqué par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    reports_count = models.PositiveIntegerField(_("signalements"), default=0)

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Report(models.Model):
    """A member's report of something another member wrote: once per member and item."""

    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", _("Propos blessants ou injurieux")
        SPAM = "spam", _("Publicité ou spam")
        OFF_TOPIC = "off_topic", _("Hors sujet")
        PERSONAL = "personal", _("Données personnelles")
        OTHER = "other", _("Autre raison")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    reason = models.CharField(_("raison"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("précision"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "member"], name="moderation_report_once"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="moderation_report_target")]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id} ({self.get_reason_display()})"


class ModerationAction(models.Model):
    """A staff decision on an item: hidden or restored, with its reason. Never edited."""

    class Kind(models.TextChoices):
        HIDE = "hide", _("masqué")
        RESTORE = "restore", _("rétabli")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("décision"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("raison"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("décidé le"), default=timezone.now)

    class Meta:
        verbose_name = _("décision de modération")
        verbose_name_plural = _("décisions de modération")
        ordering = ["-at"]
        # Who may see the staff queue and hide, restore or answer (the museum team and the club administration).
        permissions = [("moderate", _("Modérer les messages des membres"))]
        indexes = [models.Index(fields=["content_type", "object_id"], name="moderation_action_target")]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="moderation_action_has_reason")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.reason}"
