"""The events API: activities and their seats, booking, tickets, waiting lists, ratings — and what it refuses."""

from datetime import timedelta

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from club.members.services import member_api_token
from club.members.tests.factories import MemberFactory, MuseumFactory
from museums.events import services
from museums.events.models import Activity, Booking, Rating, Session, WaitingEntry
from museums.events.selectors import waiting_position
from museums.events.selectors import waiting_with_positions as _positioned
from museums.events.tests.factories import ActivityFactory, SessionFactory
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.selectors import balance_of
from rewards.ledger.services import points_award

pytestmark = pytest.mark.django_db


def _api(member=None) -> APIClient:
    client = APIClient()
    if member is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {member_api_token(member=member)}")
    return client


def _book(member, session, **body):
    return _api(member).post(f"/api/v1/sessions/{session.pk}/booking/", body, format="json")


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert body["code"] == code and body["message"] and isinstance(body["details"], dict), body
    return body


def _member_with_points(points: int = 1000):
    member = MemberFactory()
    points_award(member=member, action=Reason.IDEA_PLANNED, reference=f"test.fill:{member.pk}", amount=points)
    return member


def _full(session):
    """Fill the session's seats left with new members' bookings."""
    session.refresh_from_db()
    for _ in range(session.seats_left):
        services.booking_create(member=_member_with_points(), session=session)
    session.refresh_from_db()
    return session


def _attended_and_over(clock, session, member):
    """`member` booked, was scanned at the door, and the session is over."""
    booking = services.booking_create(member=member, session=session)
    clock.move_to(session.starts_at + timedelta(minutes=5))
    services.ticket_scan(code=booking.code, by=MemberFactory(is_staff=True), any_day=True)
    clock.move_to(session.ends_at + timedelta(minutes=1))
    return booking


# --- Events -----------------------------------------------------------------------------------


def test_visitors_list_public_activities_and_members_all_published_ones_with_sessions_to_come():
    public = ActivityFactory(members_only=False)
    secret = ActivityFactory(members_only=True)
    draft = ActivityFactory(members_only=False, is_published=False)
    now = timezone.now()
    soon = SessionFactory(activity=public, starts_at=now + timedelta(days=2), capacity=12)
    later = SessionFactory(activity=public, starts_at=now + timedelta(days=9))
    SessionFactory(activity=public, starts_at=now - timedelta(days=1))  # over
    SessionFactory(activity=public, status=Session.Status.CANCELLED)
    services.booking_create(member=MemberFactory(), session=soon)

    visitor = _api().get("/api/v1/events/").json()
    assert [row["id"] for row in visitor["results"]] == [public.pk]
    event = visitor["results"][0]
    assert [s["id"] for s in event["sessions"]] == [soon.pk, later.pk]
    first = event["sessions"][0]
    assert first["capacity"] == 12 and first["seats_left"] == 11 and first["bookable"] is True
    assert first["my_ticket"] is None and first["waiting_list_open"] is False
    assert event["kind"] == "activity" and event["museum"] == public.museum.slug

    member_sees = {row["id"] for row in _api(MemberFactory()).get("/api/v1/events/").json()["results"]}
    assert member_sees == {public.pk, secret.pk}
    for activity in (secret, draft):
        assert _api().get(f"/api/v1/events/{activity.pk}/").status_code == 404
    _error(_api(MemberFactory()).get(f"/api/v1/events/{draft.pk}/"), 404, "not_found")


