"""What the events pages, API and staff read: activities with their sessions, tickets, waiting lists, ratings."""

from datetime import datetime, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from club.members.models import Member
from museums.events.errors import TicketNotFound
from museums.events.models import Activity, Booking, Rating, Session, WaitingEntry


def activities_listed(
    *, member: Member | None = None, museum: int | None = None, kind: str | None = None, now: datetime | None = None
) -> QuerySet[Activity]:
    """Published activities with their upcoming scheduled sessions (prefetched as `upcoming`), soonest first.

    Everyone sees the list (visitors a teaser of members-only ones); booking is for members.
    """
    now = now or timezone.now()
    activities = Activity.objects.published().select_related("museum")
    if museum:
        activities = activities.filter(museum_id=museum)
    if kind:
        activities = activities.filter(kind=kind)
    upcoming = Q(sessions__status=Session.Status.SCHEDULED, sessions__starts_at__gt=now)
    return (
        activities.annotate(next_start=Min("sessions__starts_at", filter=upcoming))
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.upcoming(now).order_by("starts_at", "id"), to_attr="upcoming")
        )
        .order_by(F("next_start").asc(nulls_last=True), "title", "id")
    )


def sessions_of(*, activity: Activity, now: datetime | None = None, past: bool = False) -> QuerySet[Session]:
    """The activity's sessions to come (scheduled), or those past (for ratings)."""
    now = now or timezone.now()
    sessions = Session.objects.filter(activity=activity).select_related("gift")
    if past:
        return sessions.filter(starts_at__lte=now).order_by("-starts_at", "-id")
    return sessions.upcoming(now).order_by("starts_at", "id")


def tickets_of(*, member: Member, now: datetime | None = None, past: bool = False) -> QuerySet[Booking]:
    """The member's live tickets to come (or past), with their session and activity."""
    now = now or timezone.now()
    tickets = Booking.objects.live().filter(member=member).select_related("session__activity__museum", "rating")
    if past:
        return tickets.filter(session__starts_at__lte=now).order_by("-session__starts_at", "-id")
    return tickets.filter(session__starts_at__gt=now).order_by("session__starts_at", "id")


def tickets_cancelled_of(*, member: Member, now: datetime | None = None, days: int = 60) -> QuerySet[Booking]:
    """The member's tickets cancelled in the last `days` days (by them or by the museum), newest first."""
    since = (now or timezone.now()) - timedelta(days=days)
    return (
        Booking.objects.filter(member=member, status=Booking.Status.CANCELLED, cancelled_at__gte=since)
        .select_related("session__activity__museum")
        .order_by("-cancelled_at", "-id")
    )


def booking_by_code(*, code: str, member: Member) -> Booking:
    """The member's own ticket by its code; another member's is not found."""
    booking = (
        Booking.objects.select_related("session__activity__museum", "redemption")
        .filter(code=code, member=member)
        .first()
    )
    if booking is None:
        raise TicketNotFound()
    return booking


def booking_of(*, member: Member, session: Session) -> Booking | None:
    return Booking.objects.live().filter(member=member, session=session).first()


def waiting_of(*, member: Member) -> QuerySet[WaitingEntry]:
    """The member's active waiting-list entries (waiting, or with a seat offered)."""
    return (
        WaitingEntry.objects.filter(member=member, status__in=WaitingEntry.ACTIVE)
        .select_related("session__activity")
        .order_by("session__starts_at", "id")
    )


def waiting_entry_of(*, member: Member, session: Session) -> WaitingEntry | None:
    return WaitingEntry.objects.filter(member=member, session=session, status__in=WaitingEntry.ACTIVE).first()


