"""The demo's activities and events (built once whatever the reruns), and what events hold about a member."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError
from django.utils import timezone

from club.management.commands.seed_demo import MEMBER_EMAIL
from club.members.models import Member
from club.members.tests.factories import MemberFactory, MuseumFactory, StaffFactory
from club.privacy.registry import personal_data_export
from museums.events import demo, selectors, services
from museums.events.fulfilment import SEAT
from museums.events.models import Activity, Booking, Rating, Session, WaitingEntry
from museums.events.personal_data import personal_data_erase
from rewards.ledger.models import LedgerEntry
from rewards.shop.fulfilments import fulfilment_for
from rewards.shop.models import Gift

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in (Activity, Session, Booking, WaitingEntry, Rating)}
    counts["attended"] = Booking.objects.filter(attended_at__isnull=False).count()
    counts["ledger"] = LedgerEntry.objects.count()
    counts["seats"] = sum(Session.objects.values_list("seats_taken", flat=True))
    return counts


def test_seed_demo_twice_leaves_the_same_activities_sessions_bookings_and_ratings(ledger_is_consistent):
    call_command("seed_demo", force=True)
    first = _counts()
    call_command("seed_demo", force=True)
    assert _counts() == first
    assert first["Activity"] == len(demo.ACTIVITIES) and first["Session"] == sum(
        len(a.sessions) for a in demo.ACTIVITIES
    )
    assert first["Booking"] and first["Rating"] and first["attended"] > first["Rating"]
    ledger_is_consistent()


def test_the_demo_covers_the_museums_in_both_languages_with_past_and_coming_sessions():
    call_command("seed_demo", force=True)
    activities = Activity.objects.select_related("museum")
    assert activities.values("museum").distinct().count() >= 8
    assert {a.kind for a in activities} == {Activity.Kind.ACTIVITY, Activity.Kind.EVENT}
    for activity in activities:
        assert activity.title_fr and activity.title_en and activity.summary_en and activity.description_en
        assert activity.picture and activity.thumbnail and activity.picture_alt_fr and activity.picture_alt_en
    assert activities.filter(members_only=False).exists() and activities.filter(price_points__gt=0).exists()
    now = timezone.now()
    assert Session.objects.filter(starts_at__lt=now).count() >= 4
    assert Session.objects.filter(starts_at__gt=now, starts_at__lt=now + timedelta(weeks=6)).count() >= 10
    for session in Session.objects.all():  # every seat counted is a live ticket's (nothing held by an offer)
        live = sum(Booking.objects.live().filter(session=session).values_list("seats", flat=True))
        assert session.seats_taken == live <= session.capacity


def test_the_demo_member_has_a_ticket_a_place_in_line_and_a_session_to_rate():
    call_command("seed_demo", force=True)
    member = Member.objects.get(email=MEMBER_EMAIL)
    assert selectors.tickets_of(member=member).exists()
    (entry,) = selectors.waiting_of(member=member)
    full = entry.session
    assert full.seats_left == 0 and selectors.waiting_position(entry=entry) == 4
    assert [e.position for e in selectors.session_waiting(session=full)] == [1, 2, 3, 4]
    past = selectors.tickets_of(member=member, past=True).get()
    assert past.attended_at is not None and not Rating.objects.filter(booking=past).exists()
    assert selectors.rateable_booking(member=member, activity=past.session.activity) == past
    rated = Rating.objects.filter(session=past.session)
    assert rated.exists() and rated.exclude(comment="").exists()
    average, count = selectors.rating_summary(activity=past.session.activity)
    assert count == rated.count() and 1 <= average <= 5


def test_the_vip_opening_session_backs_the_shops_gift_with_its_seats():
    call_command("seed_demo", force=True)
    gift = Gift.objects.get(slug=demo.VIP_GIFT_SLUG)
    assert gift.fulfilment == SEAT, "rewards/shop/demo.py: the VIP gift is fulfilled by a seat"
    session = Session.objects.get(activity__slug=demo.VIP_ACTIVITY_SLUG)
    assert session.gift == gift and session.starts_at > timezone.now()
    assert fulfilment_for(gift).units_left(gift) == session.seats_left == session.capacity


def test_the_demo_needs_no_readers_nor_staff():
    activities = demo.demo_events_seed(museums=[MuseumFactory()], readers=[])
    assert len(activities) == len(demo.ACTIVITIES) and not Booking.objects.exists()
    assert demo.demo_events_seed(museums=[], readers=[]) == activities


# --- Personal data -----------------------------------------------------------------------


def _attended_and_rated(member, staff, *, comment: str) -> tuple[Booking, Rating]:
    activity = services.activity_save(
        activity=Activity(museum=MuseumFactory(), slug=f"atelier-{member.pk}", title="Atelier", summary="…")
    )
    starts = timezone.now() - timedelta(days=2)
    session = services.session_save(session=Session(activity=activity, starts_at=starts, capacity=5))
    booking = services.booking_create(member=member, session=session, now=starts - timedelta(days=3))
    services.ticket_scan(code=booking.code, by=staff, now=starts + timedelta(minutes=5))
    rating = services.rating_create(
        member=member, booking=booking, stars=4, comment=comment, now=session.ends_at + timedelta(hours=1)
    )
    return booking, rating


def _waiting(member) -> WaitingEntry:
    activity = services.activity_save(
        activity=Activity(museum=MuseumFactory(), slug=f"complet-{member.pk}", title="Complet", summary="…")
    )
    session = services.session_save(
        session=Session(activity=activity, starts_at=timezone.now() + timedelta(days=3), capacity=1)
    )
    services.booking_create(member=MemberFactory(), session=session)
    return services.waitlist_join(member=member, session=session)


def test_export_holds_the_members_tickets_places_in_line_and_ratings_and_nobody_elses():
    member, other, staff = MemberFactory(), MemberFactory(), StaffFactory()
    booking, _rating = _attended_and_rated(member, staff, comment="Très bien expliqué.")
    _attended_and_rated(other, staff, comment="Un autre avis.")
    entry = _waiting(member)
    message = services.session_message(session=booking.session, by=staff, title="Merci", body="À bientôt.")
    export = personal_data_export(member=member)
    (ticket,) = export["events.Booking"]
    assert ticket["code"] == booking.code and ticket["session__activity__title"] == "Atelier"
    assert ticket["attended_at"] is not None and ticket["status"] == Booking.Status.BOOKED
    (waiting,) = export["events.WaitingEntry"]
    assert waiting["rank"] == entry.rank == 1 and waiting["status"] == WaitingEntry.Status.WAITING
    (rated,) = export["events.Rating"]
    assert (rated["stars"], rated["comment"]) == (4, "Très bien expliqué.")
    assert export["events.SessionMessage"] == []
    # The staff member who scanned the tickets and wrote to the session: only what they wrote is theirs.
    staff_export = personal_data_export(member=staff)
    assert staff_export["events.Booking"] == [] and staff_export["events.Rating"] == []
    assert [row["title"] for row in staff_export["events.SessionMessage"]] == [message.title]


def test_erasure_keeps_the_rows_and_stars_and_blanks_the_members_comments_only():
    member, other, staff = MemberFactory(), MemberFactory(), StaffFactory()
    booking, rating = _attended_and_rated(member, staff, comment="Mon avis, mes mots.")
    _other_booking, other_rating = _attended_and_rated(other, staff, comment="Un autre avis.")
    entry = _waiting(member)
    assert personal_data_erase(member=member) == {"events.Rating": 1}
    rating.refresh_from_db()
    assert rating.comment == "" and rating.stars == 4 and rating.booking_id == booking.pk
    other_rating.refresh_from_db()
    assert other_rating.comment == "Un autre avis."
    assert selectors.rating_summary(activity=rating.activity) == (4.0, 1)  # the figures do not move
    assert Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).exists()
    assert WaitingEntry.objects.filter(pk=entry.pk, status=WaitingEntry.Status.WAITING).exists()
    assert personal_data_erase(member=member) == {"events.Rating": 0}  # rerun-safe
    with pytest.raises(ProtectedError):  # the rows protect the member (pseudonymised, never deleted)
        Member.objects.filter(pk=member.pk).delete()
    with pytest.raises(ProtectedError):  # and the staff member they name
        Member.objects.filter(pk=staff.pk).delete()
