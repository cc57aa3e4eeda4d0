"""Activities and events in the API: sessions and seats left, booking, tickets, waiting lists, ratings.

Routes (`api_urls`, included in `/api/v1/` by `club.urls`):

- `GET events/` (filters `museum`, `kind`) and `GET events/{id}/`: published
  activities with their sessions to come and the seats left. Anyone may read
  them; a visitor gets the public ones only (members-only activities are for
  members, as members-only content is), a member also sees which sessions they
  hold a ticket for or wait for. `GET events/{id}/ratings/`: the visible
  ratings, their average and count.
- `POST sessions/{id}/booking/` (`{"guest": bool}`) books a seat and answers
  the ticket; a full session answers 409 `session_full` with
  `details.waiting_list` true: `POST sessions/{id}/waiting-list/` joins it.
  `POST sessions/{id}/rating/` rates a session I attended, once.
- `GET tickets/`, `GET tickets/{code}/`, `POST tickets/{code}/cancel/`: mine only;
  another member's ticket is a 404 like one that does not exist.
- `GET waiting-list/` (mine, with my position), `GET waiting-list/{id}/`,
  `POST waiting-list/{id}/confirm/` (the seat offered becomes a ticket),
  `…/decline/`, `…/leave/`.

Every write goes through `museums.events.services`, which refuse with the same
codes as the pages. The POSTs that move points or seats the member pays for
(booking, cancelling, confirming an offer, rating) accept an `Idempotency-Key`:
the key, the effect and the answer are one transaction (`club.core.idempotency`).
Lists cost the same few queries whatever their length.
"""

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import UserRateThrottle

from club.core.api import IDEMPOTENCY_PARAMETER
from club.core.codes import code_normalize
from club.core.idempotency import idempotent
from club.core.parsers import SafeJSONParser
from club.core.schema import error_responses, page_of
from museums.events import selectors, services
from museums.events.errors import NotAttended
from museums.events.models import Activity, Booking, Session, WaitingEntry
from museums.events.serializers import (
    EventSerializer,
    RatingOutcomeSerializer,
    RatingSerializer,
    RatingWriteSerializer,
    SeatsWriteSerializer,
    TicketSerializer,
    WaitingEntrySerializer,
)
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.selectors import balance_of

_MAX_ID = 2**63 - 1

_EVENT_404 = "`not_found`: no such published activity, or members-only and you are not signed in."
_SESSION_404 = "`not_found`: no such session of a published activity."
_TICKET_404 = "`ticket_not_found` (or `not_found`): no ticket of mine has this code."
_ENTRY_404 = "`not_found`: no waiting-list entry of mine has this id."
_FLOOD = {429: "`throttled`: more than 60 bookings, cancellations or answers a minute (see Retry-After)."}
_BUSY = {503: "`busy`: too many people booking this session at once, try again (see Retry-After)."}
_KEY_409 = "`idempotency_key_in_progress` (the same key's first request is still running)"


class WriteThrottle(UserRateThrottle):
    """A member's bookings, cancellations and answers: far above a real member's pace, a wall for a script.

    The rate is the setting `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["events_writes"]` when set
    (a load test of booking raises it), else 60 a minute.
    """

    scope = "events_writes"

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope) or "60/minute"


def _id(pk) -> int:
    text = str(pk or "")
    if not text.isascii() or not text.isdigit() or int(text) > _MAX_ID:
        raise NotFound()
    return int(text)


def _is_member(user) -> bool:
    return bool(user is not None and user.is_authenticated)


class _Described(viewsets.GenericViewSet):
    """What OPTIONS describes: each action's body (the views themselves name their serializers)."""

    parser_classes = [SafeJSONParser]
    serializers_by_action: dict[str, type[serializers.Serializer]] = {}

    def get_serializer_class(self):
        action = getattr(self, "action_map", {}).get(self.request.method.lower(), self.action)
        return self.serializers_by_action.get(action or "", serializers.Serializer)

    def context(self, **extra) -> dict:
        return {"request": self.request, "now": timezone.now(), **extra}


# --- Events -----------------------------------------------------------------------------------

_FILTERS = [
    OpenApiParameter("museum", int, description="A museum's id."),
    OpenApiParameter("kind", str, enum=Activity.Kind.values, description="`activity` to test, or `event`."),
]

