"""Member pages of activities and events: who sees what, booking through the pages, messages, tickets, .ics, budgets."""

import html
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from club.members.tests.factories import MemberFactory, MuseumFactory, StaffFactory
from club.moderation.models import Report
from museums.events import services
from museums.events.models import Activity, Booking, Rating, WaitingEntry
from museums.events.tests.factories import ActivityFactory, SessionFactory
from museums.events.views import ticket_qr_text
from rewards.ledger.models import LedgerEntry, Reason
from rewards.ledger.selectors import balance_of
from rewards.ledger.services import earning_rules_ensure_defaults

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _follow(client, url, data=None):
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200
    return response


def _detail(activity) -> str:
    return reverse("events:detail", args=[activity.slug])


def _full(session):
    for _ in range(session.capacity - session.seats_taken):
        services.booking_create(member=MemberFactory(), session=session)
    session.refresh_from_db()
    return session


def _attended(session, member, *, staff=None):
    booking = services.booking_create(member=member, session=session)
    services.ticket_scan(code=booking.code, by=staff or StaffFactory(), any_day=True)
    return booking


# --- Who sees what ---------------------------------------------------------------------


def test_visitors_see_members_only_activities_as_a_teaser_with_an_invitation_to_join(client):
    session = SessionFactory(activity=ActivityFactory(members_only=True, description_fr="Le secret des réserves."))
    activity = session.activity
    listed = _text(client.get(reverse("events:list")))
    assert (
        str(activity.title) in listed and "Réservé aux membres du club" in listed and "Adhérer gratuitement" in listed
    )
    page = _text(client.get(_detail(activity)))
    assert activity.summary in page and "Adhérer gratuitement" in page
    assert "Le secret des réserves." not in page and f"seance-{session.pk}" not in page


def test_visitors_see_a_public_activitys_dates_and_seats_but_booking_is_for_members(client):
    session = SessionFactory(activity=ActivityFactory(members_only=False), capacity=12)
    page = _text(client.get(_detail(session.activity)))
    assert f"seance-{session.pk}" in page and "12 places libres" in page
    assert reverse("events:book", args=[session.pk]) not in page
    assert "La réservation est réservée aux membres du club" in page
    response = client.get(reverse("events:book", args=[session.pk]))
    assert response.status_code == 302 and urlsplit(response.url).path == reverse("account_login")
    assert client.get(reverse("events:tickets")).status_code == 302
    assert not Booking.objects.exists()


def test_unpublished_activities_are_nowhere(client, member):
    session = SessionFactory(activity=ActivityFactory(is_published=False, title_fr="Brouillon secret"))
    client.force_login(member)
    assert "Brouillon secret" not in _text(client.get(reverse("events:list")))
    assert client.get(_detail(session.activity)).status_code == 404
    assert client.get(reverse("events:book", args=[session.pk])).status_code == 404
    assert client.post(reverse("events:book", args=[session.pk])).status_code == 404


def test_the_list_filters_by_museum_and_kind_and_shows_the_next_session_with_its_seats(client, member):
    museum = MuseumFactory()
    event = SessionFactory(
        activity=ActivityFactory(museum=museum, kind=Activity.Kind.EVENT, title_fr="Grand vernissage")
    )
    SessionFactory(activity=event.activity, starts_at=event.starts_at + timedelta(days=7))
    workshop = SessionFactory(activity=ActivityFactory(title_fr="Atelier de restauration"), capacity=3)
    client.force_login(member)
    everything = _text(client.get(reverse("events:list")))
    assert "Grand vernissage" in everything and "Atelier de restauration" in everything
    assert "Plus que 3 places" in everything and "(et 1 autre date)" in everything
    by_museum = _text(client.get(reverse("events:list"), {"musee": museum.pk}))
    assert "Grand vernissage" in by_museum and "Atelier de restauration" not in by_museum
    by_kind = _text(client.get(reverse("events:list"), {"type": "activity"}))
    assert "Atelier de restauration" in by_kind and "Grand vernissage" not in by_kind
    nonsense = client.get(reverse("events:list"), {"type": "<x>", "musee": "1'; drop", "page": "abc"})
    assert nonsense.status_code == 200 and "Grand vernissage" in _text(nonsense)
    services.booking_create(member=member, session=workshop)
    assert "Vous avez un billet" in _text(client.get(reverse("events:list")))


