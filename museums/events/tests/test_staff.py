"""Staff pages of events (Espace équipe): sessions, their roster and waiting list, the door, ratings and export."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from club.members.permissions import MUSEUM_TEAM, staff_permissions_sync_all
from club.members.tests.factories import MemberFactory, MuseumFactory, StaffFactory
from club.notifications.models import Notification
from museums.events import services
from museums.events.models import Booking, Session, SessionMessage, WaitingEntry
from museums.events.selectors import session_waiting
from museums.events.staff_views import DOOR_REFRESH_SECONDS
from museums.events.tests.factories import ActivityFactory, SessionFactory
from rewards.ledger.selectors import balance_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    staff_permissions_sync_all()
    staff = StaffFactory(display_name="Camille à l'accueil")
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    return staff


@pytest.fixture
def team_client(client, team):
    client.force_login(team)
    return client


def _book(session, count: int = 1) -> list[Booking]:
    return [services.booking_create(member=MemberFactory(), session=session) for _ in range(count)]


def _wait(session, count: int = 1) -> list[WaitingEntry]:
    return [services.waitlist_join(member=MemberFactory(), session=session) for _ in range(count)]


def _full_with_waiting(capacity: int = 2, waiting: int = 3):
    session = SessionFactory(capacity=capacity)
    bookings = _book(session, capacity)
    return session, bookings, _wait(session, waiting)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _follow_messages(client, response) -> list[str]:
    assert response.status_code == 302, response.content[:500]
    return _messages(client.get(response.url))


def _queries(client, url: str) -> int:
    client.get(url)  # session and caches warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- Permissions ----------------------------------------------------------------------


def _pages(session) -> list[str]:
    return [
        reverse("events_staff:overview"),
        reverse("events_staff:session", args=[session.pk]),
        reverse("events_staff:cancel", args=[session.pk]),
        reverse("events_staff:move", args=[session.pk]),
        reverse("events_staff:door_counts", args=[session.pk]),
        reverse("events_staff:ratings"),
        reverse("events_staff:ratings_csv"),
    ]


def test_visitors_go_to_the_login_and_members_or_staff_without_permission_are_refused(client):
    session = SessionFactory()
    for url in _pages(session):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("account_login")), url
    client.force_login(MemberFactory())
    assert all(client.get(url).status_code == 403 for url in _pages(session))
    client.force_login(StaffFactory())  # staff, but with no permission at all
    assert all(client.get(url).status_code == 403 for url in _pages(session))
    assert client.get(reverse("events_staff:door")).status_code == 403
    assert client.post(reverse("events_staff:door"), {"code": "x"}).status_code == 403
    assert client.post(reverse("events_staff:cancel", args=[session.pk]), {"reason": "Pluie"}).status_code == 403
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED


def test_staff_who_may_only_read_sessions_cannot_change_them(client):
    session, _bookings, waiting = _full_with_waiting()
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_session", content_type__app_label="events"))
    client.force_login(staff)
    page = client.get(reverse("events_staff:session", args=[session.pk]))
    assert page.status_code == 200
    assert reverse("events_staff:cancel", args=[session.pk]) not in page.content.decode()
    posts = [
        (reverse("events_staff:message", args=[session.pk]), {"title": "Bonjour", "body": "Texte"}),
        (reverse("events_staff:reorder", args=[session.pk]), {"move": f"{waiting[1].pk}:up"}),
        (reverse("events_staff:offer", args=[session.pk, waiting[0].pk]), {}),
        (reverse("events_staff:move", args=[session.pk]), {"starts_at": "2030-01-01T10:00"}),
        (reverse("events_staff:cancel", args=[session.pk]), {"reason": "Pluie"}),
    ]
    assert [client.post(url, data).status_code for url, data in posts] == [403] * 5
    assert not SessionMessage.objects.exists()


# --- Overview -------------------------------------------------------------------------


def test_the_overview_lists_the_staff_members_museums_first_with_seats_and_waiting(team_client, team, clock):
    mine, other = MuseumFactory(name="Musée des Beaux-Arts"), MuseumFactory(name="Musée de la Céramique")
    team.museums.add(mine)
    soon = SessionFactory(activity=ActivityFactory(museum=other, title_fr="Atelier céramique"), capacity=2,
                          starts_at=timezone.now() + timedelta(days=1))  # fmt: skip
    later = SessionFactory(activity=ActivityFactory(museum=mine, title_fr="Nuit aux Beaux-Arts"), capacity=5,
                           starts_at=timezone.now() + timedelta(days=9))  # fmt: skip
    SessionFactory(activity=ActivityFactory(museum=mine), starts_at=timezone.now() - timedelta(days=2))  # past
    _book(soon, 2)
    _wait(soon, 3)
    _book(later, 1)
    response = team_client.get(reverse("events_staff:overview"))
    assert [session.pk for session in response.context["sessions"]] == [later.pk, soon.pk]
    first, second = response.context["sessions"]
    assert (first.booked, first.capacity, first.waiting_count) == (1, 5, 0)
    assert (second.booked, second.capacity, second.waiting_count) == (2, 2, 3)
    page = response.content.decode()
    assert "Nuit aux Beaux-Arts" in page and "2 / 2" in page and "Complète" in page
    assert reverse("events_staff:session", args=[soon.pk]) in page
    only = team_client.get(reverse("events_staff:overview"), {"museum": other.pk})
    assert [session.pk for session in only.context["sessions"]] == [soon.pk]


def test_the_overview_costs_the_same_queries_for_1_and_many_sessions_and_bookings(team_client, clock):
    url = reverse("events_staff:overview")
    session = SessionFactory(capacity=3)
    _book(session)
    one = _queries(team_client, url)
    for _n in range(12):
        more = SessionFactory(capacity=3, activity=ActivityFactory())
        _book(more, 3)
        _wait(more, 2)
    assert len(team_client.get(url).context["sessions"]) == 13
    assert _queries(team_client, url) == one


# --- One session ----------------------------------------------------------------------


def test_the_session_page_shows_the_roster_and_the_waiting_list_in_order(team_client):
    session, bookings, waiting = _full_with_waiting(capacity=2, waiting=3)
    services.ticket_scan(code=bookings[0].code, by=StaffFactory(display_name="Louis"), any_day=True)
    response = team_client.get(reverse("events_staff:session", args=[session.pk]))
    assert response.status_code == 200
    assert response.context["roster"] == sorted(bookings, key=lambda booking: booking.member.email)
    assert [(entry.pk, entry.position) for entry in response.context["waiting"]] == [
        (entry.pk, position) for position, entry in enumerate(waiting, start=1)
    ]
    assert (response.context["present"], response.context["booked"], response.context["seats_needed"]) == (1, 2, 3)
    page = response.content.decode()
    assert bookings[1].code in page and bookings[0].member.membership_number in page and "Louis" in page
    assert "Il faudrait 3 places de plus pour servir toute la liste." in page


def test_the_session_page_costs_the_same_queries_for_few_and_many_bookings(team_client):
    session, _bookings, _waiting = _full_with_waiting(capacity=1, waiting=1)
    url = reverse("events_staff:session", args=[session.pk])
    one = _queries(team_client, url)
    bigger = SessionFactory(capacity=25)
    bookings = _book(bigger, 25)
    _wait(bigger, 10)
    for booking in bookings[:5]:
        services.ticket_scan(code=booking.code, by=StaffFactory(), any_day=True)
    services.session_message(session=bigger, by=StaffFactory(), title="Bonjour", body="Le rendez-vous change.")
    url = reverse("events_staff:session", args=[bigger.pk])
    assert len(team_client.get(url).context["roster"]) == 25
    assert _queries(team_client, url) == one


def test_staff_move_a_waiting_member_up_or_down_one_place(team_client):
    session, _bookings, (first, second, third) = _full_with_waiting(waiting=3)
    url = reverse("events_staff:reorder", args=[session.pk])
    response = team_client.post(url, {"move": f"{third.pk}:up"})
    assert "Liste d'attente réordonnée." in _follow_messages(team_client, response)
    assert [entry.pk for entry in session_waiting(session=session)] == [first.pk, third.pk, second.pk]
    team_client.post(url, {"move": f"{first.pk}:down"})
    assert [entry.pk for entry in session_waiting(session=session)] == [third.pk, first.pk, second.pk]
    team_client.post(url, {"move": f"{third.pk}:up"})  # already first: nothing moves
    assert [entry.pk for entry in session_waiting(session=session)] == [third.pk, first.pk, second.pk]


def test_staff_reorder_the_waiting_list_by_typing_the_places(team_client):
    session, _bookings, (first, second, third) = _full_with_waiting(waiting=3)
    url = reverse("events_staff:reorder", args=[session.pk])
    team_client.post(url, {f"order-{first.pk}": "3", f"order-{second.pk}": "1", f"order-{third.pk}": "2"})
    assert [entry.pk for entry in session_waiting(session=session)] == [second.pk, third.pk, first.pk]
    refused = team_client.post(url, {f"order-{first.pk}": "9", f"order-{second.pk}": "1", f"order-{third.pk}": "x"})
    assert refused.status_code == 400 and refused.context["reorder_form"].errors
    assert [entry.pk for entry in session_waiting(session=session)] == [second.pk, third.pk, first.pk]


def test_staff_offer_a_seat_by_hand_when_one_is_free_and_are_told_when_none_is(team_client):
    session, bookings, (first, second, _third) = _full_with_waiting(waiting=3)
    url = reverse("events_staff:offer", args=[session.pk, second.pk])
    refused = _follow_messages(team_client, team_client.post(url))
    assert refused == ["Aucune place libre à proposer : augmentez la jauge ou attendez une annulation."]
    Session.objects.filter(pk=session.pk).update(capacity=3)  # one more seat, nobody offered it yet
    done = _follow_messages(team_client, team_client.post(url))
    assert done[0].startswith(f"Place proposée à {second.member.get_full_name()}")
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == WaitingEntry.Status.OFFERED and second.offered_by is not None
    assert first.status == WaitingEntry.Status.WAITING


def test_staff_write_to_everyone_booked(team_client):
    session, bookings, _waiting = _full_with_waiting(capacity=3, waiting=1)
    url = reverse("events_staff:message", args=[session.pk])
    empty = team_client.post(url, {"title": "", "body": ""})
    assert empty.status_code == 400 and set(empty.context["message_form"].errors) == {"title", "body"}
    response = team_client.post(url, {"title": "Rendez-vous", "body": "Entrée par la rue Thiers."})
    assert _follow_messages(team_client, response) == ["Message envoyé à 3 personnes."]
    sent = SessionMessage.objects.get()
    assert (sent.recipients, sent.title) == (3, "Rendez-vous")
    assert Notification.objects.filter(title="Rendez-vous").count() == 3
    assert (
        "Entrée par la rue Thiers."
        in team_client.get(reverse("events_staff:session", args=[session.pk])).content.decode()
    )


def test_cancelling_a_session_asks_a_reason_then_refunds_everyone(team_client, give, ledger_is_consistent):
    session = SessionFactory(activity=ActivityFactory(price_points=30), capacity=2)
    members = [MemberFactory(), MemberFactory()]
    for member in members:
        give(member, 50)
        services.booking_create(member=member, session=session)
    waiting = services.waitlist_join(member=MemberFactory(), session=session)
    url = reverse("events_staff:cancel", args=[session.pk])
    question = team_client.get(url).content.decode()
    assert "2 billets seront annulés et remboursés" in question and "1 personne en liste d'attente" in question
    refused = team_client.post(url, {"reason": "  "})
    assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED
    response = team_client.post(url, {"reason": "Fermeture exceptionnelle du musée"})
    assert _follow_messages(team_client, response) == [
        "Séance annulée : 2 réservations remboursées, chacun est prévenu."
    ]
    session.refresh_from_db()
    waiting.refresh_from_db()
    assert session.status == Session.Status.CANCELLED and session.cancel_reason == "Fermeture exceptionnelle du musée"
    assert not Booking.objects.live().exists() and waiting.status == WaitingEntry.Status.CLOSED
    assert [balance_of(member=member) for member in members] == [50, 50]
    again = team_client.get(url)
    assert again.status_code == 302 and "Cette séance est déjà annulée." in _follow_messages(team_client, again)
    ledger_is_consistent()


def test_moving_a_session_tells_everyone_booked(team_client, clock):
    session, bookings, _waiting = _full_with_waiting(capacity=2, waiting=0)
    url = reverse("events_staff:move", args=[session.pk])
    assert "2 personnes inscrites seront prévenues" in team_client.get(url).content.decode()
    past = team_client.post(url, {"starts_at": "2026-11-01T10:00"})
    assert past.status_code == 400 and past.context["form"].errors["starts_at"] == ["Choisissez une date à venir."]
    response = team_client.post(url, {"starts_at": "2026-12-05T18:30"})
    assert _follow_messages(team_client, response) == [
        "Séance déplacée : 2 personnes prévenues, qui gardent leur place ou annulent."
    ]
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-05 18:30"
    assert session.moved_from is not None
    assert set(Booking.objects.values_list("move", flat=True)) == {Booking.Move.PENDING}


# --- The door -------------------------------------------------------------------------


def test_a_scanned_ticket_is_marked_present_and_a_second_scan_says_when_and_by_whom(client, team, clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=1))
    booking = _book(session)[0]
    client.force_login(team)
    url = reverse("events_staff:door")
    first = client.post(url, {"code": booking.code.lower().replace("-", " ")})
    assert first.status_code == 302
    assert _messages(client.get(first.url)) == [f"Entrée notée : {booking.member.get_full_name()}."]
    booking.refresh_from_db()
    assert booking.attended_by == team and booking.attended_at == timezone.now()
    clock.shift(timedelta(minutes=7))
    other = StaffFactory(display_name="Louis")
    other.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    client.force_login(other)
    second = client.post(url, {"code": booking.code})
    assert _follow_messages(client, second) == ["Billet déjà scanné le 14/11/2026 à 12:00 par Camille à l'accueil."]
    booking.refresh_from_db()
    assert booking.attended_by == team  # the first scan stays


def test_the_door_reads_the_address_a_tickets_qr_code_holds(team_client, clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=1))
    booking = _book(session)[0]
    url = reverse("events_staff:door")
    scanned = f"https://club.example.org{url}?code={booking.code}"
    team_client.post(url, {"code": scanned})
    booking.refresh_from_db()
    assert booking.attended_at is not None


def test_opening_a_tickets_qr_address_shows_the_ticket_and_counts_without_marking_it(team_client, clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=1), capacity=5)
    booking, other = _book(session, 2)
    services.ticket_scan(code=other.code, by=StaffFactory(), any_day=True)
    response = team_client.get(reverse("events_staff:door"), {"code": booking.code})
    assert response.context["found"] == booking and response.context["session"] == session
    assert (response.context["present"], response.context["booked"]) == (1, 2)
    page = response.content.decode()
    assert booking.member.get_full_name() in page and "Marquer présent" in page and "1 présent sur 2" in page
    assert reverse("events_staff:door_counts", args=[session.pk]) in page
    assert "Attention" not in page and "Séances d'aujourd'hui" not in page
    booking.refresh_from_db()
    assert booking.attended_at is None


def test_the_door_warns_when_a_ticket_is_for_another_day(team_client, clock):
    booking = _book(SessionFactory(starts_at=timezone.now() + timedelta(days=3)))[0]
    page = team_client.get(reverse("events_staff:door"), {"code": booking.code}).content.decode()
    assert "Attention : ce billet est pour le mardi 17 novembre 2026." in page


def test_the_door_says_what_is_wrong_with_a_code(team_client, clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=1))
    booking, cancelled = _book(session, 2)
    services.booking_cancel(booking=cancelled, by=StaffFactory())
    url = reverse("events_staff:door")
    typo = booking.code[:-1] + ("A" if booking.code[-1] != "A" else "B")
    errors = {
        typo: "vérifiez",
        "0000-0000-0000": "",
        cancelled.code: "Ce billet a été annulé.",
    }
    for code, text in errors.items():
        response = team_client.post(url, {"code": code})
        assert response.status_code in (400, 404, 409) and response.context["form"].errors["code"], code
        assert text in response.context["form"].errors["code"][0]
    looked_up = team_client.get(url, {"code": cancelled.code})
    assert "Ne pas laisser entrer" in looked_up.content.decode()
    assert not Booking.objects.filter(attended_at__isnull=False).exists()


def test_staff_mark_someone_present_from_the_roster(team_client, clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=1))
    booking = _book(session)[0]
    response = team_client.post(reverse("events_staff:door"), {"code": booking.code, "back": "session"})
    assert response.url == reverse("events_staff:session", args=[session.pk]) + "#roster"
    booking.refresh_from_db()
    assert booking.attended_at is not None


def test_present_and_booked_follow_live_as_json(team_client, clock):
    session = SessionFactory(
        starts_at=timezone.now() + timedelta(hours=1), activity=ActivityFactory(guest_allowed=True)
    )
    guest = services.booking_create(member=MemberFactory(), session=session, guest=True)
    _book(session)
    url = reverse("events_staff:door_counts", args=[session.pk])
    assert team_client.get(url).json()["present"] == 0
    services.ticket_scan(code=guest.code, by=StaffFactory(), any_day=True)
    response = team_client.get(url)
    assert response.json() == {"present": 2, "booked": 3, "text": "2 présents sur 3"}
    assert response["Cache-Control"] == "private, no-store"


def test_a_member_who_scans_a_ticket_lands_on_their_own_ticket_never_anothers(client, clock):
    session = SessionFactory()
    mine, theirs = _book(session, 2)
    client.force_login(mine.member)
    url = reverse("events_staff:door")
    assert client.get(url, {"code": mine.code}).url == reverse("events:ticket", args=[mine.code])
    assert client.get(url, {"code": theirs.code}).url == reverse("events:tickets")
    assert client.get(url, {"code": "n'importe quoi"}).url == reverse("events:tickets")
    theirs.refresh_from_db()
    assert theirs.attended_at is None


def test_the_door_page_lists_the_days_sessions_when_none_is_chosen(team_client, clock):
    today = SessionFactory(starts_at=timezone.now() + timedelta(hours=3), activity=ActivityFactory(title_fr="Ce soir"))
    SessionFactory(starts_at=timezone.now() + timedelta(days=2), activity=ActivityFactory(title_fr="Plus tard"))
    response = team_client.get(reverse("events_staff:door"))
    assert response.context["today"] == [today]
    page = response.content.decode()
    assert "Ce soir" in page and "Plus tard" not in page
    chosen = team_client.get(reverse("events_staff:door"), {"seance": today.pk})
    assert chosen.context["session"] == today and chosen.context["today"] == []


# --- Ratings --------------------------------------------------------------------------


def _rated(clock, *, activity, ratings: list[tuple[int, str]]):
    """A session of `activity` that took place, attended and rated by one member per (stars, comment)."""
    session = SessionFactory(activity=activity, starts_at=timezone.now() + timedelta(days=1), capacity=len(ratings))
    bookings = _book(session, len(ratings))
    for booking in bookings:
        services.ticket_scan(code=booking.code, by=StaffFactory(), now=session.starts_at)
    after = session.ends_at + timedelta(hours=1)
    made = [
        services.rating_create(member=booking.member, booking=booking, stars=stars, comment=comment, now=after)
        for booking, (stars, comment) in zip(bookings, ratings, strict=True)
    ]
    return session, made


def test_the_ratings_page_gives_each_activitys_and_sessions_average_and_comments(team_client, clock):
    night = ActivityFactory(title_fr="Nuit au musée")
    workshop = ActivityFactory(title_fr="Atelier dorure")
    first, _ = _rated(clock, activity=night, ratings=[(5, "Magique"), (4, "")])
    second, _ = _rated(clock, activity=night, ratings=[(2, "Trop court")])
    _rated(clock, activity=workshop, ratings=[(3, "")])
    response = team_client.get(reverse("events_staff:ratings"))
    by_activity = {str(line["activity"].title): line for line in response.context["per_activity"]}
    assert by_activity["Nuit au musée"]["count"] == 3 and round(by_activity["Nuit au musée"]["average"], 2) == 3.67
    assert by_activity["Atelier dorure"]["count"] == 1
    by_session = {line["session_id"]: line for line in response.context["per_session"]}
    assert (by_session[first.pk]["average"], by_session[first.pk]["count"]) == (4.5, 2)
    assert (by_session[second.pk]["average"], by_session[second.pk]["comments"]) == (2.0, 1)
    page = response.content.decode()
    assert "Magique" in page and "Trop court" in page and "3,7 / 5" in page
    only = team_client.get(reverse("events_staff:ratings"), {"activity": workshop.pk})
    assert [line["activity"] for line in only.context["per_activity"]] == [workshop]


def test_the_ratings_export_has_one_safe_line_per_rating(team_client, clock):
    night = ActivityFactory(title_fr="Nuit au musée")
    _session, (kept, attack) = _rated(clock, activity=night, ratings=[(5, "Magique"), (1, '=HYPERLINK("x")')])
    _rated(clock, activity=ActivityFactory(title_fr="Autre"), ratings=[(3, "")])
    response = team_client.get(reverse("events_staff:ratings_csv"), {"activity": night.pk})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="notes-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["Notée le", "Musée", "Activité", "Séance", "Note (sur 5)", "Commentaire", "Numéro d'adhérent",
                        "Masquée"]  # fmt: skip
    assert len(lines) == 3
    rows = {line[6]: line for line in lines[1:]}
    kept_row, attack_row = rows[kept.member.membership_number], rows[attack.member.membership_number]
    assert [kept_row[2], kept_row[4], kept_row[5], kept_row[7]] == ["Nuit au musée", "5", "Magique", "non"]
    assert attack_row[5] == '\'=HYPERLINK("x")'  # a formula is written as text


def test_the_ratings_page_costs_the_same_queries_for_few_and_many_ratings(team_client, clock):
    _rated(clock, activity=ActivityFactory(), ratings=[(4, "Bien")])
    url = reverse("events_staff:ratings")
    one = _queries(team_client, url)
    for _n in range(4):
        _rated(clock, activity=ActivityFactory(), ratings=[(5, "Super"), (3, "Moyen"), (2, "")])
    assert _queries(team_client, url) == one


# --- In the browser -------------------------------------------------------------------


def _fits(page, label: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{label}: {overflow}px wider than the screen"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_follow_a_session_and_mark_entries_at_the_door_on_a_phone_and_a_desktop(page, live_server, axe_check):
    from club.core.testing import browser_login
    from club.members.tests.factories import PASSWORD

    staff_permissions_sync_all()
    staff = StaffFactory(display_name="Camille")
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=1), capacity=2,
                             activity=ActivityFactory(title_fr="Nuit au musée"))  # fmt: skip
    first, second = _book(session, 2)
    _wait(session, 2)
    base = live_server.url
    browser_login(page, base, staff.email, PASSWORD)
    page.wait_for_url("**/equipe/")
    page.goto(f"{base}{reverse('events_staff:overview')}")
    _fits(page, "overview")
    axe_check(page, "overview")
    page.get_by_role("link", name="Nuit au musée").click()
    page.wait_for_url(f"**{reverse('events_staff:session', args=[session.pk])}")
    assert page.get_by_text(second.code).is_visible()
    _fits(page, "session")
    axe_check(page, "session")
    page.get_by_role("link", name="Accueil d'une séance").first.click()
    page.get_by_label("Code du billet").fill(first.code.lower())
    page.get_by_role("button", name="Noter l'entrée").click()
    page.get_by_text(f"Entrée notée : {first.member.get_full_name()}.").wait_for()
    assert page.locator("[data-door-text]").inner_text() == "1 présent sur 2"
    _fits(page, "door")
    axe_check(page, "door")
    services.ticket_scan(code=second.code, by=staff, any_day=True)  # another phone at the door
    page.locator("[data-door-text]", has_text="2 présents sur 2").wait_for(timeout=(DOOR_REFRESH_SECONDS + 5) * 1000)
    page.get_by_label("Code du billet").fill(first.code)
    page.get_by_role("button", name="Noter l'entrée").click()
    page.get_by_text("Billet déjà scanné le").first.wait_for()
    page.goto(f"{base}{reverse('events_staff:ratings')}")
    _fits(page, "ratings")
    axe_check(page, "ratings")