EventRatingsPage = page_of(
    "EventRatingsPage",
    RatingSerializer(many=True),
    average=serializers.FloatField(allow_null=True, help_text="Average stars (hidden ratings included), or null."),
    ratings_count=serializers.IntegerField(help_text="Ratings in the average (`count`: those shown)."),
)


class EventViewSet(_Described):
    """Published activities and events with their sessions to come; members-only ones for members only."""

    permission_classes = [permissions.AllowAny]
    queryset = Activity.objects.none()
    serializers_by_action = {"list": EventSerializer, "retrieve": EventSerializer, "ratings": RatingSerializer}

    def _activities(self, **filters) -> QuerySet[Activity]:
        reader = self.request.user
        member = reader if _is_member(reader) else None
        activities = selectors.activities_listed(member=member, now=timezone.now(), **filters)
        if member is None:
            activities = activities.filter(members_only=False)
        return activities

    def _activity(self, pk) -> Activity:
        activity = self._activities().filter(pk=_id(pk)).first()
        if activity is None:
            raise NotFound()
        return activity

    def _filters(self) -> dict:
        params = self.request.query_params
        museum, kind = params.get("museum", ""), params.get("kind", "")
        return {
            "museum": int(museum) if museum.isascii() and museum.isdigit() and len(museum) < 10 else None,
            "kind": kind if kind in Activity.Kind.values else None,
        }

    def _mine(self, activities: list[Activity]) -> dict:
        """My tickets and waiting-list entries among these sessions (two queries for the page)."""
        reader = self.request.user
        if not _is_member(reader):
            return {}
        ids = [session.pk for activity in activities for session in activity.upcoming]
        if not ids:
            return {}
        tickets = Booking.objects.live().filter(member=reader, session_id__in=ids).values_list("session_id", "code")
        waiting = WaitingEntry.objects.filter(
            member=reader, session_id__in=ids, status__in=WaitingEntry.ACTIVE
        ).values_list("session_id", "id")
        return {"my_tickets": dict(tickets), "my_waiting": dict(waiting)}

    @extend_schema(parameters=_FILTERS, responses=EventSerializer(many=True))
    def list(self, request):
        """Activities and events, by title, each with its sessions to come and their seats left."""
        page = self.paginate_queryset(self._activities(**self._filters())) or []
        data = EventSerializer(page, many=True, context=self.context(**self._mine(page))).data
        return self.get_paginated_response(data)

    @extend_schema(responses=EventSerializer)
    @error_responses({404: _EVENT_404})
    def retrieve(self, request, pk=None):
        """One activity or event with its sessions to come, their seats left, and my tickets and waiting."""
        activity = self._activity(pk)
        return Response(EventSerializer(activity, context=self.context(**self._mine([activity]))).data)

    @extend_schema(responses=EventRatingsPage)
    @action(detail=True, methods=["get"])
    @error_responses({404: _EVENT_404 + " Or a page out of range."})
    def ratings(self, request, pk=None):
        """What members who attended said: the ratings shown (newest first), their average and count."""
        activity = self._activity(pk)
        average, count = selectors.rating_summary(activity=activity)
        page = self.paginate_queryset(selectors.ratings_visible(activity=activity).order_by("-created_at", "-id"))
        response = self.get_paginated_response(RatingSerializer(page or [], many=True).data)
        response.data = {"average": average, "ratings_count": count, **response.data}
        return response


# --- Sessions: booking, joining the waiting list, rating ---------------------------------------