# --- Booking ---------------------------------------------------------------------------


def test_a_member_books_a_paying_session_after_a_confirmation_step_and_lands_on_the_ticket(
    client, member, give, ledger_is_consistent
):
    give(member, 100)
    session = SessionFactory(activity=ActivityFactory(price_points=30, title_fr="Nuit au musée"))
    client.force_login(member)
    detail = _text(client.get(_detail(session.activity)))
    assert "30 points par réservation" in detail and reverse("events:book", args=[session.pk]) in detail
    question = client.get(reverse("events:book", args=[session.pk]))
    assert "Réserver « Nuit au musée » pour 30 points ?" in _text(question)
    assert "Votre solde passera de 100 à 70 points." in _text(question)
    assert balance_of(member=member) == 100  # asking spends nothing
    response = client.post(reverse("events:book", args=[session.pk]))
    booking = Booking.objects.get(member=member)
    assert response.status_code == 302 and response.url == reverse("events:ticket", args=[booking.code])
    ticket = client.get(response.url)
    page = _text(ticket)
    assert "C'est réservé !" in page and booking.code in page and "QR code du billet" in page
    assert (
        reverse("events:calendar", args=[booking.code]) in page
        and reverse("events:cancel", args=[booking.code]) in page
    )
    assert balance_of(member=member) == 70 and booking.points == 30
    ledger_is_consistent()


def test_the_tickets_qr_code_opens_the_door_page_which_takes_the_member_to_their_own_ticket(client, member):
    booking = services.booking_create(member=member, session=SessionFactory())
    text = ticket_qr_text(booking=booking)
    assert text.endswith(f"{reverse('events_staff:door')}?code={booking.code}")
    client.force_login(member)
    response = client.get(urlsplit(text).path + "?" + urlsplit(text).query)
    assert response.status_code == 302 and response.url == reverse("events:ticket", args=[booking.code])


def test_a_member_books_with_a_guest_when_the_activity_allows_it(client, member):
    session = SessionFactory(activity=ActivityFactory(guest_allowed=True), capacity=5)
    client.force_login(member)
    assert "Je viens avec un invité (2 places)" in _text(client.get(_detail(session.activity)))
    question = _text(client.get(reverse("events:book", args=[session.pk]), {"invite": "1"}))
    assert "2 places (vous et votre invité)" in question and "?invite=1" in question
    client.post(reverse("events:book", args=[session.pk]) + "?invite=1")
    booking = Booking.objects.get(member=member)
    session.refresh_from_db()
    assert booking.seats == 2 and session.seats_taken == 2
    assert "2 (vous et votre invité)" in _text(client.get(reverse("events:ticket", args=[booking.code])))
    assert "Vos deux places du" in _text(client.get(reverse("events:cancel", args=[booking.code])))


