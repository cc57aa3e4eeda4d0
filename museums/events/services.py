"""The one write path of activities and events: seats, bookings, waiting lists, tickets and ratings.

Seats. `Session.seats_taken` counts booked seats and seats held for a waiting
member's offer; every path takes seats with one conditional `UPDATE … WHERE
seats_taken + n <= capacity` (`_seats_take`) and gives them back through
`_seats_free`, which first offers them to the head of the waiting list (the
seats then stay taken, held for that member). Two members can never get the
same seat, whichever path — a direct booking, the shop's VIP gift
(`museums.events.fulfilment`), a waiting-list offer — they came by.

Lock order (the club's: member, then gift or seat): the member's points
account first when points move, then the session row. Everything a booking
or a cancellation writes — seat, ticket, points, waiting-list offer,
notification — is in one transaction: nothing is ever half-written.

Paid bookings spend points through the ledger (`Reason.EVENT_BOOKING`,
reference `events.booking:<pk>`); a cancellation refunds that spend. A booking
of the gift-backed session made through the shop is paid and refunded by the
shop (its voucher is the ticket).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from club.core.codes import code_from_scan, code_is_valid, code_normalize
from club.core.errors import InvalidCode
from club.core.images import thumbnail_from
from club.core.locks import bounded_locks
from club.members.models import Member
from club.notifications.messages import translated
from club.notifications.models import NotificationKind
from club.notifications.services import notification_send
from museums.events.errors import (
    AlreadyBooked,
    AlreadyRated,
    AlreadyWaiting,
    BookingAlreadyCancelled,
    BookingClosed,
    CancellationClosed,
    CapacityBelowBooked,
    GuestNotAllowed,
    InvalidRating,
    NoOffer,
    NotAttended,
    OfferExpired,
    SeatsLeft,
    SessionCancelled,
    SessionFull,
    SessionNotOver,
    TicketCancelled,
    TicketNotFound,
    TicketNotToday,
)
from museums.events.models import Activity, Booking, Rating, Session, SessionMessage, WaitingEntry
from rewards.ledger.models import Reason
from rewards.ledger.services import points_account_lock, points_award, points_refund, points_spend
from rewards.shop.errors import VoucherAlreadyCollected
from rewards.shop.fulfilments import units_changed

REMINDER_AHEAD = timedelta(hours=24)


def _ticket_url(booking: Booking) -> str:
    return reverse("events:ticket", args=[booking.code])


def _activity_name(session: Session) -> dict:
    return translated(session.activity, "title")


# --- Seats -------------------------------------------------------------------------


def _seats_take(session: Session, seats: int) -> bool:
    """Take `seats` seats if that many are left (one conditional UPDATE, which locks the session row)."""
    taken = Session.objects.filter(
        pk=session.pk, status=Session.Status.SCHEDULED, seats_taken__lte=F("capacity") - seats
    ).update(seats_taken=F("seats_taken") + seats)
    if taken and session.gift_id:
        units_changed()  # the shop shows the gift's seats left
    return bool(taken)


def _seats_free(session_id: int, seats: int, *, now: datetime) -> None:
    """Give seats back: the head of the waiting list is offered them first (they stay held for that member).

    One statement when nobody ever waited for the session (the session row's
    lock is then held only until the commit that follows); otherwise the row is
    read under its lock and the freed seats offered.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE events_session SET seats_taken = seats_taken - %s WHERE id = %s RETURNING waiting_counter, gift_id",
            [seats, session_id],
        )
        waiting_counter, gift_id = cursor.fetchone()
    if waiting_counter:
        session = Session.objects.select_for_update().select_related("activity").get(pk=session_id)
        if session.status == Session.Status.SCHEDULED and session.starts_at > now:
            _offer_free_seats(session, now=now)
    if gift_id:
        units_changed()


def _offer_free_seats(session: Session, *, now: datetime) -> int:
    """Offer the seats left to the waiting list, head first; the session row is locked by the caller."""
    offered = 0
    while True:
        head = (
            WaitingEntry.objects.select_for_update()
            .filter(session_id=session.pk, status=WaitingEntry.Status.WAITING)
            .order_by("rank", "id")
            .first()
        )
        if head is None or head.seats > session.capacity - session.seats_taken:
            return offered
        _offer(session, head, now=now, by=None)
        session.seats_taken += head.seats
        offered += 1


