"""The points ledger, earning rules and the club shop.

Design overview
---------------
Points are money-like: members must trust them and staff must be able to audit
them, so they follow double-entry habits without a second account column.

* ``LedgerEntry`` is the journal. Every movement of points is one row: a non-zero
  amount (+ earn, − spend), a reason (the action or the kind of spend), a source
  reference ``<app>.<model>:<pk>[:<detail>]`` and the balance right after it.
  Rows are never updated nor deleted; a cancellation is a new refund entry.
  ``UNIQUE (member, reason, reference)`` makes every award idempotent: the same
  survey, check-in or API call can never pay twice, whatever the retries.
* ``Account`` caches the balance of one member, changed in the same transaction
  as the entry, with ``CHECK (balance >= 0)``. Its row is the member's lock:
  every write that moves points locks it first (then, if needed, the gift row),
  always in that order, with a bounded wait (``POINTS_LOCK_TIMEOUT``).
* ``PointsLot`` tracks what is left of each earned amount and when it expires.
  Spending consumes lots oldest-expiring first (``LotConsumption`` remembers
  which), so that a refund gives points back with their original expiry — or
  30 days when that expiry has passed. The ledger stays immutable: expiry is a
  negative entry per lot.
* ``Gift`` has a fulfilment. Plain stock is a counter with ``CHECK (stock >= 0)``
  taken by a conditional ``UPDATE … WHERE stock >= 1``; a gift backed by an event
  seat will take its stock from the event, through the same purchase path.
* ``Redemption`` is the voucher a member shows at the desk: an unguessable
  typed code with a check character (``club.codes``), valid N days.
* ``Adjustment`` is a staff correction with a mandatory reason; above a
  threshold it waits for a second club administrator before it reaches the
  ledger.

Invariants checked by ``manage.py ledger_verify``: for every member,
``Account.balance == Σ LedgerEntry.amount == Σ PointsLot.remaining`` and the
last entry's ``balance_after`` equals the balance.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.codes import code_generate


class Reason(models.TextChoices):
    """Why points moved. Earning reasons are the actions of the earning rules."""

    SIGNUP = "signup", _("Bienvenue au club")
    PROFILE_COMPLETED = "profile_completed", _("Profil complété")
    SURVEY_ANSWERED = "survey_answered", _("Enquête")
    POLL_ANSWERED = "poll_answered", _("Sondage")
    QUIZ_PASSED = "quiz_passed", _("Quiz réussi")
    VOTE_CAST = "vote_cast", _("Vote")
    ACTIVITY_RATED = "activity_rated", _("Activité notée")
    MUSEUM_CHECKIN = "museum_checkin", _("Visite au musée")
    CONTENT_VIEWED = "content_viewed", _("Contenu découvert")
    IDEA_PLANNED = "idea_planned", _("Idée retenue")
    GIFT = "gift", _("Cadeau")
    REFUND = "refund", _("Remboursement")
    EXPIRY = "expiry", _("Points expirés")
    ADJUSTMENT = "adjustment", _("Ajustement par l'équipe")


EARNING_ACTIONS = [
    Reason.SIGNUP,
    Reason.PROFILE_COMPLETED,
    Reason.SURVEY_ANSWERED,
    Reason.POLL_ANSWERED,
    Reason.QUIZ_PASSED,
    Reason.VOTE_CAST,
    Reason.ACTIVITY_RATED,
    Reason.MUSEUM_CHECKIN,
    Reason.CONTENT_VIEWED,
    Reason.IDEA_PLANNED,
]


class Account(models.Model):
    """The cached balance of one member; its row is the member's lock."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="points_account"
    )
    balance = models.IntegerField(_("solde"), default=0)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("compte de points")
        verbose_name_plural = _("comptes de points")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="rewards_account_balance_non_negative")]

    def __str__(self):
        return f"{self.member} — {self.balance}"