def test_booking_errors_are_shown_as_messages_and_nothing_is_written(client, member, give):
    give(member, 10)
    paying = SessionFactory(activity=ActivityFactory(price_points=30))
    client.force_login(member)
    # Not enough points: the question is not even asked, the page says why.
    asked = client.get(reverse("events:book", args=[paying.pk]), follow=True)
    assert "Vous n'avez pas assez de points." in _messages(asked)
    assert "Il vous manque 20 points pour réserver." in _text(asked)
    posted = _follow(client, reverse("events:book", args=[paying.pk]))
    assert "Vous n'avez pas assez de points." in _messages(posted)
    # A guest where none is allowed.
    free = SessionFactory()
    no_guest = "Cette activité ne permet pas de venir accompagné."
    assert no_guest in _messages(client.get(reverse("events:book", args=[free.pk]), {"invite": "1"}, follow=True))
    assert no_guest in _messages(_follow(client, reverse("events:book", args=[free.pk]) + "?invite=1"))
    # Booking closed (the session starts within the closing delay).
    closed = SessionFactory(
        activity=ActivityFactory(booking_closes_hours=48), starts_at=timezone.now() + timedelta(hours=5)
    )
    assert "Les réservations de cette séance ne sont pas ouvertes." in _messages(
        _follow(client, reverse("events:book", args=[closed.pk]))
    )
    assert "Les réservations sont closes." in _text(client.get(_detail(closed.activity)))
    assert not Booking.objects.exists() and balance_of(member=member) == 10
    # Twice.
    _follow(client, reverse("events:book", args=[free.pk]))
    again = _follow(client, reverse("events:book", args=[free.pk]))
    assert "Vous avez déjà une place pour cette séance." in _messages(again)
    assert Booking.objects.filter(member=member).count() == 1
    # Asking again for a session already booked opens the ticket.
    response = client.get(reverse("events:book", args=[free.pk]))
    assert response.url == reverse("events:ticket", args=[Booking.objects.get(member=member).code])


def test_a_full_session_offers_the_waiting_list_and_shows_the_members_position(client, member):
    session = _full(SessionFactory(capacity=2))
    first = MemberFactory()
    services.waitlist_join(member=first, session=session)
    client.force_login(member)
    detail = _text(client.get(_detail(session.activity)))
    assert "Complet : liste d'attente" in detail and "Rejoindre la liste d'attente" in detail
    full = "Cette séance est complète : vous pouvez rejoindre la liste d'attente."
    assert full in _messages(client.get(reverse("events:book", args=[session.pk]), follow=True))
    assert full in _messages(_follow(client, reverse("events:book", args=[session.pk])))
    joined = _follow(client, reverse("events:waitlist_join", args=[session.pk]))
    assert any("Vous êtes n°2 sur la liste d'attente" in text for text in _messages(joined))
    assert "Vous êtes n°2 sur la liste d'attente." in _text(joined)
    again = _follow(client, reverse("events:waitlist_join", args=[session.pk]))
    assert "Vous êtes déjà sur la liste d'attente de cette séance." in _messages(again)
    tickets = _text(client.get(reverse("events:tickets")))
    assert "Vous êtes n°2 sur la liste d'attente" in tickets
    # The one ahead leaves: the member moves up.
    services.waitlist_leave(entry=WaitingEntry.objects.get(member=first), member=first)
    assert "Vous êtes n°1 sur la liste d'attente" in _text(client.get(reverse("events:tickets")))


def test_joining_the_waiting_list_while_seats_are_left_says_to_book(client, member):
    session = SessionFactory()
    client.force_login(member)
    response = _follow(client, reverse("events:waitlist_join", args=[session.pk]))
    assert "Il reste des places : réservez directement." in _messages(response)
    assert not WaitingEntry.objects.exists()


def test_a_freed_seat_is_offered_and_the_member_confirms_it_with_its_deadline_shown(client, member, give):
    give(member, 50)
    session = SessionFactory(activity=ActivityFactory(price_points=20), capacity=1)
    holder = MemberFactory()
    give(holder, 20)
    held = services.booking_create(member=holder, session=session)
    entry = services.waitlist_join(member=member, session=session)
    services.booking_cancel(booking=held, by=holder)
    entry.refresh_from_db()
    assert entry.status == WaitingEntry.Status.OFFERED
    client.force_login(member)
    tickets = _text(client.get(reverse("events:tickets")))
    assert "Une place vous attend" in tickets and reverse("events:offer_confirm", args=[entry.pk]) in tickets
    assert "Une place vous est proposée" in _text(client.get(_detail(session.activity)))
    question = _text(client.get(reverse("events:offer_confirm", args=[entry.pk])))
    assert "Prendre la place proposée" in question and "Votre solde passera de 50 à 30 points." in question
    response = client.post(reverse("events:offer_confirm", args=[entry.pk]))
    booking = Booking.objects.get(member=member)
    assert response.url == reverse("events:ticket", args=[booking.code]) and balance_of(member=member) == 30


