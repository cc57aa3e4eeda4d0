"""Activities to test and rate, events with limited seats, bookings, waiting lists, tickets and ratings.

Design overview
---------------
* ``Activity`` is what staff offer (an activity members test and rate, or an
  event); ``Session`` is one date of it with a ``capacity`` and a counter of
  ``seats_taken``. The counter is the one truth about seats: it counts the seats
  of live bookings *and* the seats held for a waiting member's offer, and the
  database keeps it within ``0 … capacity`` (``CHECK``). Seats are taken by a
  conditional ``UPDATE … SET seats_taken = seats_taken + n WHERE seats_taken + n
  <= capacity``: two members can never both get the last seat, whatever path
  they took (a direct booking, the shop's VIP gift, a waiting-list offer).
* ``Booking`` is a member's seat (two with a guest) and their ticket: a typed
  code with a check character that the door page reads. A booking made through
  the shop's gift (``Session.gift``) points at its voucher, whose code is the
  ticket's: one stock, one purchase path.
* ``WaitingEntry`` is a member waiting for a full session, in ``rank`` order
  (numbers handed out by the session row's ``waiting_counter``, so concurrent
  joins get distinct numbers without gaps). When seats free, the head of the
  queue is *offered* them: the seats stay counted as taken, held for that member
  until ``offer_expires_at``, then pass to the next (a beat job).
* ``Rating`` is an attended booking's 1–5 stars and optional comment,
  moderated (``club.moderation``), once per booking.

Every write goes through ``museums.events.services``; money moves through the
ledger's services only.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.codes import code_generate
from club.core.images import RandomName
from club.moderation.models import Moderated

RESERVED_SLUGS = ["billets", "seances", "liste-d-attente", "avis"]


def new_ticket_code() -> str:
    return code_generate(length=11)


class ActivityQuerySet(models.QuerySet):
    def published(self) -> "ActivityQuerySet":
        return self.filter(is_published=True)


class Activity(models.Model):
    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activité à tester")
        EVENT = "event", _("Événement")

    museum = models.ForeignKey(
        "museums.Museum", verbose_name=_("musée"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.ACTIVITY)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=160)
    summary = models.CharField(_("résumé"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    picture = models.ImageField(_("image"), upload_to=RandomName("events"), blank=True)
    thumbnail = models.ImageField(upload_to=RandomName("events/thumbnails"), blank=True, editable=False)
    picture_alt = models.CharField(
        _("description de l'image"), max_length=200, blank=True, help_text=_("Obligatoire avec une image.")
    )
    members_only = models.BooleanField(
        _("réservé aux membres"),
        default=True,
        help_text=_("Sinon, les visiteurs voient la présentation et les dates (la réservation reste aux membres)."),
    )
    is_published = models.BooleanField(_("publié"), default=True)
    price_points = models.PositiveIntegerField(_("prix en points"), default=0, help_text=_("0 : gratuit."))
    guest_allowed = models.BooleanField(
        _("accompagnant autorisé"), default=False, help_text=_("Un membre et son invité occupent deux places.")
    )
    booking_opens_at = models.DateTimeField(
        _("ouverture des réservations"), null=True, blank=True, help_text=_("Vide : dès la publication.")
    )
    booking_closes_hours = models.PositiveIntegerField(_("fin des réservations (heures avant la séance)"), default=0)
    cancellation_hours = models.PositiveIntegerField(
        _("annulation possible jusqu'à (heures avant la séance)"), default=24
    )
    offer_hours = models.PositiveIntegerField(
        _("délai pour confirmer une place proposée (heures)"),
        default=48,
        help_text=_("Liste d'attente : au-delà, la place passe au suivant."),
    )
    rating_points = models.PositiveIntegerField(
        _("points pour une note"), null=True, blank=True, help_text=_("Vide : la règle de gain « Activité notée ».")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activité ou événement")
        verbose_name_plural = _("activités et événements")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(picture="") | ~Q(picture_alt=""), name="events_activity_picture_has_alt"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def reference(self) -> str:
        return f"events.activity:{self.pk}"

    @property
    def thumbnail_url(self) -> str:
        image = self.thumbnail or self.picture
        return image.url if image else ""

    @property
    def seats_per_booking_max(self) -> int:
        return 2 if self.guest_allowed else 1


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now: datetime | None = None) -> "SessionQuerySet":
        return self.filter(status=Session.Status.SCHEDULED, starts_at__gt=now or timezone.now())


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("programmée")
        CANCELLED = "cancelled", _("annulée")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activité"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), default=90)
    place = models.CharField(_("lieu de rendez-vous"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    seats_taken = models.PositiveIntegerField(_("places prises"), default=0, editable=False)
    waiting_counter = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    gift = models.OneToOneField(
        "shop.Gift",
        verbose_name=_("cadeau de la boutique"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_session",
        help_text=_("Ce cadeau de la boutique (mode de remise « place ») est une place de cette séance."),
    )
    moved_from = models.DateTimeField(_("date initiale"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("raison de l'annulation"), max_length=300, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="events_session_not_overbooked"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="events_session_has_seats"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="events_session_upcoming")]

    def __str__(self):
        return f"{self.activity} — {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    def booking_opens(self) -> datetime | None:
        return self.activity.booking_opens_at

    def booking_closes(self) -> datetime:
        return self.starts_at - timedelta(hours=self.activity.booking_closes_hours)

    def cancellation_deadline(self) -> datetime:
        return self.starts_at - timedelta(hours=self.activity.cancellation_hours)

    def is_bookable(self, now: datetime) -> bool:
        """Open for booking now (the one rule for pages, API and services)."""
        opens = self.booking_opens()
        return (
            self.status == self.Status.SCHEDULED
            and self.activity.is_published
            and (opens is None or opens <= now)
            and now < self.booking_closes()
        )


class BookingQuerySet(models.QuerySet):
    def live(self) -> "BookingQuerySet":
        return self.filter(status=Booking.Status.BOOKED)


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("réservée")
        CANCELLED = "cancelled", _("annulée")

    class Move(models.TextChoices):
        NONE = "", _("—")
        PENDING = "pending", _("à confirmer")
        KEPT = "kept", _("nouvel horaire accepté")

    session = models.ForeignKey(Session, verbose_name=_("séance"), on_delete=models.PROTECT, related_name="bookings")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    seats = models.PositiveSmallIntegerField(_("places"), default=1)
    points = models.PositiveIntegerField(_("points payés"), default=0)
    code = models.CharField(_("code du billet"), max_length=14, unique=True, default=new_ticket_code)
    redemption = models.OneToOneField(
        "shop.Redemption",
        verbose_name=_("bon cadeau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="booking",
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    move = models.CharField(_("changement d'horaire"), max_length=10, choices=Move.choices, default="", blank=True)
    created_at = models.DateTimeField(_("réservée le"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("annulée par"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    attended_at = models.DateTimeField(_("présence notée le"), null=True, blank=True)
    attended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("présence notée par"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"], condition=Q(status="booked"), name="events_booking_once_per_session"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1, seats__lte=2), name="events_booking_one_or_two_seats"),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False) | ~Q(status="cancelled"),
                name="events_booking_cancelled_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="events_booking_mine"),
            models.Index(fields=["session", "status"], name="events_booking_of_session"),
        ]

    def __str__(self):
        return f"{self.session} — {self.code}"

    @property
    def reference(self) -> str:
        return f"events.booking:{self.pk}"


class WaitingEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("en attente")
        OFFERED = "offered", _("place proposée")
        CONFIRMED = "confirmed", _("place confirmée")
        EXPIRED = "expired", _("proposition expirée")
        DECLINED = "declined", _("place refusée")
        LEFT = "left", _("sortie de la liste")
        CLOSED = "closed", _("séance annulée")

    ACTIVE = (Status.WAITING, Status.OFFERED)

    session = models.ForeignKey(Session, verbose_name=_("séance"), on_delete=models.PROTECT, related_name="waiting")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="waiting_entries")
    seats = models.PositiveSmallIntegerField(_("places"), default=1)
    rank = models.PositiveIntegerField(_("rang"))
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    offered_at = models.DateTimeField(_("place proposée le"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("à confirmer avant le"), null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposée par"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    ended_at = models.DateTimeField(null=True, blank=True)
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("inscription en liste d'attente")
        verbose_name_plural = _("listes d'attente")
        ordering = ["session", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                condition=Q(status__in=["waiting", "offered"]),
                name="events_waitingentry_once_per_session",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="events_waitingentry_offer_has_deadline",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1, seats__lte=2), name="events_waitingentry_seats"),
        ]
        indexes = [
            models.Index(fields=["session", "status", "rank"], name="events_waiting_queue"),
            models.Index(fields=["status", "offer_expires_at"], name="events_waiting_offers_due"),
        ]

    def __str__(self):
        return f"{self.session} — #{self.rank}"


class Rating(Moderated):
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="rating")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="ratings")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="ratings")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings")
    stars = models.PositiveSmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("notée le"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="events_rating_one_to_five"),
        ]
        indexes = [models.Index(fields=["activity", "created_at"], name="events_rating_of_activity")]

    def __str__(self):
        return f"{self.activity} — {self.stars}/5"

    @property
    def body(self) -> str:
        """What the member wrote (the moderation queue reads every moderated kind's `body`)."""
        return self.comment

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.activity.slug]) + f"#rating-{self.pk}"

    @property
    def reference(self) -> str:
        return f"events.rating:{self.pk}"


class SessionMessage(models.Model):
    """A message staff sent to everyone booked on a session (kept as a record of what was said)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("objet"), max_length=160)
    body = models.TextField(_("message"), max_length=4000)
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        verbose_name = _("message aux participants")
        verbose_name_plural = _("messages aux participants")
        ordering = ["-sent_at"]

    def __str__(self):
        return self.title
