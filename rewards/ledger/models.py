"""The points ledger: entries, balances, expiry lots, earning rules, adjustments.

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
  always in that order, with a bounded wait (``POINTS_LOCK_TIMEOUT_MS``).
* ``PointsLot`` tracks what is left of each earned amount and when it expires.
  Spending consumes lots oldest-expiring first (``LotConsumption`` remembers
  which), so that a refund gives points back with their original expiry — or
  30 days when that expiry has passed. The ledger stays immutable: expiry is a
  negative entry per lot.
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
    EVENT_BOOKING = "event_booking", _("Réservation d'une activité")
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
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.PROTECT, related_name="points_account"
    )
    balance = models.IntegerField(_("solde"), default=0)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("compte de points")
        verbose_name_plural = _("comptes de points")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="ledger_account_balance_non_negative")]

    def __str__(self):
        return f"{self.member} — {self.balance}"


class LedgerEntry(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries")
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
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    # Set by `points_award` on the entry it has just written (not on an earlier award it returns).
    paid_now = False

    class Meta:
        verbose_name = _("mouvement de points")
        verbose_name_plural = _("journal des points")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_ledgerentry_amount_non_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="ledger_ledgerentry_balance_non_negative"),
            models.UniqueConstraint(
                fields=["member", "reason", "reference"], name="ledger_ledgerentry_once_per_source"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at", "-id"], name="ledger_entry_member_recent"),
            models.Index(fields=["member", "reason", "created_at"], name="ledger_entry_member_reason"),
        ]

    # Set by `references_describe`: the name the reference's app gives it in the reader's language.
    object_name = ""

    def __str__(self):
        return f"{self.amount:+d} {self.get_reason_display()}"

    @property
    def description(self) -> str:
        """The line shown in the history: the reason, and what it was about.

        "What it was about" is the name its app gives the reference in the
        reader's language (`references_describe` sets `object_name`), else the
        subject written at the time.
        """
        # The enum's label, not get_reason_display(): that one rebuilds a dict of every
        # choice (each lazy label hashed, hence translated) for each line of a page.
        label = Reason(self.reason).label
        about = self.object_name or self.subject
        # The colon's spacing is the language's: "Cadeau : Sac" but "Gift: Tote bag".
        return _("%(reason)s : %(about)s") % {"reason": label, "about": about} if about else str(label)


class PointsLot(models.Model):
    """What is left of one earned amount, and when it expires (null: never)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="points_lots")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="lot")
    amount = models.PositiveIntegerField(_("points gagnés"))
    remaining = models.IntegerField(_("points restants"))
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    # When the member was told these points expire soon: the claim that makes the
    # warning job safe to rerun (one warning per lot, whatever runs or redeliveries).
    warned_at = models.DateTimeField(_("membre prévenu le"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lot de points")
        verbose_name_plural = _("lots de points")
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=F("amount")), name="ledger_pointslot_remaining_range"
            ),
        ]
        indexes = [
            models.Index(
                fields=["member", "expires_at", "id"], condition=Q(remaining__gt=0), name="ledger_lot_member_open"
            ),
            models.Index(fields=["expires_at"], condition=Q(remaining__gt=0), name="ledger_lot_open_expiry"),
        ]

    def __str__(self):
        return f"{self.remaining}/{self.amount}"


class LotConsumption(models.Model):
    """How much of a lot one spending entry took: what a refund gives back."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="consumptions")
    lot = models.ForeignKey(PointsLot, on_delete=models.PROTECT, related_name="consumptions")
    amount = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_lotconsumption_amount_positive"),
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
                condition=Q(action__in=[a.value for a in EARNING_ACTIONS]), name="ledger_earningrule_earning_action"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} — {self.points} pts"


class Adjustment(models.Model):
    """A manual correction by staff; large ones wait for a second administrator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de validation")
        APPLIED = "applied", _("appliqué")
        REJECTED = "rejected", _("refusé")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adjustments")
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
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_adjustment_amount_non_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="ledger_adjustment_reason_required"),
        ]

    def __str__(self):
        return f"{self.amount:+d} — {self.member}"

    @property
    def reference(self) -> str:
        return f"ledger.adjustment:{self.pk}"