def test_an_expired_offer_says_so_and_a_declined_one_passes_on(client, member):
    session = SessionFactory(capacity=1)
    holder, next_one = MemberFactory(), MemberFactory()
    held = services.booking_create(member=holder, session=session)
    entry = services.waitlist_join(member=member, session=session)
    services.waitlist_join(member=next_one, session=session)
    services.booking_cancel(booking=held, by=holder)
    client.force_login(member)
    entry.refresh_from_db()
    assert "Refuser la place proposée" in _text(client.get(reverse("events:offer_decline", args=[entry.pk])))
    declined = _follow(client, reverse("events:offer_decline", args=[entry.pk]))
    assert "Place refusée : elle passe à la personne suivante." in _messages(declined)
    assert WaitingEntry.objects.get(member=next_one).status == WaitingEntry.Status.OFFERED
    again = _follow(client, reverse("events:offer_confirm", args=[entry.pk]))
    assert "Aucune place ne vous est proposée pour cette séance." in _messages(again)
    # An offer past its deadline.
    other = WaitingEntry.objects.get(member=next_one)
    client.force_login(next_one)
    WaitingEntry.objects.filter(pk=other.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    expired = _follow(client, reverse("events:offer_confirm", args=[other.pk]))
    assert any("Le délai pour confirmer cette place est passé" in text for text in _messages(expired))
    assert not Booking.objects.filter(member=next_one).exists()


def test_a_member_leaves_the_waiting_list_after_a_confirmation_step(client, member):
    session = _full(SessionFactory(capacity=1))
    entry = services.waitlist_join(member=member, session=session)
    client.force_login(member)
    assert "Quitter la liste d'attente de" in _text(client.get(reverse("events:waitlist_leave", args=[entry.pk])))
    left = _follow(client, reverse("events:waitlist_leave", args=[entry.pk]))
    assert "Vous avez quitté la liste d'attente." in _messages(left)
    entry.refresh_from_db()
    assert entry.status == WaitingEntry.Status.LEFT


def test_another_members_waiting_entry_and_ticket_are_not_found(client, member):
    session = _full(SessionFactory(capacity=1))
    other = MemberFactory()
    entry = services.waitlist_join(member=other, session=session)
    booking = Booking.objects.get(session=session)
    client.force_login(member)
    for name in ("offer_confirm", "offer_decline", "waitlist_leave"):
        assert client.get(reverse(f"events:{name}", args=[entry.pk])).status_code == 404
        assert client.post(reverse(f"events:{name}", args=[entry.pk])).status_code == 404
    for name in ("ticket", "calendar", "cancel", "move_cancel"):
        assert client.get(reverse(f"events:{name}", args=[booking.code])).status_code == 404
    assert client.post(reverse("events:cancel", args=[booking.code])).status_code == 404
    assert client.post(reverse("events:move_keep", args=[booking.code])).status_code == 404
    assert client.get(reverse("events:ticket", args=["not-a-code"])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


# --- Tickets ---------------------------------------------------------------------------


def test_a_member_cancels_until_the_deadline_and_gets_the_points_back(client, member, give, ledger_is_consistent):
    give(member, 40)
    session = SessionFactory(activity=ActivityFactory(price_points=40, cancellation_hours=48))
    booking = services.booking_create(member=member, session=session)
    client.force_login(member)
    question = _text(client.get(reverse("events:cancel", args=[booking.code])))
    assert "Annuler votre billet pour" in question and "vos 40 points vous seront rendus" in question
    done = _follow(client, reverse("events:cancel", args=[booking.code]))
    assert "Billet annulé : vos 40 points vous ont été rendus." in _messages(done)
    assert "Billet annulé" in _text(done) and "QR code du billet" not in _text(done)
    assert balance_of(member=member) == 40
    again = _follow(client, reverse("events:cancel", args=[booking.code]))
    assert "Cette réservation est déjà annulée." in _messages(again)
    ledger_is_consistent()


def test_after_the_deadline_the_cancel_button_is_gone_and_a_cancellation_is_refused(client, member):
    session = SessionFactory(
        activity=ActivityFactory(cancellation_hours=48), starts_at=timezone.now() + timedelta(hours=30)
    )
    booking = services.booking_create(member=member, session=session)
    client.force_login(member)
    page = _text(client.get(reverse("events:ticket", args=[booking.code])))
    assert reverse("events:cancel", args=[booking.code]) not in page and "Le délai d'annulation est passé." in page
    asked = client.get(reverse("events:cancel", args=[booking.code]), follow=True)
    assert "Il est trop tard pour annuler cette réservation." in _messages(asked)
    posted = _follow(client, reverse("events:cancel", args=[booking.code]))
    assert "Il est trop tard pour annuler cette réservation." in _messages(posted)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_a_moved_session_asks_to_keep_or_cancel(client, member, give):
    give(member, 30)
    session = SessionFactory(activity=ActivityFactory(price_points=30))
    booking = services.booking_create(member=member, session=session)
    services.session_move(session=session, starts_at=session.starts_at + timedelta(days=2), by=StaffFactory())
    client.force_login(member)
    page = _text(client.get(reverse("events:ticket", args=[booking.code])))
    assert "La séance a changé d'horaire" in page and reverse("events:move_keep", args=[booking.code]) in page
    assert "Nouvel horaire : votre réponse est attendue" in _text(client.get(reverse("events:tickets")))
    kept = _follow(client, reverse("events:move_keep", args=[booking.code]))
    assert "C'est noté : vous gardez votre place au nouvel horaire." in _messages(kept)
    assert "La séance a changé d'horaire" not in _text(kept)
    booking.refresh_from_db()
    assert booking.move == Booking.Move.KEPT
    # Another member cancels instead, after the confirmation step.
    other = MemberFactory()
    give(other, 30)
    theirs = services.booking_create(member=other, session=session)
    services.session_move(session=session, starts_at=session.starts_at + timedelta(days=3), by=StaffFactory())
    client.force_login(other)
    assert "Annuler votre billet pour" in _text(client.get(reverse("events:move_cancel", args=[theirs.code])))
    cancelled = _follow(client, reverse("events:move_cancel", args=[theirs.code]))
    assert "Billet annulé : vos 30 points vous ont été rendus." in _messages(cancelled)
    assert balance_of(member=other) == 30


def test_my_tickets_lists_upcoming_and_past_tickets(client, member, clock):
    past_session = SessionFactory(
        activity=ActivityFactory(title_fr="Atelier passé"), starts_at=timezone.now() + timedelta(days=1)
    )
    _attended(past_session, member)
    upcoming = SessionFactory(
        activity=ActivityFactory(title_fr="Visite à venir"), starts_at=timezone.now() + timedelta(days=5)
    )
    services.booking_create(member=member, session=upcoming)
    clock.shift(timedelta(days=2))
    client.force_login(member)
    page = _text(client.get(reverse("events:tickets")))
    assert page.index("Visite à venir") < page.index("Passés") < page.index("Atelier passé")
    assert "À noter" in page


def test_an_empty_my_tickets_invites_to_book(client, member):
    client.force_login(member)
    page = _text(client.get(reverse("events:tickets")))
    assert "Aucun billet à venir" in page and reverse("events:list") in page


def test_the_calendar_file_holds_the_session_in_paris_time_for_the_tickets_owner_only(client, member, clock):
    session = SessionFactory(
        activity=ActivityFactory(title_fr="Visite des réserves"), place_fr="Porte B", duration_minutes=120,
        starts_at=timezone.now() + timedelta(days=6, hours=6),  # Friday 20 November, 18:00 in Paris
    )  # fmt: skip
    booking = services.booking_create(member=member, session=session)
    client.force_login(member)
    response = client.get(reverse("events:calendar", args=[booking.code]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert f'filename="billet-{booking.code}.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    event = calendar.events[0]
    assert str(event["SUMMARY"]) == "Visite des réserves" and "Porte B" in str(event["LOCATION"])
    assert event.start.isoformat() == "2026-11-20T18:00:00+01:00" and str(event.start.tzinfo) == "Europe/Paris"
    assert event.end - event.start == timedelta(hours=2)
    assert booking.code in str(event["DESCRIPTION"]) and str(event["URL"]).endswith(
        reverse("events:ticket", args=[booking.code])
    )
    assert str(event["STATUS"]) == "CONFIRMED" and calendar.timezones[0].tz_name == "Europe/Paris"
    # Moved: the same UID with a higher sequence, so calendars update the entry.
    services.session_move(session=session, starts_at=session.starts_at + timedelta(days=1), by=StaffFactory())
    moved = Calendar.from_ical(client.get(reverse("events:calendar", args=[booking.code])).content).events[0]
    assert moved["UID"] == event["UID"] and moved["SEQUENCE"] == 1 and moved.start.day == 21
    client.force_login(MemberFactory())
    assert client.get(reverse("events:calendar", args=[booking.code])).status_code == 404
    client.logout()
    assert client.get(reverse("events:calendar", args=[booking.code])).status_code == 302


# --- Ratings ---------------------------------------------------------------------------


def test_a_member_who_attended_rates_after_the_session_and_gets_the_points_once(
    client, member, clock, ledger_is_consistent
):
    earning_rules_ensure_defaults()
    session = SessionFactory(activity=ActivityFactory(rating_points=25), starts_at=timezone.now() + timedelta(hours=3))
    _attended(session, member)
    client.force_login(member)
    assert 'id="rate"' not in _text(client.get(_detail(session.activity)))  # not over yet
    clock.shift(timedelta(hours=6))
    page = _text(client.get(_detail(session.activity)))
    assert 'id="rate"' in page and "25 points à gagner." in page
    bad = _follow(client, reverse("events:rate", args=[session.activity.slug]), {"stars": "9"})
    assert "La note va de 1 à 5 étoiles." in _messages(bad) and not Rating.objects.exists()
    nonsense = _follow(client, reverse("events:rate", args=[session.activity.slug]), {"stars": "<b>"})
    assert "La note va de 1 à 5 étoiles." in _messages(nonsense)
    done = _follow(
        client, reverse("events:rate", args=[session.activity.slug]), {"stars": "4", "comment": "Passionnant !"}
    )
    assert "Merci pour votre note ! +25 points · votre solde : 25 points." in _messages(done)
    page = _text(done)
    assert "Passionnant !" in page and "4,0 sur 5 — 1 note" in page and 'id="rate"' not in page
    twice = _follow(client, reverse("events:rate", args=[session.activity.slug]), {"stars": "5"})
    assert "Seuls les participants présents à la séance peuvent la noter." in _messages(twice)
    assert Rating.objects.get().stars == 4 and balance_of(member=member) == 25
    assert LedgerEntry.objects.filter(reason=Reason.ACTIVITY_RATED).count() == 1
    ledger_is_consistent()


def test_only_members_who_attended_may_rate(client, member, clock):
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=3))
    services.booking_create(member=member, session=session)  # booked, never scanned
    clock.shift(timedelta(hours=6))
    client.force_login(member)
    assert 'id="rate"' not in _text(client.get(_detail(session.activity)))
    response = _follow(client, reverse("events:rate", args=[session.activity.slug]), {"stars": "5"})
    assert "Seuls les participants présents à la séance peuvent la noter." in _messages(response)
    assert not Rating.objects.exists()


def test_the_activity_shows_the_average_count_and_visible_comments_and_members_report_them(client, member, clock):
    earning_rules_ensure_defaults()
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=1))
    staff = StaffFactory()
    authors = [MemberFactory(display_name=f"Auteur {n}") for n in range(3)]
    bookings = [_attended(session, author, staff=staff) for author in authors]
    clock.shift(timedelta(hours=4))
    for booking, stars, comment in zip(bookings, (5, 4, 2), ("Superbe", "", "Trop court"), strict=True):
        services.rating_create(member=booking.member, booking=booking, stars=stars, comment=comment)
    hidden = Rating.objects.get(comment="Trop court")
    Rating.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason="Hors sujet")
    client.force_login(member)
    page = _text(client.get(_detail(session.activity)))
    assert "3,7 sur 5 — 3 notes" in page and "Superbe" in page and "Trop court" not in page
    shown = Rating.objects.get(comment="Superbe")
    response = _follow(client, reverse("events:report", args=[shown.pk]), {"reason": "spam"})
    assert "Merci : l'équipe va relire cet avis." in _messages(response)
    again = _follow(client, reverse("events:report", args=[shown.pk]), {"reason": "spam"})
    assert "Vous avez déjà signalé ce message : l'équipe va le relire." in _messages(again)
    assert Report.objects.count() == 1
    assert client.post(reverse("events:report", args=[hidden.pk]), {"reason": "spam"}).status_code == 404