def _offer(session: Session, entry: WaitingEntry, *, now: datetime, by: Member | None) -> None:
    """Hold the entry's seats for it (the caller counted them taken) and tell the member."""
    Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + entry.seats)
    entry.status = WaitingEntry.Status.OFFERED
    entry.offered_at = now
    entry.offer_expires_at = now + timedelta(hours=session.activity.offer_hours)
    entry.offered_by = by
    entry.save(update_fields=["status", "offered_at", "offer_expires_at", "offered_by"])
    notification_send(
        member=entry.member,
        kind=NotificationKind.EVENTS,
        title=_("Une place s'est libérée : « %(activity)s »"),
        body=_("Elle vous est réservée jusqu'au %(date)s. Confirmez-la dans Mes billets."),
        params={"activity": _activity_name(session), "date": entry.offer_expires_at},
        url=reverse("events:tickets"),
    )


# --- Booking -------------------------------------------------------------------------


def _validate_bookable(session: Session, *, now: datetime) -> None:
    if session.status == Session.Status.CANCELLED:
        raise SessionCancelled()
    if not session.is_bookable(now):
        raise BookingClosed()


def _seats_for(session: Session, guest: bool) -> int:
    if guest and not session.activity.guest_allowed:
        raise GuestNotAllowed()
    return 2 if guest else 1


def _validate_not_booked(session: Session, member_id: int) -> None:
    if Booking.objects.live().filter(session_id=session.pk, member_id=member_id).exists():
        raise AlreadyBooked()


def _booking_write(
    session: Session, *, member: Member, seats: int, now: datetime, account=None, code: str | None = None
) -> Booking:
    """The ticket row, its payment and the member's notification (the account locked when it costs points)."""
    price = session.activity.price_points
    fields = {"code": code} if code else {}
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                session=session, member=member, seats=seats, points=price, created_at=now, **fields
            )
    except IntegrityError:  # the same member's other request won the race for this session
        raise AlreadyBooked() from None
    if price:
        points_spend(
            account=account or points_account_lock(member_id=member.pk),
            amount=price,
            reason=Reason.EVENT_BOOKING,
            reference=booking.reference,
            subject=str(session.activity.title),
            now=now,
        )
    notification_send(
        member=member,
        kind=NotificationKind.EVENTS,
        title=_("Votre billet pour « %(activity)s »"),
        body=_("Le %(date)s. Votre billet et son QR code sont dans Mes billets."),
        params={"activity": _activity_name(session), "date": session.starts_at},
        url=_ticket_url(booking),
    )
    return booking


def booking_create(*, member: Member, session: Session, guest: bool = False, now: datetime | None = None) -> Booking:
    """Book a seat (two with a guest), paying the points — or nothing: SessionFull when no seat is left.

    The seat is taken last, just before the commit: every member booking the
    same session queues on that row's lock, so it is held for one statement and
    the commit, not for the whole booking. Should no seat be left, the ticket,
    payment and notification written before are rolled back with it.
    """
    now = now or timezone.now()
    session = Session.objects.select_related("activity").get(pk=session.pk)
    _validate_bookable(session, now=now)
    seats = _seats_for(session, guest)
    if session.seats_left < seats:  # (the conditional UPDATE below decides; this spares a doomed transaction)
        raise SessionFull(details={"waiting_list": True, "session": session.pk})
    _validate_not_booked(session, member.pk)
    with transaction.atomic(), bounded_locks():
        account = points_account_lock(member_id=member.pk) if session.activity.price_points else None
        booking = _booking_write(session, member=member, seats=seats, now=now, account=account)
        if not _seats_take(session, seats):
            raise SessionFull(details={"waiting_list": True, "session": session.pk})
    return booking


