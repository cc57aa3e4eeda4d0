"""Seats under bursts of simultaneous members, on PostgreSQL: never oversold, queues without gaps, refunds once.

Each thread has its own database connection (closed at the end of the thread)
and all are released at once by a barrier (`threads_at_once`). The control
test runs the same burst through a naive read-then-write seat taking, written
here, and shows that the same checks catch the oversold seats — so the real
tests are not vacuous. Every test that moves points ends with `ledger_verify`.
"""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from club.core.testing import threads_at_once
from club.members.models import Member
from club.members.tests.factories import MuseumFactory, StaffFactory
from club.notifications.models import Notification
from museums.events import selectors, services
from museums.events.errors import AlreadyBooked, BookingAlreadyCancelled, SessionFull
from museums.events.fulfilment import SEAT
from museums.events.models import Activity, Booking, Session, WaitingEntry
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.selectors import balance_of
from rewards.ledger.services import earning_rules_ensure_defaults, points_award
from rewards.shop.errors import GiftOutOfStock
from rewards.shop.models import Redemption
from rewards.shop.services import gift_redeem
from rewards.shop.tests.factories import GiftFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PRICE = 30
VIP_PRICE = 180


@pytest.fixture(autouse=True)
def _postgres(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (set DATABASE_URL)")
    settings.POINTS_LOCK_TIMEOUT_MS = 60_000  # a burst waits, it never times out
    earning_rules_ensure_defaults()  # a previous test's flush empties the earning rules


def _members(count: int, *, points: int = PRICE, prefix: str = "rafale") -> list[Member]:
    members = Member.objects.bulk_create(Member(email=f"{prefix}{i}@exemple.fr") for i in range(count))
    if points:
        for member in members:
            points_award(member=member, action=Reason.IDEA_PLANNED, reference="test.setup:events", amount=points)
    return members


def _session(*, capacity: int, price: int = PRICE, gift=None, **activity_fields) -> Session:
    activity = services.activity_save(
        activity=Activity(
            museum=MuseumFactory(),
            slug=f"atelier-{Activity.objects.count() + 1}",
            title="Atelier de restauration",
            summary="Une heure avec les restaurateurs.",
            price_points=price,
            **activity_fields,
        )
    )
    return services.session_save(
        session=Session(activity=activity, starts_at=timezone.now() + timedelta(days=10), capacity=capacity, gift=gift)
    )


def _book_as_a_request_would(member: Member, session_id: int):
    """Book (or, when full, join the waiting list) with what a request reads on its own connection."""
    session = Session.objects.get(pk=session_id)
    try:
        return services.booking_create(member=member, session=session)
    except SessionFull:
        return services.waitlist_join(member=member, session=session)


def _seats(session: Session) -> tuple[int, int, int]:
    """(seats_taken, seats of live tickets, seats held for offers) as the database has them now."""
    session.refresh_from_db()
    booked = Booking.objects.live().filter(session=session).aggregate(n=Sum("seats"))["n"] or 0
    held = WaitingEntry.objects.filter(session=session, status=WaitingEntry.Status.OFFERED).aggregate(n=Sum("seats"))
    return session.seats_taken, booked, held["n"] or 0


def _assert_seats_exact(session: Session) -> None:
    taken, booked, held = _seats(session)
    assert taken == booked + held <= session.capacity, (taken, booked, held, session.capacity)


# --- The last seats -------------------------------------------------------------------


def test_300_members_for_the_last_20_seats_get_20_tickets_and_280_places_in_line_without_gaps():
    session = _session(capacity=30)
    early = _members(10, prefix="avance")
    for member in early:
        services.booking_create(member=member, session=session)
    members = _members(300)
    results = threads_at_once(300, lambda i: _book_as_a_request_would(members[i], session.pk))

    tickets = [r for r in results if isinstance(r, Booking)]
    waiting = [r for r in results if isinstance(r, WaitingEntry)]
    assert len(tickets) == 20 and len(waiting) == 280, {type(r).__name__ for r in results}
    assert {r.member_id for r in results} == {m.pk for m in members}  # one outcome per member
    session.refresh_from_db()
    assert session.seats_taken == session.capacity == 30
    assert Booking.objects.live().filter(session=session).count() == 30
    _assert_seats_exact(session)

    ranks = sorted(entry.rank for entry in waiting)
    assert ranks == list(range(1, 281))  # unique, no gaps
    assert session.waiting_counter == 280
    queue = selectors.session_waiting(session=session)
    assert [entry.position for entry in queue] == list(range(1, 281))  # type: ignore[attr-defined]
    assert [entry.rank for entry in queue] == ranks
    positions = sorted(selectors.waiting_position(entry=entry) for entry in waiting)
    assert positions == list(range(1, 281))
    assert selectors.waiting_seats_needed(session=session) == 280

    # Paid: exactly the 30 tickets spent points, nobody on the waiting list did.
    spends = LedgerEntry.objects.filter(reason=Reason.EVENT_BOOKING)
    assert spends.count() == 30 and {e.member_id for e in spends} == {b.member_id for b in Booking.objects.live()}
    assert all(balance_of(member=entry.member) == PRICE for entry in waiting)
    call_command("ledger_verify")


def _naive_book(member_id: int, session_id: int) -> Booking:
    """Read, think, write the count read plus one: what a bare counter does (the bug)."""
    with transaction.atomic():
        session = Session.objects.get(pk=session_id)
        if session.capacity - session.seats_taken < 1:
            raise SessionFull()
        time.sleep(0.05)
        Session.objects.filter(pk=session_id).update(seats_taken=session.seats_taken + 1)
        return Booking.objects.create(session_id=session_id, member_id=member_id, seats=1)


def test_control_naive_seat_taking_oversells_and_the_same_checks_see_it():
    session = _session(capacity=30, price=0)
    early = _members(10, points=0, prefix="avance")
    for member in early:
        services.booking_create(member=member, session=session)
    members = _members(300, points=0)
    results = threads_at_once(300, lambda i: _naive_book(members[i].pk, session.pk))
    sold = sum(isinstance(r, Booking) for r in results)
    assert sold > 20, "the naive path should oversell under a burst; if not, the burst is not concurrent"
    taken, booked, held = _seats(session)
    assert booked > session.capacity  # oversold…
    assert taken <= session.capacity  # …while the counter (and its CHECK) looks fine: the counter alone proves nothing
    with pytest.raises(AssertionError):
        _assert_seats_exact(session)


# --- Waiting list: offers and their expiry --------------------------------------------


def _full_session_with_queue(*, capacity: int, waiting: int) -> tuple[Session, list[Booking], list[WaitingEntry]]:
    session = _session(capacity=capacity)
    bookings = [services.booking_create(member=m, session=session) for m in _members(capacity, prefix="inscrit")]
    entries = [services.waitlist_join(member=m, session=session) for m in _members(waiting, prefix="attente")]
    return session, bookings, entries


def _offers_sent(entry: WaitingEntry) -> int:
    return Notification.objects.filter(member_id=entry.member_id, title__startswith="Une place s'est libérée").count()


def test_a_cancellation_offers_the_seat_to_exactly_one_waiting_member_and_its_expiry_to_the_next():
    session, bookings, entries = _full_session_with_queue(capacity=5, waiting=10)
    leaving = bookings[0]
    latecomers = _members(20, prefix="tardif")

    def work(i):
        if i < 5:  # the member taps "cancel" five times
            return services.booking_cancel(booking=Booking.objects.get(pk=leaving.pk), by=leaving.member)
        return services.booking_create(member=latecomers[i - 5], session=Session.objects.get(pk=session.pk))

    results = threads_at_once(25, work)
    assert sum(isinstance(r, Booking) for r in results[:5]) == 1
    assert sum(isinstance(r, BookingAlreadyCancelled) for r in results[:5]) == 4
    # The freed seat is held for the head of the queue: no latecomer gets it.
    assert all(isinstance(r, SessionFull) for r in results[5:]), {type(r).__name__ for r in results[5:]}
    offered = WaitingEntry.objects.filter(session=session, status=WaitingEntry.Status.OFFERED)
    assert list(offered.values_list("pk", flat=True)) == [entries[0].pk]
    assert [_offers_sent(e) for e in entries] == [1] + [0] * 9
    _assert_seats_exact(session)
    assert session.seats_taken == session.capacity
    assert LedgerEntry.objects.filter(reason=Reason.REFUND, member=leaving.member).count() == 1

    # The offer is not confirmed in time: two beat runs at once move it to the next member, once.
    later = timezone.now() + timedelta(hours=49)
    expired = threads_at_once(2, lambda i: services.offers_expire_due(now=later))
    assert sorted(expired) == [0, 1], expired
    statuses = dict(WaitingEntry.objects.filter(session=session).values_list("pk", "status"))
    assert statuses[entries[0].pk] == WaitingEntry.Status.EXPIRED
    assert statuses[entries[1].pk] == WaitingEntry.Status.OFFERED
    assert all(statuses[e.pk] == WaitingEntry.Status.WAITING for e in entries[2:])
    assert [_offers_sent(e) for e in entries] == [1, 1] + [0] * 8
    _assert_seats_exact(session)

    # The next member confirms: a paid ticket, the seats still exact.
    booking = services.offer_confirm(entry=entries[1], member=entries[1].member)
    assert booking.status == Booking.Status.BOOKED and booking.points == PRICE
    assert [e.position for e in selectors.session_waiting(session=session)] == list(range(1, 9))  # type: ignore[attr-defined]
    _assert_seats_exact(session)
    call_command("ledger_verify")


def test_two_cancellations_at_once_offer_their_seats_to_the_first_two_in_line():
    session, bookings, entries = _full_session_with_queue(capacity=5, waiting=6)
    leaving = bookings[:2]
    results = threads_at_once(
        6,
        lambda i: services.booking_cancel(booking=Booking.objects.get(pk=leaving[i % 2].pk), by=leaving[i % 2].member),
    )
    assert sum(isinstance(r, Booking) for r in results) == 2
    assert sum(isinstance(r, BookingAlreadyCancelled) for r in results) == 4
    offered = WaitingEntry.objects.filter(session=session, status=WaitingEntry.Status.OFFERED)
    assert sorted(offered.values_list("pk", flat=True)) == [entries[0].pk, entries[1].pk]
    assert [_offers_sent(e) for e in entries] == [1, 1, 0, 0, 0, 0]
    _assert_seats_exact(session)
    call_command("ledger_verify")


# --- The shop's VIP gift and direct bookings share the seats ------------------------------


def test_the_vip_gift_and_direct_bookings_compete_for_the_same_seats_and_never_oversell():
    gift = GiftFactory(points=VIP_PRICE, stock=0, fulfilment=SEAT, per_member_limit=None)
    session = _session(capacity=20, price=VIP_PRICE, gift=gift)
    buyers = _members(60, points=VIP_PRICE, prefix="boutique")
    bookers = _members(60, points=VIP_PRICE, prefix="direct")
    both = _members(20, points=2 * VIP_PRICE, prefix="double")  # each tries both paths at once

    def work(i):
        if i < 60:
            return gift_redeem(member=buyers[i], gift=gift)
        if i < 120:
            return services.booking_create(member=bookers[i - 60], session=Session.objects.get(pk=session.pk))
        member = both[(i - 120) // 2]
        if i % 2:
            return gift_redeem(member=member, gift=gift)
        return services.booking_create(member=member, session=Session.objects.get(pk=session.pk))

    results = threads_at_once(160, work)
    vouchers = [r for r in results if isinstance(r, Redemption)]
    tickets = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, GiftOutOfStock | SessionFull | AlreadyBooked)]
    assert len(refused) == len(results) - len(vouchers) - len(tickets), {type(r).__name__ for r in results}
    assert len(vouchers) + len(tickets) == 20

    session.refresh_from_db()
    live = Booking.objects.live().filter(session=session)
    assert session.seats_taken == session.capacity == live.count() == 20
    _assert_seats_exact(session)
    # Every voucher is a ticket whose code is the voucher's; direct tickets have no voucher.
    assert sorted(live.filter(redemption__isnull=False).values_list("code", flat=True)) == sorted(
        v.code for v in vouchers
    )
    assert Redemption.objects.filter(gift=gift).count() == len(vouchers)
    assert live.filter(redemption__isnull=True).count() == len(tickets)
    # Nobody holds two seats nor paid twice; whoever got no seat paid nothing.
    assert len({b.member_id for b in live}) == 20
    for member in both:
        seats = live.filter(member=member).count()
        assert balance_of(member=member) == (2 - seats) * VIP_PRICE
    for member in [*buyers, *bookers]:
        assert balance_of(member=member) == (0 if live.filter(member=member).exists() else VIP_PRICE)
    assert services.gift_seats_left(gift_id=gift.pk) == 0
    call_command("ledger_verify")