# --- Query budgets -----------------------------------------------------------------------


def _crowd(sessions: int, bookings_each: int, *, ratings: bool, capacity: int | None = None):
    """An activity with `sessions` sessions, each with `bookings_each` other members booked (attended and rated)."""
    activity = ActivityFactory(guest_allowed=True)
    for n in range(sessions):
        session = SessionFactory(
            activity=activity, capacity=capacity or bookings_each + 2, starts_at=timezone.now() + timedelta(days=n + 1)
        )
        for _ in range(bookings_each):
            booking = services.booking_create(member=MemberFactory(), session=session)
            if ratings:
                Booking.objects.filter(pk=booking.pk).update(attended_at=timezone.now())
                Rating.objects.create(
                    booking=booking, session=session, activity=activity, member=booking.member, stars=4, comment="Bien"
                )
    return activity


def _queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_list_takes_the_same_queries_for_one_activity_or_many_with_many_sessions(
    client, member, django_assert_max_num_queries
):
    services.booking_create(member=member, session=_crowd(1, 1, ratings=False).sessions.get())
    client.force_login(member)
    small = _queries(client, reverse("events:list"), django_assert_max_num_queries, 8)
    for _ in range(5):
        activity = _crowd(4, 3, ratings=False)
        services.booking_create(member=member, session=activity.sessions.first())
    big = _queries(client, reverse("events:list"), django_assert_max_num_queries, 8)
    assert big == small