def waitlist_join(
    *, member: Member, session: Session, guest: bool = False, now: datetime | None = None
) -> WaitingEntry:
    """Join a full session's waiting list, at the end (ranks are handed out by the session row)."""
    now = now or timezone.now()
    session = Session.objects.select_related("activity").get(pk=session.pk)
    _validate_bookable(session, now=now)
    seats = _seats_for(session, guest)
    _validate_not_booked(session, member.pk)
    with transaction.atomic(), bounded_locks():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.capacity - locked.seats_taken >= seats:
            raise SeatsLeft()
        if WaitingEntry.objects.filter(
            session_id=session.pk, member_id=member.pk, status__in=WaitingEntry.ACTIVE
        ).exists():
            raise AlreadyWaiting()
        locked.waiting_counter += 1
        Session.objects.filter(pk=session.pk).update(waiting_counter=locked.waiting_counter)
        return WaitingEntry.objects.create(
            session=session, member=member, seats=seats, rank=locked.waiting_counter, created_at=now
        )


# --- Cancelling ----------------------------------------------------------------------


def _is_staff_action(booking: Booking, by: Member | None) -> bool:
    return by is not None and by.is_staff and by.pk != booking.member_id


def booking_cancel(*, booking: Booking, by: Member | None, reason: str = "", now: datetime | None = None) -> Booking:
    """Cancel a ticket: seats back (offered to the waiting list first), points back — once.

    A member may cancel until the session's cancellation deadline (or at any time
    while a moved session waits for their answer); staff at any time. A ticket
    bought as the shop's gift is cancelled through the shop: its voucher is
    cancelled and refunded, and the shop gives the seat back through the
    fulfilment.
    """
    now = now or timezone.now()
    booking = Booking.objects.select_related("session__activity").get(pk=booking.pk)
    if booking.status != Booking.Status.BOOKED:
        raise BookingAlreadyCancelled()
    staff = _is_staff_action(booking, by) or booking.session.status == Session.Status.CANCELLED
    if not staff and booking.move != Booking.Move.PENDING and now >= booking.session.cancellation_deadline():
        raise CancellationClosed()
    if booking.redemption_id:
        from rewards.shop.errors import VoucherCancelled  # (events → shop: the VIP gift's voucher)
        from rewards.shop.services import redemption_cancel

        assert booking.redemption is not None
        try:
            redemption_cancel(redemption=booking.redemption, by=by, now=now)
        except VoucherCancelled:  # cancelled meanwhile (another staff run, the member, its expiry)
            raise BookingAlreadyCancelled() from None
        booking.refresh_from_db()
        return booking
    with transaction.atomic(), bounded_locks():
        account = points_account_lock(member_id=booking.member_id) if booking.points else None
        locked = _booking_close(booking.pk, by=by, now=now)
        if locked is None:
            raise BookingAlreadyCancelled()
        if booking.points:
            points_refund(
                account=account,  # type: ignore[arg-type]
                spent_reason=Reason.EVENT_BOOKING,
                reference=locked.reference,
                subject=str(locked.session.activity.title),
                by=by if staff else None,
                now=now,
            )
        _notify_cancelled(locked, reason=reason)
        _seats_free(locked.session_id, locked.seats, now=now)  # last: the session row stays locked to the commit
    return locked


def _notify_cancelled(locked: Booking, *, reason: str) -> None:
    if reason:  # the museum cancelled the session
        notification_send(
            member=locked.member,
            kind=NotificationKind.EVENTS,
            title=_("Séance annulée par le musée : « %(activity)s »"),
            body=_("La séance du %(date)s n'aura pas lieu (%(reason)s). Vos %(points)s points vous sont rendus.")
            if locked.points
            else _("La séance du %(date)s n'aura pas lieu (%(reason)s)."),
            params={
                "activity": _activity_name(locked.session),
                "date": locked.session.starts_at,
                "points": locked.points,
                "reason": reason,
            },
            url=reverse("events:tickets"),
        )
        return
    notification_send(
        member=locked.member,
        kind=NotificationKind.EVENTS,
        title=_("Réservation annulée : « %(activity)s »"),
        body=_("Votre place du %(date)s est annulée ; vos %(points)s points vous sont rendus.")
        if locked.points
        else _("Votre place du %(date)s est annulée."),
        params={
            "activity": _activity_name(locked.session),
            "date": locked.session.starts_at,
            "points": locked.points,
        },
        url=reverse("events:tickets"),
    )