class LedgerEntry(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_entries")
    amount = models.IntegerField(_("points"))
    reason = models.CharField(_("motif"), max_length=30, choices=Reason.choices)
    reference = models.CharField(_("référence"), max_length=120)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    balance_after = models.IntegerField(_("solde après"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("mouvement de points")
        verbose_name_plural = _("journal des points")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="rewards_ledgerentry_amount_non_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="rewards_ledgerentry_balance_non_negative"),
            models.UniqueConstraint(
                fields=["member", "reason", "reference"], name="rewards_ledgerentry_once_per_source"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at", "-id"], name="rewards_entry_member_recent"),
            models.Index(fields=["member", "reason", "created_at"], name="rewards_entry_member_reason"),
        ]

    def __str__(self):
        return f"{self.amount:+d} {self.get_reason_display()}"

    @property
    def description(self) -> str:
        label = self.get_reason_display()
        return f"{label} : {self.subject}" if self.subject else str(label)


class PointsLot(models.Model):
    """What is left of one earned amount, and when it expires (null: never)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_lots")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.CASCADE, related_name="lot")
    amount = models.PositiveIntegerField(_("points gagnés"))
    remaining = models.IntegerField(_("points restants"))
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lot de points")
        verbose_name_plural = _("lots de points")
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=F("amount")), name="rewards_pointslot_remaining_range"
            ),
        ]
        indexes = [
            models.Index(
                fields=["member", "expires_at", "id"], condition=Q(remaining__gt=0), name="rewards_lot_member_open"
            ),
            models.Index(fields=["expires_at"], condition=Q(remaining__gt=0), name="rewards_lot_open_expiry"),
        ]

    def __str__(self):
        return f"{self.remaining}/{self.amount}"


class LotConsumption(models.Model):
    """How much of a lot one spending entry took: what a refund gives back."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="consumptions")
    lot = models.ForeignKey(PointsLot, on_delete=models.CASCADE, related_name="consumptions")
    amount = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="rewards_lotconsumption_amount_positive"),
        ]

    def __str__(self):
        return f"{self.amount} ← lot {self.lot_id}"


class EarningRule(models.Model):
    class Period(models.TextChoices):
        DAY = "day", _("par jour")
        WEEK = "week", _("par semaine")
        MONTH = "month", _("par mois")
        YEAR = "year", _("par an")
        EVER = "ever", _("en tout")

    action = models.CharField(_("action"), max_length=30, choices=Reason.choices, unique=True)
    points = models.PositiveIntegerField(_("points par défaut"))
    cap_count = models.PositiveIntegerField(
        _("plafond (nombre d'attributions)"),
        null=True,
        blank=True,
        help_text=_("Laisser vide pour ne pas plafonner."),
    )
    cap_period = models.CharField(_("période du plafond"), max_length=10, choices=Period.choices, default=Period.DAY)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("règle de gain")
        verbose_name_plural = _("règles de gain")
        ordering = ["action"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=[a.value for a in EARNING_ACTIONS]), name="rewards_earningrule_earning_action"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} — {self.points} pts"


class Gift(models.Model):
    class Fulfilment(models.TextChoices):
        STOCK = "stock", _("stock simple")

    slug = models.SlugField(_("identifiant d'adresse"), unique=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    points = models.PositiveIntegerField(_("prix en points"))
    fulfilment = models.CharField(
        _("mode de remise"), max_length=20, choices=Fulfilment.choices, default=Fulfilment.STOCK
    )
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
    picture = models.ImageField(_("image"), upload_to="gifts/", blank=True)
    thumbnail = models.ImageField(upload_to="gifts/thumbs/", blank=True, editable=False)
    picture_alt = models.CharField(_("description de l'image"), max_length=200, blank=True)
    available_from = models.DateTimeField(_("disponible à partir du"), null=True, blank=True)
    available_until = models.DateTimeField(_("disponible jusqu'au"), null=True, blank=True)
    voucher_validity_days = models.PositiveIntegerField(
        _("validité du bon (jours)"), null=True, blank=True, help_text=_("Vide : la durée par défaut du club.")
    )
    is_active = models.BooleanField(_("en boutique"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    class Meta:
        verbose_name = _("cadeau")
        verbose_name_plural = _("cadeaux")
        ordering = ["position", "points"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="rewards_gift_stock_non_negative"),
            models.CheckConstraint(condition=Q(points__gt=0), name="rewards_gift_points_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def validity_days(self) -> int:
        return self.voucher_validity_days or settings.REDEMPTION_VALIDITY_DAYS

    def is_available(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_active
            and (self.available_from is None or self.available_from <= now)
            and (self.available_until is None or now < self.available_until)
        )


def new_voucher_code() -> str:
    return code_generate(length=11)


class Redemption(models.Model):
    """A gift bought with points: the voucher shown at the museum desk."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("à retirer")
        COLLECTED = "collected", _("remis")
        CANCELLED = "cancelled", _("annulé")
        EXPIRED = "expired", _("expiré")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="redemptions")
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
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bon cadeau")
        verbose_name_plural = _("bons cadeaux")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="collected", collected_at__isnull=False) | ~Q(status="collected"),
                name="rewards_redemption_collected_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="rewards_redemption_due"),
            models.Index(fields=["member", "gift", "status"], name="rewards_redemption_limit"),
        ]

    def __str__(self):
        return f"{self.gift} — {self.code}"

    @property
    def reference(self) -> str:
        return f"rewards.redemption:{self.pk}"


class Adjustment(models.Model):
    """A manual correction by staff; large ones wait for a second administrator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de validation")
        APPLIED = "applied", _("appliqué")
        REJECTED = "rejected", _("refusé")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adjustments")
    amount = models.IntegerField(_("points"))
    reason = models.TextField(_("motif"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandé par"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("ajustement de points")
        verbose_name_plural = _("ajustements de points")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="rewards_adjustment_amount_non_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="rewards_adjustment_reason_required"),
        ]

    def __str__(self):
        return f"{self.amount:+d} — {self.member}"

    @property
    def reference(self) -> str:
        return f"rewards.adjustment:{self.pk}"