def test_the_activity_page_takes_the_same_queries_whatever_its_sessions_bookings_and_ratings(
    client, member, give, django_assert_max_num_queries
):
    give(member, 100)
    small_activity = _crowd(1, 1, ratings=True)
    big_activity = _crowd(8, 5, ratings=True)
    # On the big one the member will hold a ticket and wait on several full sessions.
    sessions = list(big_activity.sessions.order_by("starts_at"))
    for session in sessions[:3]:
        _full(session)
    Activity.objects.update(price_points=10)
    services.booking_create(member=member, session=small_activity.sessions.get())
    client.force_login(member)
    small = _queries(client, _detail(small_activity), django_assert_max_num_queries, 11)
    for session in sessions[:3]:
        services.waitlist_join(member=member, session=session)
    services.booking_create(member=member, session=sessions[-1])
    big = _queries(client, _detail(big_activity), django_assert_max_num_queries, 11)
    assert big == small


def test_my_tickets_takes_the_same_queries_for_one_ticket_or_many(client, member, django_assert_max_num_queries):
    services.booking_create(member=member, session=_crowd(1, 0, ratings=False).sessions.get())
    client.force_login(member)
    small = _queries(client, reverse("events:tickets"), django_assert_max_num_queries, 7)
    for _ in range(4):
        sessions = list(_crowd(3, 0, ratings=False, capacity=2).sessions.all())
        services.booking_create(member=member, session=sessions[0])
        services.booking_create(member=member, session=sessions[1], guest=True)
        services.waitlist_join(member=member, session=_full(sessions[2]))
    big = _queries(client, reverse("events:tickets"), django_assert_max_num_queries, 7)
    assert big == small