def waiting_with_positions(entries: QuerySet[WaitingEntry]) -> QuerySet[WaitingEntry]:
    """The entries, each annotated with its `position`, in one query (the one rule of a place in the queue).

    A waiting entry's position is 1 + the waiting entries of its session ahead
    of it (lower rank, then lower id); an offered one's is 0; an ended one's null.
    """
    ahead = (
        WaitingEntry.objects.filter(session_id=OuterRef("session_id"), status=WaitingEntry.Status.WAITING)
        .filter(Q(rank__lt=OuterRef("rank")) | Q(rank=OuterRef("rank"), pk__lt=OuterRef("pk")))
        .order_by()
        .values("session_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return entries.annotate(
        position=Case(
            When(status=WaitingEntry.Status.OFFERED, then=Value(0)),
            When(status=WaitingEntry.Status.WAITING, then=Coalesce(Subquery(ahead), Value(0)) + 1),
            default=None,
            output_field=IntegerField(),
        )
    )


def waiting_position(*, entry: WaitingEntry) -> int | None:
    """The entry's place in its session's queue (1-based; 0 when a seat is offered to it; None once ended)."""
    entries = waiting_with_positions(WaitingEntry.objects.filter(pk=entry.pk))
    return entries.values_list("position", flat=True).get()  # type: ignore[misc]  # (annotated above)


def session_waiting(*, session: Session) -> list[WaitingEntry]:
    """The session's waiting list in order (offers first), each with its `position` (1-based; 0 when offered)."""
    entries = waiting_with_positions(
        WaitingEntry.objects.filter(session=session, status__in=WaitingEntry.ACTIVE).select_related("member")
    ).order_by("rank", "id")
    return sorted(entries, key=lambda entry: entry.position != 0)  # type: ignore[attr-defined]  # (stable)


def waiting_seats_needed(*, session: Session) -> int:
    """How many more seats would serve everyone still waiting (to open a second session)."""
    waiting = WaitingEntry.objects.filter(session=session, status=WaitingEntry.Status.WAITING).aggregate(
        seats=Sum("seats")
    )["seats"]
    return max((waiting or 0) - session.seats_left, 0)


def session_roster(*, session: Session) -> QuerySet[Booking]:
    """Who is booked on the session (live tickets), by name."""
    return (
        Booking.objects.live().filter(session=session).select_related("member", "attended_by").order_by("member__email")
    )


def session_counts(*, session_id: int) -> tuple[int, int]:
    """(people present, people booked) on a session, seats counted (a guest is a person)."""
    counts = (
        Booking.objects.live()
        .filter(session_id=session_id)
        .aggregate(booked=Sum("seats"), present=Sum("seats", filter=Q(attended_at__isnull=False)))
    )
    return counts["present"] or 0, counts["booked"] or 0


def rating_summary(*, activity: Activity) -> tuple[float | None, int]:
    """(average stars, number of ratings) of an activity; hidden ratings still count in the average."""
    summary = Rating.objects.filter(activity=activity).aggregate(average=Avg("stars"), count=Count("id"))
    average = summary["average"]
    return (round(float(average), 1) if average is not None else None), summary["count"]


def ratings_visible(*, activity: Activity) -> QuerySet[Rating]:
    """The ratings shown on the activity's page (hidden ones left out), newest first."""
    return Rating.objects.visible().filter(activity=activity).select_related("member", "session")


def ratings_for_staff(*, activity: Activity | None = None, session: Session | None = None) -> QuerySet[Rating]:
    ratings = Rating.objects.select_related("member", "session", "activity__museum", "hidden_by")
    if activity is not None:
        ratings = ratings.filter(activity=activity)
    if session is not None:
        ratings = ratings.filter(session=session)
    return ratings.order_by("-created_at", "-id")


def rateable_booking(*, member: Member, activity: Activity, now: datetime | None = None) -> Booking | None:
    """The member's attended, finished, not yet rated ticket for this activity (the rating form's)."""
    now = now or timezone.now()
    for booking in (
        Booking.objects.live()
        .filter(member=member, session__activity=activity, attended_at__isnull=False, rating__isnull=True)
        .select_related("session")
        .order_by("-session__starts_at")
    ):
        if booking.session.ends_at <= now:
            return booking
    return None


def booking_reference_names(pks: list[str]) -> dict[str, str]:
    """Reference resolver: `events.booking:<pk>` → the activity's title in the reader's language."""
    ids = [int(pk) for pk in pks if pk.isdigit()]
    rows = Booking.objects.filter(pk__in=ids).values_list("pk", "session__activity__title")
    return {str(pk): str(title) for pk, title in rows}


def sessions_coming(*, museum: int | None = None, limit: int = 5, now: datetime | None = None) -> list[Session]:
    """The next sessions open to booking or to the waiting list (the Participer hub, a museum's page)."""
    now = now or timezone.now()
    sessions = (
        Session.objects.upcoming(now)
        .filter(activity__is_published=True)
        .select_related("activity__museum")
        .order_by("starts_at", "id")
    )
    if museum:
        sessions = sessions.filter(activity__museum_id=museum)
    return [session for session in sessions[: limit * 3] if session.is_bookable(now)][:limit]


def offers_of(*, member: Member) -> list[WaitingEntry]:
    """The seats offered to the member and waiting for their answer."""
    return list(waiting_of(member=member).filter(status=WaitingEntry.Status.OFFERED))
