"""What the events API reads and writes (`museums.events.api`).

The response serializers render rows the API views prepare: an activity with
its upcoming sessions prefetched (`activities_listed`), and, for a member, the
ids of their tickets and waiting-list entries among those sessions (given in
the context: two queries for the whole page, whatever its size). Nothing here
queries the database per row.

The write serializers check a body's shape only: whether the member may book,
wait, confirm or rate is the services' business (`museums.events.services`),
so the API refuses exactly what the pages refuse, with the same codes.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from museums.events.models import Activity, Booking, Rating, Session, WaitingEntry

COMMENT_LIMIT = 2000  # Rating.comment's max_length


# --- Reading ----------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    """A session to come of a listed activity, with its seats left and whether I hold a ticket or wait."""

    ends_at = serializers.DateTimeField(read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    bookable = serializers.SerializerMethodField(help_text="Open for booking now.")
    booking_closes_at = serializers.DateTimeField(source="booking_closes", read_only=True)
    cancellation_deadline = serializers.DateTimeField(read_only=True, help_text="A ticket may be cancelled until then.")
    waiting_list_open = serializers.SerializerMethodField(
        help_text="Full but open for booking: `POST /api/v1/sessions/{id}/waiting-list/` joins its waiting list."
    )
    my_ticket = serializers.SerializerMethodField(help_text="The code of my ticket for it (members), or null.")
    my_waiting_entry = serializers.SerializerMethodField(help_text="My waiting-list entry's id (members), or null.")

    class Meta:
        model = Session
        fields = ["id", "starts_at", "ends_at", "duration_minutes", "place", "capacity", "seats_left", "bookable",
                  "booking_closes_at", "cancellation_deadline", "waiting_list_open", "my_ticket",
                  "my_waiting_entry"]  # fmt: skip

    def get_bookable(self, session) -> bool:
        return session.is_bookable(self.context["now"])

    def get_waiting_list_open(self, session) -> bool:
        return session.seats_left == 0 and session.is_bookable(self.context["now"])

    def get_my_ticket(self, session) -> str | None:
        return self.context.get("my_tickets", {}).get(session.pk)

    def get_my_waiting_entry(self, session) -> int | None:
        return self.context.get("my_waiting", {}).get(session.pk)


class EventSerializer(serializers.ModelSerializer):
    """An activity to test or an event, with its sessions to come (the one shape for the list and one event)."""

    museum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    museum_name = serializers.CharField(source="museum.name", read_only=True)
    picture = serializers.ImageField(read_only=True, allow_null=True)
    thumbnail = serializers.ImageField(read_only=True, allow_null=True)
    sessions = SessionSerializer(source="upcoming", many=True, read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "slug", "kind", "museum", "museum_name", "title", "summary", "description", "picture",
                  "thumbnail", "picture_alt", "members_only", "price_points", "guest_allowed", "booking_opens_at",
                  "cancellation_hours", "offer_hours", "sessions"]  # fmt: skip
        extra_kwargs = {
            "price_points": {"help_text": "Price of a seat in points (0: free); a guest's seat is free."},
            "cancellation_hours": {"help_text": "A ticket may be cancelled until this many hours before."},
            "offer_hours": {"help_text": "Hours a waiting member has to confirm a seat offered."},
        }


class ActivityBriefSerializer(serializers.ModelSerializer):
    museum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    museum_name = serializers.CharField(source="museum.name", read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "slug", "title", "museum", "museum_name"]


class TicketSessionSerializer(serializers.ModelSerializer):
    """The session a ticket or a waiting-list entry is for."""

    ends_at = serializers.DateTimeField(read_only=True)
    activity = ActivityBriefSerializer(read_only=True)
    cancelled = serializers.SerializerMethodField(help_text="Staff cancelled the session (tickets refunded).")

    class Meta:
        model = Session
        fields = ["id", "starts_at", "ends_at", "place", "moved_from", "cancelled", "activity"]

    def get_cancelled(self, session) -> bool:
        return session.status == Session.Status.CANCELLED


class TicketSerializer(serializers.ModelSerializer):
    """My ticket: its code (the QR code holds the ticket page's address), seats, payment and state."""

    guest = serializers.SerializerMethodField(help_text="Two seats: mine and my guest's.")
    session = TicketSessionSerializer(read_only=True)
    cancellation_deadline = serializers.DateTimeField(source="session.cancellation_deadline", read_only=True)
    cancellable = serializers.SerializerMethodField(help_text="I may still cancel it (seats and points back).")
    gift = serializers.SerializerMethodField(help_text="Bought as the shop's gift: its voucher's code is this code.")
    rated = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The ticket's page (with its QR code and calendar file).")

    class Meta:
        model = Booking
        fields = ["code", "status", "seats", "guest", "points", "move", "created_at", "cancelled_at", "attended_at",
                  "cancellation_deadline", "cancellable", "gift", "rated", "session", "url"]  # fmt: skip
        extra_kwargs = {
            "points": {"help_text": "Points paid for it (refunded on cancellation)."},
            "move": {"help_text": "`pending`: staff moved the session; keep the new time or cancel."},
        }

    def get_guest(self, booking) -> bool:
        return booking.seats == 2

    def get_cancellable(self, booking) -> bool:
        if booking.status != Booking.Status.BOOKED:
            return False
        return booking.move == Booking.Move.PENDING or self.context["now"] < booking.session.cancellation_deadline()

    def get_gift(self, booking) -> bool:
        return booking.redemption_id is not None

    def get_rated(self, booking) -> bool:
        # Only an attended ticket can be rated: a fresh one costs no query.
        return booking.attended_at is not None and hasattr(booking, "rating")

    def get_url(self, booking) -> str:
        return reverse("events:ticket", args=[booking.code])


class WaitingEntrySerializer(serializers.ModelSerializer):
    """My place on a session's waiting list."""

    position = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="1 is next; 0 while a seat is offered to me (confirm before `offer_expires_at`); "
        "null once the entry has ended.",
    )
    session = TicketSessionSerializer(read_only=True)
    ticket = serializers.SerializerMethodField(help_text="The code of the ticket a confirmed offer gave me.")

    class Meta:
        model = WaitingEntry
        fields = ["id", "status", "seats", "position", "created_at", "offered_at", "offer_expires_at", "ended_at",
                  "session", "ticket"]  # fmt: skip

    def get_ticket(self, entry) -> str | None:
        return entry.booking.code if entry.booking_id else None


class RatingSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(help_text="The member's display name (never their e-mail).")
    session = serializers.IntegerField(source="session_id", read_only=True)
    session_starts_at = serializers.DateTimeField(source="session.starts_at", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "stars", "comment", "author", "session", "session_starts_at", "created_at"]

    def get_author(self, rating) -> str:
        return rating.member.display_name or str(_("Un membre"))


class RatingOutcomeSerializer(serializers.Serializer):
    rating = RatingSerializer()
    points = serializers.IntegerField(help_text="Points the rating paid (once per ticket).")
    balance = serializers.IntegerField(help_text="My balance after it.")


# --- Writing ----------------------------------------------------------------------------------


class SeatsWriteSerializer(serializers.Serializer):
    guest = serializers.BooleanField(
        required=False, default=False, help_text="Bring a guest (two seats), where the activity allows it."
    )


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 5})
class StarsField(serializers.IntegerField):
    """Any integer: the range is the rating service's rule, refused as `invalid_rating` (documented 1–5)."""


class RatingWriteSerializer(serializers.Serializer):
    stars = StarsField(help_text="1 to 5 (`invalid_rating` otherwise).")
    # DRF's CharField refuses NUL characters and lone surrogates, which PostgreSQL cannot store.
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=COMMENT_LIMIT)