class SessionViewSet(_Described):
    """What a member does with one session: book it, wait for it, rate it."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [WriteThrottle]
    queryset = Session.objects.none()
    serializers_by_action = {
        "booking": SeatsWriteSerializer, "waiting_list": SeatsWriteSerializer, "rating": RatingWriteSerializer,
    }  # fmt: skip

    def _session(self, pk) -> Session:
        session = Session.objects.filter(pk=_id(pk), activity__is_published=True).first()
        if session is None:
            raise NotFound()
        return session

    def _guest(self) -> bool:
        body = SeatsWriteSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data["guest"]

    @extend_schema(request=SeatsWriteSerializer, responses={201: TicketSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    @action(detail=True, methods=["post"])
    @error_responses(
        {
            400: "`invalid` (see `details`), `parse_error`, `guest_not_allowed`, `idempotency_key_invalid`.",
            404: _SESSION_404,
            409: "`session_full` (`details.waiting_list`: join the waiting list instead), `already_booked`, "
            "`booking_closed` (not open yet, or closed), `session_cancelled`, `insufficient_points` "
            f"(`details` says how many are missing), {_KEY_409}.",
            **_FLOOD,
            **_BUSY,
        }
    )
    @idempotent
    def booking(self, request, pk=None):
        """Book a seat (two with a guest where allowed), paying its points: my ticket."""
        session = self._session(pk)
        booking = services.booking_create(member=request.user, session=session, guest=self._guest())
        return Response(TicketSerializer(booking, context=self.context()).data, status=201)

    @extend_schema(request=SeatsWriteSerializer, responses={201: WaitingEntrySerializer})
    @action(detail=True, methods=["post"], url_path="waiting-list", url_name="waiting-list")
    @error_responses(
        {
            400: "`invalid` (see `details`), `parse_error`, `guest_not_allowed`.",
            404: _SESSION_404,
            409: "`seats_left` (book it instead), `already_waiting`, `already_booked`, `booking_closed`, "
            "`session_cancelled`.",
            **_FLOOD,
            **_BUSY,
        }
    )
    def waiting_list(self, request, pk=None):
        """Join a full session's waiting list, at the end: my entry and my position."""
        session = self._session(pk)
        entry = services.waitlist_join(member=request.user, session=session, guest=self._guest())
        return Response(_entry_data(self, entry.pk), status=201)

    @extend_schema(
        request=RatingWriteSerializer, responses={201: RatingOutcomeSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @action(detail=True, methods=["post"])
    @error_responses(
        {
            400: "`invalid` (see `details`), `parse_error`, `invalid_rating` (stars from 1 to 5), "
            "`idempotency_key_invalid`.",
            403: "`not_attended`: only members marked present may rate; `permission_denied`.",
            404: _SESSION_404,
            409: f"`session_not_over`, `already_rated`, {_KEY_409}.",
            **_FLOOD,
        }
    )
    @idempotent
    def rating(self, request, pk=None):
        """Rate a session I attended, once it is over: 1 to 5 stars and a comment; it pays points once."""
        session = self._session(pk)
        body = RatingWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = selectors.booking_of(member=request.user, session=session)
        if booking is None:
            raise NotAttended()
        rating = services.rating_create(
            member=request.user,
            booking=booking,
            stars=body.validated_data["stars"],
            comment=body.validated_data["comment"],
        )
        # The rating is new (a second one is `already_rated`): an award of this ticket was paid just now.
        entry = LedgerEntry.objects.filter(
            member=request.user, reason=Reason.ACTIVITY_RATED, reference=booking.reference
        ).first()
        outcome = {
            "rating": RatingSerializer(rating).data,
            "points": entry.amount if entry else 0,
            "balance": entry.balance_after if entry else balance_of(member=request.user),
        }
        return Response(outcome, status=201)


# --- Tickets ----------------------------------------------------------------------------------

_PERIOD = OpenApiParameter(
    "period", str, enum=["upcoming", "past"], description="`upcoming` (default): to come, soonest first; "
    "`past`: over or started, latest first. Live tickets only (a cancelled one stays readable by its code).",
)  # fmt: skip


class TicketViewSet(_Described):
    """My tickets, by their code; another member's ticket is not found."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = Booking.objects.none()
    lookup_field = "code"
    serializers_by_action = {"list": TicketSerializer, "retrieve": TicketSerializer}

    def _ticket(self, code) -> Booking:
        text = str(code or "")
        normal = code_normalize(text) if len(text) <= 32 else ""
        if not normal:
            raise NotFound()
        return selectors.booking_by_code(code=normal, member=self.request.user)

    @extend_schema(parameters=[_PERIOD], responses=TicketSerializer(many=True))
    def list(self, request):
        """My tickets to come (or past), with their session and activity."""
        past = request.query_params.get("period") == "past"
        tickets = selectors.tickets_of(member=request.user, now=timezone.now(), past=past)
        page = self.paginate_queryset(tickets) or []
        return self.get_paginated_response(TicketSerializer(page, many=True, context=self.context()).data)

    @extend_schema(responses=TicketSerializer)
    @error_responses({404: _TICKET_404})
    def retrieve(self, request, code=None):
        """One of my tickets (cancelled ones too), by its code: case, spaces and dashes do not matter."""
        return Response(TicketSerializer(self._ticket(code), context=self.context()).data)

    @extend_schema(request=None, responses=TicketSerializer, parameters=[IDEMPOTENCY_PARAMETER])
    @action(detail=True, methods=["post"], throttle_classes=[WriteThrottle])
    @error_responses(
        {
            404: _TICKET_404,
            409: "`cancellation_closed` (the deadline has passed), `booking_cancelled` (already), " + _KEY_409 + ".",
            **_FLOOD,
            **_BUSY,
        }
    )
    @idempotent
    def cancel(self, request, code=None):
        """Cancel my ticket until its deadline: its seats and points come back (a gift's voucher is cancelled)."""
        booking = services.booking_cancel(booking=self._ticket(code), by=request.user)
        booking = selectors.booking_by_code(code=booking.code, member=request.user)
        return Response(TicketSerializer(booking, context=self.context()).data)


# --- Waiting list -----------------------------------------------------------------------------


def _entries(member) -> QuerySet[WaitingEntry]:
    return WaitingEntry.objects.filter(member=member).select_related("session__activity__museum", "booking")


def _entry_data(view: _Described, pk: int) -> dict:
    entry = selectors.waiting_with_positions(_entries(view.request.user)).get(pk=pk)
    return WaitingEntrySerializer(entry, context=view.context()).data


class WaitingListViewSet(_Described):
    """My places on waiting lists: where I stand, and my answer when a seat is offered."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = WaitingEntry.objects.none()
    serializers_by_action = {"list": WaitingEntrySerializer, "retrieve": WaitingEntrySerializer}

    def _entry(self, pk) -> WaitingEntry:
        entry = _entries(self.request.user).filter(pk=_id(pk)).first()
        if entry is None:
            raise NotFound()
        return entry

    @extend_schema(responses=WaitingEntrySerializer(many=True))
    def list(self, request):
        """The waiting lists I am on (waiting, or with a seat offered to confirm), with my position."""
        entries = selectors.waiting_of(member=request.user).select_related("session__activity__museum", "booking")
        page = self.paginate_queryset(selectors.waiting_with_positions(entries)) or []
        return self.get_paginated_response(WaitingEntrySerializer(page, many=True, context=self.context()).data)

    @extend_schema(responses=WaitingEntrySerializer)
    @error_responses({404: _ENTRY_404})
    def retrieve(self, request, pk=None):
        """One of my waiting-list entries (ended ones too), with my position."""
        return Response(_entry_data(self, self._entry(pk).pk))

    @extend_schema(request=None, responses={201: TicketSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    @action(detail=True, methods=["post"], throttle_classes=[WriteThrottle])
    @error_responses(
        {
            404: _ENTRY_404,
            409: "`no_offer` (no seat is offered to me on it), `offer_expired` (it passed to the next member), "
            f"`session_cancelled`, `insufficient_points` (`details` says how many are missing), {_KEY_409}.",
            **_FLOOD,
            **_BUSY,
        }
    )
    @idempotent
    def confirm(self, request, pk=None):
        """Take the seat offered to me before it expires: it becomes my ticket, paid now."""
        booking = services.offer_confirm(entry=self._entry(pk), member=request.user)
        return Response(TicketSerializer(booking, context=self.context()).data, status=201)

    @extend_schema(request=None, responses=WaitingEntrySerializer)
    @action(detail=True, methods=["post"], throttle_classes=[WriteThrottle])
    @error_responses({404: _ENTRY_404, 409: "`no_offer`: no seat is offered to me on it.", **_FLOOD, **_BUSY})
    def decline(self, request, pk=None):
        """Refuse the seat offered to me: it passes to the next member at once."""
        entry = services.offer_decline(entry=self._entry(pk), member=request.user)
        return Response(_entry_data(self, entry.pk))

    @extend_schema(request=None, responses=WaitingEntrySerializer)
    @action(detail=True, methods=["post"], throttle_classes=[WriteThrottle])
    @error_responses({404: _ENTRY_404, 409: "`no_offer`: I am not on this list any more.", **_FLOOD, **_BUSY})
    def leave(self, request, pk=None):
        """Leave the waiting list (a seat held for me passes to the next member)."""
        entry = services.waitlist_leave(entry=self._entry(pk), member=request.user)
        return Response(_entry_data(self, entry.pk))


router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
router.register("sessions", SessionViewSet, basename="session")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("waiting-list", WaitingListViewSet, basename="waiting-list")
api_urls: list = router.urls