# --- Staff cancel a session ---------------------------------------------------------------


def test_a_staff_cancellation_run_twice_at_once_refunds_everyone_exactly_once():
    gift = GiftFactory(points=VIP_PRICE, stock=0, fulfilment=SEAT, per_member_limit=None)
    session = _session(capacity=40, price=PRICE, gift=gift)
    booked = _members(30, prefix="inscrit")
    for member in booked:
        services.booking_create(member=member, session=session)
    vip = _members(5, points=VIP_PRICE, prefix="vip")
    for member in vip:
        gift_redeem(member=member, gift=gift)
    _assert_seats_exact(session)
    staff = StaffFactory()

    results = threads_at_once(
        2, lambda i: services.session_cancel(session=session, by=staff, reason="Salle inondée", now=timezone.now())
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 35, results

    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED and session.seats_taken == 0
    assert not Booking.objects.live().filter(session=session).exists()
    refunds = LedgerEntry.objects.filter(reason=Reason.REFUND)
    assert refunds.count() == 35 and refunds.values("member_id").distinct().count() == 35
    assert all(balance_of(member=m) == PRICE for m in booked)
    assert all(balance_of(member=m) == VIP_PRICE for m in vip)
    assert Redemption.objects.filter(gift=gift, status=Redemption.Status.CANCELLED).count() == 5
    call_command("ledger_verify")