def _booking_close(booking_id: int, *, by: Member | None, now: datetime) -> Booking | None:
    """Mark a live booking cancelled under its row lock; None when it was not live any more."""
    locked = Booking.objects.select_for_update().select_related("session__activity", "member").get(pk=booking_id)
    if locked.status != Booking.Status.BOOKED:
        return None
    locked.status = Booking.Status.CANCELLED
    locked.cancelled_at = now
    locked.cancelled_by = by
    locked.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    return locked


# --- The shop's VIP gift (called by museums.events.fulfilment) -----------------------


def gift_seat_reserve(*, gift_id: int, member_id: int, now: datetime) -> None:
    """Take the seat a gift purchase reserves (the member's account is locked by the shop)."""
    from rewards.shop.errors import GiftOutOfStock

    session = Session.objects.select_related("activity").filter(gift_id=gift_id).first()
    if session is None:
        raise GiftOutOfStock()
    _validate_bookable(session, now=now)
    _validate_not_booked(session, member_id)
    if not _seats_take(session, 1):
        raise GiftOutOfStock()


def gift_seat_issue(*, redemption, now: datetime) -> Booking:
    """The ticket of a gift purchase: its code is the voucher's, its payment the voucher's."""
    session = Session.objects.select_related("activity").get(gift_id=redemption.gift_id)
    try:
        with transaction.atomic():
            return Booking.objects.create(
                session=session,
                member_id=redemption.member_id,
                seats=1,
                points=0,
                code=redemption.code,
                redemption=redemption,
                created_at=now,
            )
    except IntegrityError:
        raise AlreadyBooked() from None


def gift_seat_release(*, redemption, now: datetime) -> None:
    """The voucher was cancelled or expired: its ticket is cancelled and the seat given back."""
    booking = Booking.objects.filter(redemption_id=redemption.pk).first()
    if booking is None:
        return
    locked = _booking_close(booking.pk, by=redemption.cancelled_by, now=now)
    if locked is not None:
        _seats_free(locked.session_id, locked.seats, now=now)


def gift_seats_left(*, gift_id: int) -> int:
    session = Session.objects.filter(gift_id=gift_id, status=Session.Status.SCHEDULED).first()
    return session.seats_left if session else 0


# --- Waiting list --------------------------------------------------------------------


def _entry_locked(entry: WaitingEntry) -> WaitingEntry:
    return WaitingEntry.objects.select_for_update().select_related("session__activity", "member").get(pk=entry.pk)


def offer_confirm(*, entry: WaitingEntry, member: Member, now: datetime | None = None) -> Booking:
    """Take the seat offered: the held seats become a ticket, paid now."""
    now = now or timezone.now()
    with transaction.atomic(), bounded_locks():
        account = points_account_lock(member_id=member.pk)
        locked = _entry_locked(entry)
        if locked.member_id != member.pk or locked.status not in (
            WaitingEntry.Status.OFFERED,
            WaitingEntry.Status.EXPIRED,
        ):
            raise NoOffer()
        if locked.status == WaitingEntry.Status.EXPIRED or (locked.offer_expires_at and locked.offer_expires_at <= now):
            raise OfferExpired()
        if locked.session.status == Session.Status.CANCELLED:
            raise SessionCancelled()
        booking = _booking_write(
            locked.session,
            member=member,
            seats=locked.seats,
            now=now,
            account=account if locked.session.activity.price_points else None,
        )
        locked.status = WaitingEntry.Status.CONFIRMED
        locked.ended_at = now
        locked.booking = booking
        locked.save(update_fields=["status", "ended_at", "booking"])
    return booking


def _entry_end(entry: WaitingEntry, *, member: Member, status: str, now: datetime) -> WaitingEntry:
    with transaction.atomic(), bounded_locks():
        locked = _entry_locked(entry)
        if locked.member_id != member.pk or locked.status not in WaitingEntry.ACTIVE:
            raise NoOffer()
        was_offered = locked.status == WaitingEntry.Status.OFFERED
        locked.status = status
        locked.ended_at = now
        locked.save(update_fields=["status", "ended_at"])
        if was_offered:
            _seats_free(locked.session_id, locked.seats, now=now)
    return locked


