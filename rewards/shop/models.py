"""The club shop: gifts and the vouchers members buy them with.

* ``Gift`` has a fulfilment (``rewards.shop.fulfilments``): what a purchase
  reserves and what a cancellation gives back. Plain stock is a counter with
  ``CHECK (stock >= 0)`` taken by a conditional ``UPDATE … WHERE stock >= 1``;
  a gift backed by an event seat takes its seat through the same purchase path.
* ``Redemption`` is the voucher a member shows at the desk: an unguessable
  typed code with a check character (``club.core.codes``), valid N days.

Points are paid and refunded through the ledger's services; the shop never
writes a ledger row itself.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.codes import code_generate
from club.core.images import RandomName
from rewards.shop.fulfilments import STOCK, fulfilment_choices


class GiftQuerySet(models.QuerySet):
    def on_sale(self, now=None) -> "GiftQuerySet":
        """Gifts in the shop now: active and inside their sale window (the one rule)."""
        now = now or timezone.now()
        return (
            self.filter(is_active=True)
            .filter(Q(available_from__isnull=True) | Q(available_from__lte=now))
            .filter(Q(available_until__isnull=True) | Q(available_until__gt=now))
        )


class Gift(models.Model):
    slug = models.SlugField(_("identifiant d'adresse"), unique=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    points = models.PositiveIntegerField(_("prix en points"))
    fulfilment = models.CharField(_("mode de remise"), max_length=20, choices=fulfilment_choices, default=STOCK)
    stock = models.IntegerField(_("stock"), default=0)
    per_member_limit = models.PositiveIntegerField(
        _("limite par membre"), null=True, blank=True, help_text=_("Laisser vide pour ne pas limiter.")
    )
    museum = models.ForeignKey(
        "museums.Museum",
        verbose_name=_("musée de retrait"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gifts",
    )
    picture = models.ImageField(_("image"), upload_to=RandomName("gifts"), blank=True)
    thumbnail = models.ImageField(upload_to=RandomName("gifts/thumbs"), blank=True, editable=False)
    picture_alt = models.CharField(_("description de l'image"), max_length=200, blank=True)
    available_from = models.DateTimeField(_("disponible à partir du"), null=True, blank=True)
    available_until = models.DateTimeField(_("disponible jusqu'au"), null=True, blank=True)
    voucher_validity_days = models.PositiveIntegerField(
        _("validité du bon (jours)"), null=True, blank=True, help_text=_("Vide : la durée par défaut du club.")
    )
    is_active = models.BooleanField(_("en boutique"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    objects = GiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadeau")
        verbose_name_plural = _("cadeaux")
        ordering = ["position", "points"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="shop_gift_stock_non_negative"),
            models.CheckConstraint(condition=Q(points__gt=0), name="shop_gift_points_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def thumbnail_url(self) -> str:
        return self.thumbnail.url if self.thumbnail else ""

    @property
    def validity_days(self) -> int:
        return self.voucher_validity_days or settings.REDEMPTION_VALIDITY_DAYS


def new_voucher_code() -> str:
    return code_generate(length=11)


class Redemption(models.Model):
    """A gift bought with points: the voucher shown at the museum desk."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("à retirer")
        COLLECTED = "collected", _("remis")
        CANCELLED = "cancelled", _("annulé")
        EXPIRED = "expired", _("expiré")

    # What each status means to the reader, as a badge tone of the design system.
    STATUS_TONES = {Status.ISSUED: "ok", Status.COLLECTED: "info", Status.CANCELLED: "danger", Status.EXPIRED: "muted"}

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="redemptions")
    gift = models.ForeignKey(Gift, verbose_name=_("cadeau"), on_delete=models.PROTECT, related_name="redemptions")
    museum = models.ForeignKey(
        "museums.Museum", verbose_name=_("musée de retrait"), null=True, blank=True, on_delete=models.SET_NULL
    )
    points = models.PositiveIntegerField(_("points payés"))
    code = models.CharField(_("code du bon"), max_length=14, unique=True, default=new_voucher_code)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.ISSUED)
    created_at = models.DateTimeField(_("commandé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("à retirer avant le"))
    collected_at = models.DateTimeField(_("remis le"), null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("remis par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bon cadeau")
        verbose_name_plural = _("bons cadeaux")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="collected", collected_at__isnull=False) | ~Q(status="collected"),
                name="shop_redemption_collected_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="shop_redemption_due"),
            models.Index(fields=["member", "gift", "status"], name="shop_redemption_limit"),
        ]

    def __str__(self):
        return f"{self.gift} — {self.code}"

    @property
    def status_tone(self) -> str:
        return self.STATUS_TONES[self.Status(self.status)]

    @property
    def badges(self) -> list[tuple[str, str]]:
        return [(self.get_status_display(), self.status_tone)]

    @property
    def reference(self) -> str:
        return f"shop.redemption:{self.pk}"
