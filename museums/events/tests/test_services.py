"""Booking, cancelling, waiting lists, the VIP gift's seat, the door and ratings (`museums.events.services`)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from club.core.errors import InvalidCode
from club.members.tests.factories import MemberFactory
from club.notifications.models import Notification
from museums.events import errors, services
from museums.events.models import Booking, Session, WaitingEntry
from museums.events.selectors import session_waiting, waiting_position, waiting_seats_needed
from museums.events.tests.factories import ActivityFactory, SessionFactory
from rewards.ledger.errors import InsufficientPoints
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.selectors import balance_of
from rewards.shop.models import Gift, Redemption
from rewards.shop.services import gift_redeem, redemption_cancel

pytestmark = pytest.mark.django_db


def _paid_session(price=30, capacity=20, **activity):
    return SessionFactory(activity=ActivityFactory(price_points=price, **activity), capacity=capacity)


def _full(session):
    for _ in range(session.capacity - session.seats_taken):
        services.booking_create(member=MemberFactory(), session=session)
    session.refresh_from_db()
    return session


# --- Booking -------------------------------------------------------------------------


def test_booking_a_free_session_takes_a_seat_and_gives_a_ticket():
    session = SessionFactory()
    member = MemberFactory()
    booking = services.booking_create(member=member, session=session)
    session.refresh_from_db()
    assert session.seats_taken == 1 and booking.seats == 1 and booking.points == 0
    assert len(booking.code) == 14 and booking.status == Booking.Status.BOOKED
    assert Notification.objects.filter(member=member, url__contains=booking.code).exists()


def test_booking_a_paid_session_spends_its_points(give, ledger_is_consistent):
    member = MemberFactory()
    give(member, 100)
    booking = services.booking_create(member=member, session=_paid_session(price=30))
    assert balance_of(member=member) == 70
    assert LedgerEntry.objects.get(reason=Reason.EVENT_BOOKING, reference=booking.reference).amount == -30
    ledger_is_consistent()


def test_booking_without_enough_points_writes_nothing(give):
    member = MemberFactory()
    give(member, 10)
    session = _paid_session(price=30)
    with pytest.raises(InsufficientPoints):
        services.booking_create(member=member, session=session)
    session.refresh_from_db()
    assert session.seats_taken == 0 and not Booking.objects.exists() and balance_of(member=member) == 10


def test_booking_twice_is_refused():
    session, member = SessionFactory(), MemberFactory()
    services.booking_create(member=member, session=session)
    with pytest.raises(errors.AlreadyBooked):
        services.booking_create(member=member, session=session)
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_the_database_refuses_two_live_tickets_for_one_member_and_session():
    session, member = SessionFactory(), MemberFactory()
    services.booking_create(member=member, session=session)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(session=session, member=member)


def test_the_database_refuses_more_seats_taken_than_the_capacity():
    session = SessionFactory(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_taken=3)


def test_a_full_session_offers_the_waiting_list():
    session = _full(SessionFactory(capacity=2))
    with pytest.raises(errors.SessionFull) as refused:
        services.booking_create(member=MemberFactory(), session=session)
    assert refused.value.details["waiting_list"] is True


def test_booking_after_booking_closes_is_refused(clock):
    session = SessionFactory(
        activity=ActivityFactory(booking_closes_hours=2), starts_at=timezone.now() + timedelta(hours=1)
    )
    with pytest.raises(errors.BookingClosed):
        services.booking_create(member=MemberFactory(), session=session)


def test_booking_before_booking_opens_is_refused():
    activity = ActivityFactory(booking_opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(errors.BookingClosed):
        services.booking_create(member=MemberFactory(), session=SessionFactory(activity=activity))


def test_a_guest_takes_a_second_seat_only_where_allowed():
    with pytest.raises(errors.GuestNotAllowed):
        services.booking_create(member=MemberFactory(), session=SessionFactory(), guest=True)
    session = SessionFactory(activity=ActivityFactory(guest_allowed=True), capacity=3)
    booking = services.booking_create(member=MemberFactory(), session=session, guest=True)
    session.refresh_from_db()
    assert booking.seats == 2 and session.seats_taken == 2
    with pytest.raises(errors.SessionFull):
        services.booking_create(member=MemberFactory(), session=session, guest=True)


# --- Cancelling ----------------------------------------------------------------------


def test_cancelling_gives_the_seat_and_the_points_back_once(give, ledger_is_consistent):
    member = MemberFactory()
    give(member, 100)
    session = _paid_session(price=30)
    booking = services.booking_create(member=member, session=session)
    services.booking_cancel(booking=booking, by=member)
    session.refresh_from_db()
    assert session.seats_taken == 0 and balance_of(member=member) == 100
    with pytest.raises(errors.BookingAlreadyCancelled):
        services.booking_cancel(booking=booking, by=member)
    assert balance_of(member=member) == 100
    ledger_is_consistent()


def test_cancelling_after_the_deadline_is_refused_to_the_member_not_to_staff(clock):
    member = MemberFactory()
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=30))
    booking = services.booking_create(member=member, session=session)
    clock.shift(timedelta(hours=7))  # 23 h before: the 24 h deadline has passed
    with pytest.raises(errors.CancellationClosed):
        services.booking_cancel(booking=booking, by=member)
    services.booking_cancel(booking=booking, by=MemberFactory(is_staff=True))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


# --- Waiting list --------------------------------------------------------------------


def test_waiting_members_get_positions_in_order_and_joining_is_once():
    session = _full(SessionFactory(capacity=1))
    first, second = MemberFactory(), MemberFactory()
    one = services.waitlist_join(member=first, session=session)
    two = services.waitlist_join(member=second, session=session)
    assert (one.rank, two.rank) == (1, 2)
    assert waiting_position(entry=one) == 1 and waiting_position(entry=two) == 2
    with pytest.raises(errors.AlreadyWaiting):
        services.waitlist_join(member=first, session=session)


def test_joining_the_waiting_list_while_seats_are_left_is_refused():
    with pytest.raises(errors.SeatsLeft):
        services.waitlist_join(member=MemberFactory(), session=SessionFactory())


def test_a_freed_seat_is_offered_to_the_first_waiting_member_and_held_for_them(clock):
    session = SessionFactory(capacity=1)
    holder = MemberFactory()
    booking = services.booking_create(member=holder, session=session)
    first = services.waitlist_join(member=MemberFactory(), session=session)
    second = services.waitlist_join(member=MemberFactory(), session=session)
    services.booking_cancel(booking=booking, by=holder)
    first.refresh_from_db()
    second.refresh_from_db()
    session.refresh_from_db()
    assert first.status == WaitingEntry.Status.OFFERED and second.status == WaitingEntry.Status.WAITING
    assert first.offer_expires_at == timezone.now() + timedelta(hours=48)
    assert session.seats_taken == 1  # held for the offer: nobody else can book it
    with pytest.raises(errors.SessionFull):
        services.booking_create(member=MemberFactory(), session=session)
    assert Notification.objects.filter(member=first.member, title__contains="place s'est libérée").count() == 1


def test_confirming_an_offer_turns_the_held_seat_into_a_paid_ticket(give, ledger_is_consistent):
    session = _paid_session(price=20, capacity=1)
    holder, waiting = MemberFactory(), MemberFactory()
    give(holder, 50)
    give(waiting, 50)
    booking = services.booking_create(member=holder, session=session)
    entry = services.waitlist_join(member=waiting, session=session)
    services.booking_cancel(booking=booking, by=holder)
    entry.refresh_from_db()
    ticket = services.offer_confirm(entry=entry, member=waiting)
    session.refresh_from_db()
    entry.refresh_from_db()
    assert session.seats_taken == 1 and ticket.points == 20 and balance_of(member=waiting) == 30
    assert entry.status == WaitingEntry.Status.CONFIRMED and entry.booking == ticket
    ledger_is_consistent()


def test_an_offer_not_confirmed_in_time_passes_to_the_next_member_once(clock):
    session = SessionFactory(capacity=1)
    holder = MemberFactory()
    booking = services.booking_create(member=holder, session=session)
    first = services.waitlist_join(member=MemberFactory(), session=session)
    second = services.waitlist_join(member=MemberFactory(), session=session)
    services.booking_cancel(booking=booking, by=holder)
    clock.shift(timedelta(hours=48))
    assert services.offers_expire_due() == 1
    assert services.offers_expire_due() == 0  # rerun-safe
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitingEntry.Status.EXPIRED and second.status == WaitingEntry.Status.OFFERED
    with pytest.raises(errors.OfferExpired):
        services.offer_confirm(entry=first, member=first.member)
    session.refresh_from_db()
    assert session.seats_taken == 1


def test_declining_an_offer_passes_it_on_at_once():
    session = SessionFactory(capacity=1)
    holder = MemberFactory()
    booking = services.booking_create(member=holder, session=session)
    first = services.waitlist_join(member=MemberFactory(), session=session)
    second = services.waitlist_join(member=MemberFactory(), session=session)
    services.booking_cancel(booking=booking, by=holder)
    first.refresh_from_db()
    services.offer_decline(entry=first, member=first.member)
    second.refresh_from_db()
    assert second.status == WaitingEntry.Status.OFFERED


def test_staff_reorder_the_list_and_offer_a_seat_by_hand():
    session = _full(SessionFactory(capacity=1))
    entries = [services.waitlist_join(member=MemberFactory(), session=session) for _ in range(3)]
    staff = MemberFactory(is_staff=True)
    services.waitlist_reorder(session=session, entry_ids=[entries[2].pk], by=staff)
    assert [entry.pk for entry in session_waiting(session=session)] == [entries[2].pk, entries[0].pk, entries[1].pk]
    assert waiting_seats_needed(session=session) == 3
    with pytest.raises(errors.SessionFull):
        services.waitlist_offer_by_hand(entry=entries[1], by=staff)
    session.capacity = 2
    services.session_save(session=session)  # one more seat: offered to the new head of the list
    entries[2].refresh_from_db()
    assert entries[2].status == WaitingEntry.Status.OFFERED


def test_the_capacity_cannot_go_below_the_seats_taken():
    session = _full(SessionFactory(capacity=2))
    session.capacity = 1
    with pytest.raises(errors.CapacityBelowBooked):
        services.session_save(session=session)


# --- Staff: cancel, move, message ---------------------------------------------------


def test_cancelling_a_session_refunds_everyone_exactly_once(give, ledger_is_consistent):
    session = _paid_session(price=10, capacity=5)
    members = [MemberFactory() for _ in range(3)]
    for member in members:
        give(member, 10)
        services.booking_create(member=member, session=session)
    waiting_session = session
    staff = MemberFactory(is_staff=True)
    assert services.session_cancel(session=waiting_session, by=staff, reason="Grève") == 3
    assert services.session_cancel(session=waiting_session, by=staff, reason="Grève") == 0
    assert all(balance_of(member=member) == 10 for member in members)
    assert LedgerEntry.objects.filter(reason=Reason.REFUND).count() == 3
    with pytest.raises(errors.SessionCancelled):
        services.booking_create(member=MemberFactory(), session=session)
    ledger_is_consistent()


def test_moving_a_session_asks_each_member_and_lets_them_cancel_late(clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=30))
    keeper, leaver = MemberFactory(), MemberFactory()
    kept = services.booking_create(member=keeper, session=session)
    left = services.booking_create(member=leaver, session=session)
    clock.shift(timedelta(hours=10))  # past the 24 h deadline
    assert services.session_move(session=session, starts_at=session.starts_at + timedelta(hours=2), by=keeper) == 2
    assert services.booking_move_answer(booking=kept, member=keeper, keep=True).move == Booking.Move.KEPT
    assert services.booking_move_answer(booking=left, member=leaver, keep=False).status == Booking.Status.CANCELLED


def test_a_message_reaches_everyone_booked():
    session = SessionFactory()
    for _ in range(3):
        services.booking_create(member=MemberFactory(), session=session)
    message = services.session_message(
        session=session, by=MemberFactory(is_staff=True), title="Entrée côté jardin", body="La grande porte est fermée."
    )
    assert message.recipients == 3
    assert Notification.objects.filter(title="Entrée côté jardin").count() == 3


# --- The VIP opening: the shop's gift is a seat -------------------------------------


def _vip(capacity=2):
    gift = Gift.objects.create(slug="vip", name="Ouverture VIP", points=180, fulfilment="seat", stock=0)
    return gift, SessionFactory(capacity=capacity, gift=gift, activity=ActivityFactory(kind="event", price_points=180))


def test_buying_the_vip_gift_books_a_seat_whose_ticket_is_the_voucher(give, ledger_is_consistent):
    gift, session = _vip()
    member = MemberFactory()
    give(member, 200)
    redemption = gift_redeem(member=member, gift=gift)
    booking = Booking.objects.get(redemption=redemption)
    session.refresh_from_db()
    assert booking.code == redemption.code and booking.session == session and session.seats_taken == 1
    redemption_cancel(redemption=redemption, by=member)
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and session.seats_taken == 0
    assert balance_of(member=member) == 200
    ledger_is_consistent()


def test_the_vip_gift_and_direct_bookings_share_one_stock(give):
    from rewards.shop.errors import GiftOutOfStock

    gift, session = _vip(capacity=1)
    buyer, booker = MemberFactory(), MemberFactory()
    give(buyer, 200)
    give(booker, 200)
    services.booking_create(member=booker, session=session)
    with pytest.raises(GiftOutOfStock):
        gift_redeem(member=buyer, gift=gift)
    assert balance_of(member=buyer) == 200 and not Redemption.objects.exists()


def test_cancelling_the_vip_ticket_cancels_its_voucher(give):
    gift, session = _vip()
    member = MemberFactory()
    give(member, 200)
    redemption = gift_redeem(member=member, gift=gift)
    services.booking_cancel(booking=Booking.objects.get(redemption=redemption), by=member)
    redemption.refresh_from_db()
    assert redemption.status == Redemption.Status.CANCELLED and balance_of(member=member) == 200


# --- At the door ---------------------------------------------------------------------


def test_a_ticket_scanned_twice_says_when_and_by_whom_first():
    booking = services.booking_create(member=MemberFactory(), session=SessionFactory())
    door, other = MemberFactory(is_staff=True), MemberFactory(is_staff=True)
    first = services.ticket_scan(code=booking.code, by=door, any_day=True)
    again = services.ticket_scan(
        code=f"https://club.example/equipe/activites/porte/?code={booking.code}", by=other, any_day=True
    )
    assert first.first and not again.first
    assert again.first_by == door and again.first_at == first.first_at


def test_a_mistyped_unknown_or_cancelled_ticket_is_refused():
    staff = MemberFactory(is_staff=True)
    member = MemberFactory()
    booking = services.booking_create(member=member, session=SessionFactory())
    wrong = booking.code[:-1] + ("A" if booking.code[-1] != "A" else "B")
    with pytest.raises(InvalidCode):
        services.ticket_scan(code=wrong, by=staff, any_day=True)
    services.booking_cancel(booking=booking, by=member)
    with pytest.raises(errors.TicketCancelled):
        services.ticket_scan(code=booking.code, by=staff, any_day=True)


# --- Ratings -------------------------------------------------------------------------


def test_only_attendees_rate_once_after_the_session_and_are_paid_once(clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=2), activity=ActivityFactory(rating_points=15))
    attendee, absent = MemberFactory(), MemberFactory()
    came = services.booking_create(member=attendee, session=session)
    missed = services.booking_create(member=absent, session=session)
    clock.shift(timedelta(days=2, minutes=5))
    services.ticket_scan(code=came.code, by=MemberFactory(is_staff=True), any_day=True)
    with pytest.raises(errors.SessionNotOver):
        services.rating_create(member=attendee, booking=came, stars=5)
    clock.shift(timedelta(hours=2))
    with pytest.raises(errors.NotAttended):
        services.rating_create(member=absent, booking=missed, stars=5)
    with pytest.raises(errors.InvalidRating):
        services.rating_create(member=attendee, booking=came, stars=6)
    rating = services.rating_create(member=attendee, booking=came, stars=4, comment="  Magique.  ")
    assert rating.comment == "Magique." and balance_of(member=attendee) == 15
    with pytest.raises(errors.AlreadyRated):
        services.rating_create(member=attendee, booking=came, stars=5)
    assert balance_of(member=attendee) == 15


# --- Reminders -----------------------------------------------------------------------


def test_the_reminder_goes_once_the_day_before(clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=3))
    member = MemberFactory()
    services.booking_create(member=member, session=session)
    assert services.reminders_send_due() == 0
    clock.shift(timedelta(days=2, hours=1))
    assert services.reminders_send_due() == 1
    assert services.reminders_send_due() == 0
    assert Notification.objects.filter(member=member, title__startswith="Demain").count() == 1


def test_the_vip_voucher_page_shows_its_session_and_links_its_ticket(give, client):
    gift, session = _vip()
    session.place_fr = "Grand salon"
    session.save()
    member = MemberFactory()
    give(member, 200)
    redemption = gift_redeem(member=member, gift=gift)
    client.force_login(member)
    page = client.get(f"/mon-club/bons/{redemption.code}/").content.decode()
    assert f"/activites/billets/{redemption.code}/" in page and "Grand salon" in page


def test_rating_comments_reach_the_moderation_queue_with_a_link_to_them(client, clock):
    from django.contrib.auth.models import Permission

    session = SessionFactory(starts_at=timezone.now() + timedelta(days=1))
    member = MemberFactory()
    booking = services.booking_create(member=member, session=session)
    clock.shift(timedelta(days=1, minutes=1))
    services.ticket_scan(code=booking.code, by=MemberFactory(is_staff=True), any_day=True)
    clock.shift(timedelta(hours=2))
    rating = services.rating_create(member=member, booking=booking, stars=2, comment="Trop court, guide pressé.")
    moderator = MemberFactory(is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="moderate"))
    client.force_login(moderator)
    page = client.get("/equipe/moderation/?onglet=recents").content.decode()
    assert "Trop court, guide pressé." in page and rating.get_absolute_url() in page


def test_a_ticket_for_another_day_needs_the_staffs_confirmation(clock):
    booking = services.booking_create(member=MemberFactory(), session=SessionFactory())  # in 7 days
    staff = MemberFactory(is_staff=True)
    with pytest.raises(errors.TicketNotToday):
        services.ticket_scan(code=booking.code, by=staff)
    booking.refresh_from_db()
    assert booking.attended_at is None
    assert services.ticket_scan(code=booking.code, by=staff, any_day=True).first


def test_cancelling_a_session_tells_members_the_museums_reason():
    session = SessionFactory()
    member = MemberFactory()
    services.booking_create(member=member, session=session)
    services.session_cancel(session=session, by=MemberFactory(is_staff=True), reason="la conférencière est malade")
    told = Notification.objects.filter(member=member).order_by("-pk").first()
    assert "annulée par le musée" in told.title and "la conférencière est malade" in told.body


def test_buying_the_vip_gift_in_the_shop_says_the_voucher_is_the_ticket(give, client):
    gift, _session = _vip()
    member = MemberFactory()
    give(member, 200)
    client.force_login(member)
    page = client.post(f"/boutique/{gift.slug}/echanger/", follow=True).content.decode()
    assert "Votre place est réservée" in page and "votre billet : montrez ce QR code" in page