def offer_decline(*, entry: WaitingEntry, member: Member, now: datetime | None = None) -> WaitingEntry:
    """Refuse the seat offered: it passes to the next member at once."""
    now = now or timezone.now()
    if entry.status != WaitingEntry.Status.OFFERED:
        raise NoOffer()
    return _entry_end(entry, member=member, status=WaitingEntry.Status.DECLINED, now=now)


def waitlist_leave(*, entry: WaitingEntry, member: Member, now: datetime | None = None) -> WaitingEntry:
    """Leave the waiting list (a seat held for the member passes to the next)."""
    return _entry_end(entry, member=member, status=WaitingEntry.Status.LEFT, now=now or timezone.now())


def offers_expire_due(*, now: datetime | None = None) -> int:
    """Offers not confirmed in time pass to the next member (beat job; rerun-safe, one offer per transaction)."""
    now = now or timezone.now()
    done = 0
    due = list(
        WaitingEntry.objects.filter(status=WaitingEntry.Status.OFFERED, offer_expires_at__lte=now).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in due:
        with transaction.atomic(), bounded_locks():
            locked = WaitingEntry.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if locked is None or locked.status != WaitingEntry.Status.OFFERED:
                continue
            locked.status = WaitingEntry.Status.EXPIRED
            locked.ended_at = now
            locked.save(update_fields=["status", "ended_at"])
            _seats_free(locked.session_id, locked.seats, now=now)
            done += 1
    return done


def waitlist_offer_by_hand(*, entry: WaitingEntry, by: Member, now: datetime | None = None) -> WaitingEntry:
    """Staff offer a seat to this waiting member, out of turn: SessionFull when no seat is free."""
    now = now or timezone.now()
    with transaction.atomic(), bounded_locks():
        session = Session.objects.select_for_update().select_related("activity").get(pk=entry.session_id)
        locked = _entry_locked(entry)
        if locked.status != WaitingEntry.Status.WAITING:
            raise NoOffer()
        if session.capacity - session.seats_taken < locked.seats:
            raise SessionFull()
        _offer(session, locked, now=now, by=by)
    return locked


def waitlist_reorder(*, session: Session, entry_ids: list[int], by: Member) -> int:
    """Put the waiting entries in this order (the ids not named keep their order, after them)."""
    with transaction.atomic(), bounded_locks():
        Session.objects.select_for_update().get(pk=session.pk)
        waiting = list(
            WaitingEntry.objects.filter(session_id=session.pk, status=WaitingEntry.Status.WAITING).order_by(
                "rank", "id"
            )
        )
        by_id = {entry.pk: entry for entry in waiting}
        ordered = [by_id[pk] for pk in dict.fromkeys(entry_ids) if pk in by_id]
        ordered += [entry for entry in waiting if entry not in ordered]
        ranks = sorted(entry.rank for entry in waiting)
        for entry, rank in zip(ordered, ranks, strict=True):
            entry.rank = rank
        WaitingEntry.objects.bulk_update(ordered, ["rank"])
    return len(ordered)


# --- Staff: sessions ------------------------------------------------------------------


def activity_save(*, activity: Activity, picture_changed: bool = False) -> Activity:
    """Save an activity staff edited; a new picture gets its thumbnail."""
    with transaction.atomic():
        activity.save()
        if picture_changed and activity.picture:
            with activity.picture.open("rb") as source:
                activity.thumbnail.save("thumbnail.jpg", thumbnail_from(source), save=False)
            Activity.objects.filter(pk=activity.pk).update(thumbnail=activity.thumbnail.name)
    return activity


def activity_picture_set(*, activity: Activity, picture: File) -> Activity:
    activity.picture.save(Path(picture.name or "picture").name, picture, save=False)
    return activity_save(activity=activity, picture_changed=True)


def session_save(*, session: Session, now: datetime | None = None) -> Session:
    """Save a session staff edited; the seats taken are never written from a form.

    The capacity cannot go below the seats taken; seats added are offered to the waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic(), bounded_locks():
        if session.pk is None:
            session.seats_taken = 0
            session.save()
            return session
        locked = Session.objects.select_for_update().select_related("activity").get(pk=session.pk)
        if session.capacity < locked.seats_taken:
            raise CapacityBelowBooked(details={"seats_taken": locked.seats_taken})
        fields = [f.name for f in Session._meta.concrete_fields if not f.primary_key]
        fields = [name for name in fields if name not in ("seats_taken", "waiting_counter")]
        session.seats_taken = locked.seats_taken
        session.waiting_counter = locked.waiting_counter
        session.save(update_fields=fields)
        if session.status == Session.Status.SCHEDULED and session.starts_at > now:
            _offer_free_seats(Session.objects.select_related("activity").get(pk=session.pk), now=now)
        if session.gift_id:
            units_changed()
    return session


def session_cancel(*, session: Session, by: Member, reason: str, now: datetime | None = None) -> int:
    """Cancel a session: every ticket refunded exactly once (a gift's voucher cancelled), everyone told.

    The session is closed to bookings first; then each ticket is cancelled in its
    own transaction, so a rerun after a crash refunds only those not yet refunded.
    """
    now = now or timezone.now()
    with transaction.atomic(), bounded_locks():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.status != Session.Status.CANCELLED:
            locked.status = Session.Status.CANCELLED
            locked.cancelled_at = now
            locked.cancel_reason = reason
            locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        for entry in WaitingEntry.objects.select_for_update().filter(
            session_id=session.pk, status__in=WaitingEntry.ACTIVE
        ):
            entry.status = WaitingEntry.Status.CLOSED
            entry.ended_at = now
            entry.save(update_fields=["status", "ended_at"])
    refunded = 0
    for booking in Booking.objects.live().filter(session_id=session.pk).order_by("pk"):
        try:
            booking_cancel(booking=booking, by=by, reason=reason, now=now)
        except BookingAlreadyCancelled:
            continue
        except VoucherAlreadyCollected:  # a VIP ticket already used at the door: nothing to give back
            continue
        refunded += 1
    if locked.gift_id:
        units_changed()
    return refunded


def session_move(*, session: Session, starts_at: datetime, by: Member, now: datetime | None = None) -> int:
    """Move a session: each booked member is told and asked to keep the new time or cancel (with a refund)."""
    now = now or timezone.now()
    with transaction.atomic(), bounded_locks():
        locked = Session.objects.select_for_update().select_related("activity").get(pk=session.pk)
        if locked.status == Session.Status.CANCELLED:
            raise SessionCancelled()
        locked.moved_from = locked.moved_from or locked.starts_at
        locked.starts_at = starts_at
        locked.save(update_fields=["moved_from", "starts_at"])
        bookings = list(Booking.objects.live().filter(session_id=locked.pk).select_related("member"))
        Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(move=Booking.Move.PENDING, reminded_at=None)
        for booking in bookings:
            notification_send(
                member=booking.member,
                kind=NotificationKind.EVENTS,
                title=_("Nouvel horaire : « %(activity)s »"),
                body=_("La séance a lieu désormais le %(date)s. Gardez votre place ou annulez-la (remboursée)."),
                params={"activity": _activity_name(locked), "date": starts_at},
                url=_ticket_url(booking),
            )
    return len(bookings)


def booking_move_answer(*, booking: Booking, member: Member, keep: bool, now: datetime | None = None) -> Booking:
    """The member's answer to a moved session: keep the new time, or cancel with a refund."""
    now = now or timezone.now()
    if booking.member_id != member.pk:
        raise TicketNotFound()
    if booking.status != Booking.Status.BOOKED:
        raise BookingAlreadyCancelled()
    if not keep:
        return booking_cancel(booking=booking, by=member, now=now)
    Booking.objects.filter(pk=booking.pk, move=Booking.Move.PENDING).update(move=Booking.Move.KEPT)
    booking.refresh_from_db()
    return booking


def session_message(*, session: Session, by: Member, title: str, body: str) -> SessionMessage:
    """Write to everyone booked on a session (service message: no marketing consent needed)."""
    with transaction.atomic():
        bookings = list(Booking.objects.live().filter(session_id=session.pk).select_related("member"))
        for booking in bookings:
            notification_send(
                member=booking.member,
                kind=NotificationKind.EVENTS,
                title=title,
                body=body,
                url=_ticket_url(booking),
            )
        return SessionMessage.objects.create(
            session=session, author=by, title=title, body=body, recipients=len(bookings)
        )


# --- At the door --------------------------------------------------------------------


@dataclass(frozen=True)
class Scan:
    booking: Booking
    first: bool  # this scan marked the attendance
    first_at: datetime
    first_by: Member | None


def ticket_scan(*, code: str, by: Member, any_day: bool = False, now: datetime | None = None) -> Scan:
    """Mark attendance from a ticket's code (typed, or a scanned address carrying it).

    A second scan is not an error: it says when and by whom the ticket was first
    scanned. A ticket for another day (Europe/Paris) is refused with
    `TicketNotToday` unless staff confirm it (`any_day`).
    """
    now = now or timezone.now()
    code = code_from_scan(code, param="code")
    if not code_is_valid(code):
        raise InvalidCode()
    with transaction.atomic(), bounded_locks():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("session__activity", "member", "attended_by")
            .filter(code=code_normalize(code))
            .first()
        )
        if booking is None:
            raise TicketNotFound()
        if booking.status != Booking.Status.BOOKED:
            raise TicketCancelled()
        if booking.attended_at is not None:
            return Scan(booking=booking, first=False, first_at=booking.attended_at, first_by=booking.attended_by)
        if not any_day and timezone.localdate(booking.session.starts_at) != timezone.localdate(now):
            raise TicketNotToday(details={"starts_at": booking.session.starts_at.isoformat(), "code": booking.code})
        booking.attended_at = now
        booking.attended_by = by
        booking.save(update_fields=["attended_at", "attended_by"])
        if booking.redemption_id:
            _gift_collected(booking, by=by, now=now)
    return Scan(booking=booking, first=True, first_at=now, first_by=by)


def _gift_collected(booking: Booking, *, by: Member, now: datetime) -> None:
    """The VIP gift's voucher is used at the door: it is collected, like a voucher at the desk."""
    from rewards.shop.models import Redemption

    assert booking.redemption_id is not None
    Redemption.objects.filter(pk=booking.redemption_id, status=Redemption.Status.ISSUED).update(
        status=Redemption.Status.COLLECTED, collected_at=now, collected_by=by
    )


# --- Ratings ------------------------------------------------------------------------


def rating_create(
    *, member: Member, booking: Booking, stars: int, comment: str = "", now: datetime | None = None
) -> Rating:
    """Rate a session the member attended, once; the rating pays its points once."""
    now = now or timezone.now()
    booking = Booking.objects.select_related("session__activity").get(pk=booking.pk)
    if booking.member_id != member.pk or booking.attended_at is None or booking.status != Booking.Status.BOOKED:
        raise NotAttended()
    if now < booking.session.ends_at:
        raise SessionNotOver()
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise InvalidRating()
    activity = booking.session.activity
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                booking=booking,
                session=booking.session,
                activity=activity,
                member=member,
                stars=stars,
                comment=comment.strip()[:2000],
                created_at=now,
            )
            points_award(
                member=member,
                action=Reason.ACTIVITY_RATED,
                reference=booking.reference,
                amount=activity.rating_points,
                subject=str(activity.title),
                now=now,
            )
    except IntegrityError:
        raise AlreadyRated() from None
    return rating


# --- Reminders ----------------------------------------------------------------------


def reminders_send_due(*, now: datetime | None = None) -> int:
    """The day before: one reminder per ticket (claimed by `reminded_at`, so a rerun sends nothing twice)."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Booking.objects.select_for_update(skip_locked=True)
                .filter(
                    status=Booking.Status.BOOKED,
                    reminded_at__isnull=True,
                    session__status=Session.Status.SCHEDULED,
                    session__starts_at__gt=now,
                    session__starts_at__lte=now + REMINDER_AHEAD,
                )
                .select_related("session__activity", "member")
                .order_by("pk")[:1000]
            )
            if not batch:
                return sent
            Booking.objects.filter(pk__in=[b.pk for b in batch]).update(reminded_at=now)
            for booking in batch:
                session = booking.session
                notification_send(
                    member=booking.member,
                    kind=NotificationKind.EVENTS,
                    title=_("Demain : « %(activity)s »"),
                    body=_("Rendez-vous le %(date)s — %(place)s. Votre billet est dans Mes billets."),
                    params={"activity": _activity_name(session), "date": session.starts_at, "place": session.place},
                    url=_ticket_url(booking),
                )
            sent += len(batch)
