"""The one table of the core layer: remembered answers of `Idempotency-Key` requests."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="core_idempotencykey_once_per_member")]

    def __str__(self):
        return self.key