def test_events_filter_by_museum_and_kind_and_ignore_filters_they_cannot_read():
    louvre, orsay = MuseumFactory(), MuseumFactory()
    visit = ActivityFactory(members_only=False, museum=louvre)
    gala = ActivityFactory(members_only=False, museum=orsay, kind=Activity.Kind.EVENT)

    def ids(query):
        response = _api().get(f"/api/v1/events/{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(f"?museum={louvre.pk}") == {visit.pk}
    assert ids("?kind=event") == {gala.pk}
    assert ids(f"?museum={orsay.pk}&kind=activity") == set()
    assert ids("?museum=abc&kind=zzz") == ids("?museum=99999999999999999999&kind=%00") == {visit.pk, gala.pk}


def test_unknown_or_unreadable_event_ids_are_not_found():
    for pk in ["0", "99999999", "99999999999999999999999", "abc", "%C3%A9"]:
        _error(_api().get(f"/api/v1/events/{pk}/"), 404, "not_found")
        _error(_api().get(f"/api/v1/events/{pk}/ratings/"), 404, "not_found")


def test_a_member_sees_their_ticket_and_waiting_entry_on_the_event():
    member = MemberFactory()
    booked = SessionFactory(capacity=5)
    full = _full(SessionFactory(activity=booked.activity, capacity=1))
    ticket = services.booking_create(member=member, session=booked)
    entry = services.waitlist_join(member=member, session=full)
    event = _api(member).get(f"/api/v1/events/{booked.activity.pk}/").json()
    by_id = {s["id"]: s for s in event["sessions"]}
    assert by_id[booked.pk]["my_ticket"] == ticket.code and by_id[booked.pk]["my_waiting_entry"] is None
    assert by_id[full.pk]["my_waiting_entry"] == entry.pk and by_id[full.pk]["my_ticket"] is None
    assert by_id[full.pk]["seats_left"] == 0 and by_id[full.pk]["waiting_list_open"] is True
    other = _api(MemberFactory()).get(f"/api/v1/events/{booked.activity.pk}/").json()
    assert {s["my_ticket"] for s in other["sessions"]} == {None}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_events_list_costs_the_same_queries_for_one_activity_or_twenty():
    member = MemberFactory()
    first = SessionFactory(activity=ActivityFactory(members_only=False))
    services.booking_create(member=member, session=first)
    few = (_queries(_api(), "/api/v1/events/"), _queries(_api(member), "/api/v1/events/"))
    for _ in range(19):
        activity = ActivityFactory(members_only=False)
        for days in (3, 4, 5):
            session = SessionFactory(activity=activity, starts_at=timezone.now() + timedelta(days=days))
            services.booking_create(member=member, session=session)
    many = (_queries(_api(), "/api/v1/events/"), _queries(_api(member), "/api/v1/events/"))
    assert many == few
    assert len(_api(member).get("/api/v1/events/").json()["results"]) == 20


# --- Booking ----------------------------------------------------------------------------------


def test_booking_answers_my_ticket_and_spends_the_points(give, ledger_is_consistent):
    member = MemberFactory()
    give(member, 100)
    session = SessionFactory(activity=ActivityFactory(price_points=30))
    response = _book(member, session)
    assert response.status_code == 201, response.content
    ticket = response.json()
    booking = Booking.objects.get(member=member)
    assert ticket["code"] == booking.code and ticket["status"] == "booked" and ticket["points"] == 30
    assert ticket["seats"] == 1 and ticket["guest"] is False and ticket["cancellable"] is True
    assert ticket["session"]["id"] == session.pk and ticket["session"]["activity"]["id"] == session.activity_id
    assert ticket["url"].endswith(f"{booking.code}/") and ticket["gift"] is False and ticket["rated"] is False
    assert balance_of(member=member) == 70
    ledger_is_consistent()


def test_a_guest_takes_two_seats_only_where_the_activity_allows_it():
    member = MemberFactory()
    plus_one = SessionFactory(activity=ActivityFactory(guest_allowed=True))
    alone = SessionFactory()
    ticket = _book(member, plus_one, guest=True).json()
    assert ticket["seats"] == 2 and ticket["guest"] is True
    _error(_book(member, alone, guest=True), 400, "guest_not_allowed")
    alone.refresh_from_db()
    assert alone.seats_taken == 0


def test_booking_a_full_session_says_the_waiting_list_is_open_and_takes_nothing():
    session = _full(SessionFactory(capacity=2))
    member = MemberFactory()
    body = _error(_book(member, session), 409, "session_full")
    assert body["details"]["waiting_list"] is True
    assert not Booking.objects.filter(member=member).exists()


def test_booking_twice_closed_cancelled_or_without_points_is_refused_with_its_code(clock, give):
    member = MemberFactory()
    session = SessionFactory()
    assert _book(member, session).status_code == 201
    _error(_book(member, session), 409, "already_booked")
    closing = SessionFactory(
        activity=ActivityFactory(booking_closes_hours=24), starts_at=timezone.now() + timedelta(hours=3)
    )
    _error(_book(member, closing), 409, "booking_closed")
    not_yet = SessionFactory(activity=ActivityFactory(booking_opens_at=timezone.now() + timedelta(days=1)))
    _error(_book(member, not_yet), 409, "booking_closed")
    cancelled = SessionFactory()
    services.session_cancel(session=cancelled, by=MemberFactory(is_staff=True), reason="Grève")
    _error(_book(member, cancelled), 409, "session_cancelled")
    give(member, 10)
    dear = SessionFactory(activity=ActivityFactory(price_points=30))
    _error(_book(member, dear), 409, "insufficient_points")
    dear.refresh_from_db()
    assert dear.seats_taken == 0 and balance_of(member=member) == 10
    assert Booking.objects.filter(member=member).count() == 1


def test_booking_refuses_bad_bodies_unknown_sessions_and_visitors_with_a_code():
    member = MemberFactory()
    session = SessionFactory()
    api = _api(member)
    for bad in [{"guest": "peut-être"}, {"guest": [1]}, ["guest"], "oui", 3]:
        _error(api.post(f"/api/v1/sessions/{session.pk}/booking/", bad, format="json"), 400, "invalid")
    garbled = api.post(f"/api/v1/sessions/{session.pk}/booking/", "{guest", content_type="application/json")
    _error(garbled, 400, "parse_error")
    form = api.post(f"/api/v1/sessions/{session.pk}/booking/", {"guest": "1"})
    _error(form, 415, "unsupported_media_type")
    hidden = SessionFactory(activity=ActivityFactory(is_published=False))
    for pk in [hidden.pk, 0, 99999999, "99999999999999999999999", "x"]:
        _error(api.post(f"/api/v1/sessions/{pk}/booking/", {}, format="json"), 404, "not_found")
    _error(_book(None, session), 401, "not_authenticated")
    assert not Booking.objects.exists()


def test_a_booking_retried_with_its_key_is_replayed_not_booked_twice(give, ledger_is_consistent):
    member = MemberFactory()
    give(member, 100)
    session = SessionFactory(activity=ActivityFactory(price_points=30))
    url = f"/api/v1/sessions/{session.pk}/booking/"
    first = _api(member).post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="book-1")
    again = _api(member).post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="book-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Booking.objects.filter(member=member).count() == 1 and balance_of(member=member) == 70
    other_body = _api(member).post(url, {"guest": True}, format="json", HTTP_IDEMPOTENCY_KEY="book-1")
    _error(other_body, 422, "idempotency_key_reused")
    _error(_api(member).post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 256), 400, "idempotency_key_invalid")
    # A refusal is an answer too: replayed as it was, even once the rule would let it through.
    full = _full(SessionFactory(capacity=1))
    refused = _api(member).post(f"/api/v1/sessions/{full.pk}/booking/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    _error(refused, 409, "session_full")
    services.booking_cancel(booking=Booking.objects.get(session=full), by=MemberFactory(is_staff=True))
    replay = _api(member).post(f"/api/v1/sessions/{full.pk}/booking/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    _error(replay, 409, "session_full")
    ledger_is_consistent()


def test_booking_costs_the_same_queries_on_an_empty_or_a_busy_session(give):
    def cost(session) -> int:
        member = MemberFactory()
        give(member, 50)
        api = _api(member)
        with CaptureQueriesContext(connection) as queries:
            response = api.post(f"/api/v1/sessions/{session.pk}/booking/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert response.status_code == 201
        return len(queries)

    empty = SessionFactory(activity=ActivityFactory(price_points=10), capacity=100)
    busy = SessionFactory(activity=ActivityFactory(price_points=10), capacity=100)
    for _ in range(40):
        services.booking_create(member=_member_with_points(), session=busy)
    cost(empty)  # warms the earning rules' and the token's caches
    assert cost(empty) == cost(busy)


# --- Tickets ----------------------------------------------------------------------------------


def test_my_tickets_list_mine_only_to_come_or_past(clock):
    member, other = MemberFactory(), MemberFactory()
    soon = services.booking_create(member=member, session=SessionFactory(starts_at=timezone.now() + timedelta(days=1)))
    later = services.booking_create(member=member, session=SessionFactory(starts_at=timezone.now() + timedelta(days=5)))
    theirs = services.booking_create(member=other, session=soon.session)
    api = _api(member)
    assert [t["code"] for t in api.get("/api/v1/tickets/").json()["results"]] == [soon.code, later.code]
    assert api.get("/api/v1/tickets/?period=past").json()["results"] == []
    clock.shift(timedelta(days=2))
    assert [t["code"] for t in api.get("/api/v1/tickets/?period=past").json()["results"]] == [soon.code]
    assert [t["code"] for t in api.get("/api/v1/tickets/?period=nonsense").json()["results"]] == [later.code]
    assert theirs.code not in {t["code"] for t in api.get("/api/v1/tickets/").json()["results"]}
    _error(_api().get("/api/v1/tickets/"), 401, "not_authenticated")


def test_a_ticket_is_read_by_its_code_however_typed_and_another_members_is_not_found():
    member, other = MemberFactory(), MemberFactory()
    mine = services.booking_create(member=member, session=SessionFactory())
    theirs = services.booking_create(member=other, session=SessionFactory())
    api = _api(member)
    for typed in [mine.code, mine.code.lower(), mine.code.replace("-", "")]:
        assert api.get(f"/api/v1/tickets/{typed}/").json()["code"] == mine.code
    _error(api.get(f"/api/v1/tickets/{theirs.code}/"), 404, "ticket_not_found")
    _error(api.post(f"/api/v1/tickets/{theirs.code}/cancel/", format="json"), 404, "ticket_not_found")
    for junk in ["ZZZZ-ZZZZ-ZZZZ", "%00", "é", "I" * 200]:
        assert api.get(f"/api/v1/tickets/{junk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.BOOKED


def test_tickets_list_costs_the_same_queries_for_one_ticket_or_twenty():
    member = MemberFactory()
    services.booking_create(member=member, session=SessionFactory())
    one = _queries(_api(member), "/api/v1/tickets/")
    for _ in range(19):
        services.booking_create(member=member, session=SessionFactory())
    assert _queries(_api(member), "/api/v1/tickets/") == one


def test_cancelling_my_ticket_gives_seats_and_points_back_once(give, ledger_is_consistent):
    member = MemberFactory()
    give(member, 100)
    booking = services.booking_create(member=member, session=SessionFactory(activity=ActivityFactory(price_points=40)))
    url = f"/api/v1/tickets/{booking.code}/cancel/"
    first = _api(member).post(url, format="json", HTTP_IDEMPOTENCY_KEY="c1")
    assert first.status_code == 200 and first.json()["status"] == "cancelled"
    assert first.json()["cancellable"] is False and first.json()["cancelled_at"]
    replay = _api(member).post(url, format="json", HTTP_IDEMPOTENCY_KEY="c1")
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    _error(_api(member).post(url, format="json"), 409, "booking_cancelled")
    booking.session.refresh_from_db()
    assert booking.session.seats_taken == 0 and balance_of(member=member) == 100
    assert _api(member).get(f"/api/v1/tickets/{booking.code}/").json()["status"] == "cancelled"
    ledger_is_consistent()


def test_cancelling_after_the_deadline_is_refused(clock):
    member = MemberFactory()
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=2))
    booking = services.booking_create(member=member, session=session)
    clock.shift(timedelta(hours=25))  # 23 h before: the 24 h deadline has passed
    assert _api(member).get(f"/api/v1/tickets/{booking.code}/").json()["cancellable"] is False
    _error(_api(member).post(f"/api/v1/tickets/{booking.code}/cancel/", format="json"), 409, "cancellation_closed")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


# --- Waiting list -----------------------------------------------------------------------------


def _join(member, session, **body):
    return _api(member).post(f"/api/v1/sessions/{session.pk}/waiting-list/", body, format="json")


def test_joining_a_full_sessions_waiting_list_gives_my_position():
    session = _full(SessionFactory(capacity=1))
    first, second = MemberFactory(), MemberFactory()
    joined = _join(first, session)
    assert joined.status_code == 201, joined.content
    assert joined.json()["position"] == 1 and joined.json()["status"] == "waiting"
    assert joined.json()["session"]["id"] == session.pk
    assert _join(second, session).json()["position"] == 2
    _error(_join(second, session), 409, "already_waiting")
    mine = _api(second).get("/api/v1/waiting-list/").json()["results"]
    assert [(e["session"]["id"], e["position"]) for e in mine] == [(session.pk, 2)]
    _error(_join(MemberFactory(), SessionFactory()), 409, "seats_left")
    _error(_join(Booking.objects.get(session=session).member, session), 409, "already_booked")
    _error(_join(first, session, guest="deux"), 400, "invalid")
    _error(_join(first, session, guest=True), 400, "guest_not_allowed")
    _error(_join(None, session), 401, "not_authenticated")
    _error(_api(first).post("/api/v1/sessions/99999999/waiting-list/", {}, format="json"), 404, "not_found")


def test_a_freed_seat_is_offered_then_confirmed_into_a_paid_ticket(give, ledger_is_consistent):
    session = _full(SessionFactory(capacity=1, activity=ActivityFactory(price_points=20)))
    waiting = MemberFactory()
    give(waiting, 50)
    entry_id = _join(waiting, session).json()["id"]
    _error(_api(waiting).post(f"/api/v1/waiting-list/{entry_id}/confirm/", format="json"), 409, "no_offer")
    services.booking_cancel(booking=Booking.objects.get(session=session), by=MemberFactory(is_staff=True))
    offered = _api(waiting).get(f"/api/v1/waiting-list/{entry_id}/").json()
    assert offered["status"] == "offered" and offered["position"] == 0 and offered["offer_expires_at"]
    url = f"/api/v1/waiting-list/{entry_id}/confirm/"
    confirmed = _api(waiting).post(url, format="json", HTTP_IDEMPOTENCY_KEY="yes")
    assert confirmed.status_code == 201, confirmed.content
    replay = _api(waiting).post(url, format="json", HTTP_IDEMPOTENCY_KEY="yes")
    assert replay.json() == confirmed.json()
    ticket = confirmed.json()
    assert ticket["points"] == 20 and Booking.objects.get(code=ticket["code"]).member == waiting
    assert balance_of(member=waiting) == 30
    done = _api(waiting).get(f"/api/v1/waiting-list/{entry_id}/").json()
    assert done["status"] == "confirmed" and done["ticket"] == ticket["code"] and done["position"] is None
    assert _api(waiting).get("/api/v1/waiting-list/").json()["results"] == []
    _error(_api(waiting).post(url, format="json"), 409, "no_offer")
    ledger_is_consistent()


def test_confirming_an_offer_too_late_or_without_points_is_refused(clock, give):
    session = _full(SessionFactory(capacity=1, activity=ActivityFactory(price_points=20, offer_hours=48)))
    late, poor = MemberFactory(), MemberFactory()
    late_entry = services.waitlist_join(member=late, session=session)
    poor_entry = services.waitlist_join(member=poor, session=session)
    services.booking_cancel(booking=Booking.objects.get(session=session), by=MemberFactory(is_staff=True))
    clock.shift(timedelta(hours=49))
    _error(_api(late).post(f"/api/v1/waiting-list/{late_entry.pk}/confirm/", format="json"), 409, "offer_expired")
    services.offers_expire_due()
    _error(_api(poor).post(f"/api/v1/waiting-list/{poor_entry.pk}/confirm/", format="json"), 409, "insufficient_points")
    poor_entry.refresh_from_db()
    assert poor_entry.status == WaitingEntry.Status.OFFERED and not Booking.objects.filter(member=poor).exists()


def test_declining_passes_the_seat_on_and_leaving_takes_me_off_the_list():
    session = _full(SessionFactory(capacity=1))
    first, second, third = MemberFactory(), MemberFactory(), MemberFactory()
    entries = [services.waitlist_join(member=m, session=session) for m in (first, second, third)]
    _error(_api(first).post(f"/api/v1/waiting-list/{entries[0].pk}/decline/", format="json"), 409, "no_offer")
    services.booking_cancel(booking=Booking.objects.get(session=session), by=MemberFactory(is_staff=True))
    declined = _api(first).post(f"/api/v1/waiting-list/{entries[0].pk}/decline/", format="json")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert _api(second).get(f"/api/v1/waiting-list/{entries[1].pk}/").json()["status"] == "offered"
    assert _api(third).get(f"/api/v1/waiting-list/{entries[2].pk}/").json()["position"] == 1
    left = _api(third).post(f"/api/v1/waiting-list/{entries[2].pk}/leave/", format="json")
    assert left.status_code == 200 and left.json()["status"] == "left" and left.json()["position"] is None
    _error(_api(third).post(f"/api/v1/waiting-list/{entries[2].pk}/leave/", format="json"), 409, "no_offer")


def test_another_members_waiting_entry_is_not_found():
    session = _full(SessionFactory(capacity=1))
    entry = services.waitlist_join(member=MemberFactory(), session=session)
    stranger = _api(MemberFactory())
    for path in ["", "confirm/", "decline/", "leave/"]:
        method = stranger.get if not path else stranger.post
        _error(method(f"/api/v1/waiting-list/{entry.pk}/{path}", format="json"), 404, "not_found")
    for pk in ["0", "99999999999999999999999", "abc"]:
        assert stranger.get(f"/api/v1/waiting-list/{pk}/").status_code == 404
    entry.refresh_from_db()
    assert entry.status == WaitingEntry.Status.WAITING


def test_positions_in_the_api_follow_the_one_rule_of_the_pages():
    session = _full(SessionFactory(capacity=2))
    entries = [services.waitlist_join(member=MemberFactory(), session=session) for _ in range(5)]
    staff = MemberFactory(is_staff=True)
    services.waitlist_reorder(session=session, entry_ids=[entries[3].pk, entries[1].pk], by=staff)
    services.waitlist_leave(entry=entries[2], member=entries[2].member)
    services.booking_cancel(booking=Booking.objects.filter(session=session).first(), by=MemberFactory(is_staff=True))
    rows = _positioned(WaitingEntry.objects.filter(session=session, status__in=WaitingEntry.ACTIVE))
    positions = {entry.pk: entry.position for entry in rows}
    assert positions == {entry.pk: waiting_position(entry=entry) for entry in rows}
    assert sorted(positions.values()) == [0, 1, 2, 3]


def test_my_waiting_list_costs_the_same_queries_for_one_entry_or_twenty():
    member = MemberFactory()
    services.waitlist_join(member=member, session=_full(SessionFactory(capacity=1)))
    one = _queries(_api(member), "/api/v1/waiting-list/")
    for _ in range(19):
        services.waitlist_join(member=member, session=_full(SessionFactory(capacity=1)))
    assert _queries(_api(member), "/api/v1/waiting-list/") == one
    assert len(_api(member).get("/api/v1/waiting-list/").json()["results"]) == 20


# --- Ratings ----------------------------------------------------------------------------------


def _rate(member, session, key=None, **body):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return _api(member).post(f"/api/v1/sessions/{session.pk}/rating/", body, format="json", **headers)


def test_an_attendee_rates_once_after_the_session_and_is_paid_once(clock, ledger_is_consistent):
    session = SessionFactory(activity=ActivityFactory(rating_points=15, members_only=False))
    member = MemberFactory(display_name="Camille")
    booking = services.booking_create(member=member, session=session)
    clock.move_to(session.starts_at + timedelta(minutes=5))
    services.ticket_scan(code=booking.code, by=MemberFactory(is_staff=True), any_day=True)
    _error(_rate(member, session, stars=5), 409, "session_not_over")
    clock.move_to(session.ends_at + timedelta(minutes=1))
    rated = _rate(member, session, key="r1", stars=4, comment="  Magique.  ")
    assert rated.status_code == 201, rated.content
    outcome = rated.json()
    assert outcome["points"] == 15 and outcome["balance"] == 15
    assert outcome["rating"]["stars"] == 4 and outcome["rating"]["comment"] == "Magique."
    assert outcome["rating"]["author"] == "Camille" and outcome["rating"]["session"] == session.pk
    assert _rate(member, session, key="r1", stars=4, comment="  Magique.  ").json() == outcome
    _error(_rate(member, session, stars=5), 409, "already_rated")
    assert balance_of(member=member) == 15
    assert LedgerEntry.objects.filter(member=member, reason=Reason.ACTIVITY_RATED).count() == 1
    assert _api(member).get(f"/api/v1/tickets/{booking.code}/").json()["rated"] is True
    ledger_is_consistent()


def test_only_attendees_rate_and_bad_ratings_are_refused_with_a_code(clock):
    session = SessionFactory()
    attendee, absent = MemberFactory(), MemberFactory()
    services.booking_create(member=absent, session=session)
    _attended_and_over(clock, session, attendee)
    _error(_rate(absent, session, stars=5), 403, "not_attended")
    _error(_rate(MemberFactory(), session, stars=5), 403, "not_attended")
    for stars in [0, 6, -1, 10**30]:
        _error(_rate(attendee, session, stars=stars), 400, "invalid_rating")
    bad = [{"stars": "cinq"}, {"stars": 4.5}, {"stars": None}, {}, {"stars": 4, "comment": "x" * 2001},
           {"stars": 4, "comment": "a\x00b"}, {"stars": 4, "comment": ["Bien"]}]  # fmt: skip
    for body in bad:
        _error(_rate(attendee, session, **body), 400, "invalid")
    surrogate = '{"stars": 4, "comment": "\\ud800"}'  # JSON may carry a lone surrogate; PostgreSQL may not
    url = f"/api/v1/sessions/{session.pk}/rating/"
    _error(_api(attendee).post(url, surrogate, content_type="application/json"), 400, "invalid")
    _error(_api(attendee).post(f"/api/v1/sessions/{session.pk}/rating/", [4], format="json"), 400, "invalid")
    _error(_rate(None, session, stars=5), 401, "not_authenticated")
    _error(_api(attendee).post("/api/v1/sessions/99999999/rating/", {"stars": 5}, format="json"), 404, "not_found")
    assert not Rating.objects.exists()


def test_the_ratings_of_an_event_show_the_visible_ones_with_average_and_count(clock):
    activity = ActivityFactory(members_only=False)
    session = SessionFactory(activity=activity)
    members = [MemberFactory(display_name=""), MemberFactory(display_name="Léa"), MemberFactory()]
    bookings = [services.booking_create(member=m, session=session) for m in members]
    clock.move_to(session.starts_at + timedelta(minutes=5))
    for booking in bookings:
        services.ticket_scan(code=booking.code, by=MemberFactory(is_staff=True), any_day=True)
    clock.move_to(session.ends_at + timedelta(minutes=1))
    for member, booking, stars in zip(members, bookings, [5, 4, 1], strict=True):
        services.rating_create(member=member, booking=booking, stars=stars, comment=f"{stars} étoiles")
    Rating.objects.filter(stars=1).update(hidden_at=timezone.now(), hidden_reason="Injurieux")
    page = _api().get(f"/api/v1/events/{activity.pk}/ratings/").json()
    assert page["average"] == 3.3 and page["ratings_count"] == 3 and page["count"] == 2
    assert [r["stars"] for r in page["results"]] == [4, 5]  # newest first
    assert {r["author"] for r in page["results"]} == {"Un membre", "Léa"}
    assert "1 étoiles" not in str(page)
    empty = _api().get(f"/api/v1/events/{ActivityFactory(members_only=False).pk}/ratings/").json()
    assert empty["average"] is None and empty["ratings_count"] == 0 and empty["results"] == []
    assert _api().get(f"/api/v1/events/{activity.pk}/ratings/?page=9").status_code == 404


def test_the_ratings_list_costs_the_same_queries_for_one_rating_or_twenty(clock):
    activity = ActivityFactory(members_only=False)
    session = SessionFactory(activity=activity, capacity=30)
    members = [MemberFactory() for _ in range(20)]
    bookings = [services.booking_create(member=m, session=session) for m in members]
    clock.move_to(session.starts_at + timedelta(minutes=5))
    for booking in bookings:
        services.ticket_scan(code=booking.code, by=MemberFactory(is_staff=True), any_day=True)
    clock.move_to(session.ends_at + timedelta(minutes=1))
    services.rating_create(member=members[0], booking=bookings[0], stars=5)
    one = _queries(_api(), f"/api/v1/events/{activity.pk}/ratings/")
    for member, booking in zip(members[1:], bookings[1:], strict=True):
        services.rating_create(member=member, booking=booking, stars=4)
    assert _queries(_api(), f"/api/v1/events/{activity.pk}/ratings/") == one


# --- The schema -------------------------------------------------------------------------------


def test_the_schema_documents_each_events_operation_and_its_errors():
    schema = yaml.safe_load(Client().get("/api/schema/").content)
    paths = schema["paths"]
    writes = {
        "/api/v1/sessions/{id}/booking/": {"201", "400", "401", "403", "404", "409", "415", "422", "429", "503"},
        "/api/v1/tickets/{code}/cancel/": {"200", "401", "403", "404", "409", "422", "429", "503"},
        "/api/v1/waiting-list/{id}/confirm/": {"201", "401", "403", "404", "409", "422", "429", "503"},
        "/api/v1/sessions/{id}/rating/": {"201", "400", "401", "403", "404", "409", "422", "429"},
        "/api/v1/sessions/{id}/waiting-list/": {"201", "400", "401", "403", "404", "409", "429"},
        "/api/v1/waiting-list/{id}/decline/": {"200", "401", "403", "404", "409", "429"},
        "/api/v1/waiting-list/{id}/leave/": {"200", "401", "403", "404", "409", "429"},
    }
    for path, statuses in writes.items():
        assert statuses <= set(paths[path]["post"]["responses"]), path
    for path in ["/api/v1/events/", "/api/v1/events/{id}/", "/api/v1/events/{id}/ratings/", "/api/v1/tickets/",
                 "/api/v1/tickets/{code}/", "/api/v1/waiting-list/", "/api/v1/waiting-list/{id}/"]:  # fmt: skip
        assert {"200", "401", "404"} <= set(paths[path]["get"]["responses"]), path
    assert "session_full" in paths["/api/v1/sessions/{id}/booking/"]["post"]["responses"]["409"]["description"]
