"""Events in the system Chromium, on a phone: book, ticket and .ics, the door, rate, see the points; axe clean."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone
from icalendar import Calendar

from club.core.testing import browser_login
from club.members.permissions import MUSEUM_TEAM, staff_permissions_sync_all
from club.members.tests.factories import PASSWORD, MemberFactory, MuseumFactory, StaffFactory
from conftest import VIEWPORTS
from museums.events.models import Booking, Rating
from museums.events.tests.factories import ActivityFactory, SessionFactory
from rewards.ledger.selectors import balance_of
from rewards.ledger.services import earning_rules_ensure_defaults

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, label: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{label}: {overflow}px wider than the screen"


def _checked(page, axe_check, label: str) -> None:
    _fits(page, label)
    axe_check(page, label)


def test_a_member_books_gets_the_ticket_and_ics_is_let_in_at_the_door_then_rates_and_sees_the_points(
    phone_page, browser, live_server, axe_check, give
):
    earning_rules_ensure_defaults()  # an earlier test's flush may have emptied them
    staff_permissions_sync_all()
    base, page = live_server.url, phone_page
    museum = MuseumFactory(name="Musée des Beaux-Arts")
    activity = ActivityFactory(
        museum=museum, title_fr="Visite des réserves", summary_fr="Les trésors qui ne sont jamais exposés.",
        price_points=20, rating_points=25, cancellation_hours=1,
    )  # fmt: skip
    session = SessionFactory(
        activity=activity, starts_at=timezone.now() + timedelta(hours=3), place_fr="Porte des réserves", capacity=12
    )
    member = MemberFactory(display_name="Inès")
    give(member, 50)
    staff = StaffFactory(display_name="Paul")
    staff.groups.add(Group.objects.get(name=MUSEUM_TEAM))

    # The member finds the activity and books it, after the confirmation step.
    browser_login(page, base, member.email, PASSWORD)
    page.wait_for_url("**/mon-club/")
    page.goto(f"{base}/activites/")
    page.get_by_role("heading", name="Activités et événements", level=1).wait_for()
    _checked(page, axe_check, "activities")
    page.get_by_role("link", name=re.compile("Visite des réserves")).click()
    page.get_by_role("heading", name="Visite des réserves", level=1).wait_for()
    assert page.get_by_text("12 places libres").is_visible()
    _checked(page, axe_check, "activity")
    page.get_by_role("button", name=re.compile("^Réserver")).click()
    page.get_by_role("heading", name="Réserver « Visite des réserves » pour 20 points ?").wait_for()
    assert page.get_by_text("Votre solde passera de 50 à 30 points.").is_visible()
    _checked(page, axe_check, "booking confirmation")
    page.get_by_role("button", name="Oui, réserver").click()
    page.wait_for_url("**/activites/billets/**")
    booking = Booking.objects.get(member=member)
    page.get_by_text("C'est réservé !").wait_for()
    assert page.get_by_role("img", name=f"QR code du billet {booking.code}").is_visible()
    assert page.get_by_text(booking.code, exact=True).is_visible()
    assert page.get_by_text("Porte des réserves").is_visible()
    _checked(page, axe_check, "ticket")
    assert balance_of(member=member) == 30

    # The calendar file.
    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    assert download.value.suggested_filename == f"billet-{booking.code}.ics"
    event = Calendar.from_ical(open(download.value.path(), "rb").read()).events[0]
    assert str(event["SUMMARY"]) == "Visite des réserves" and event.start == session.starts_at.replace(microsecond=0)

    page.get_by_role("link", name="Mes billets").first.click()
    page.get_by_role("heading", name="Mes billets", level=1).wait_for()
    assert page.get_by_role("heading", name="Visite des réserves").is_visible()
    _checked(page, axe_check, "my tickets")

    # At the door, on a staff phone: the code typed, the entry marked.
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="fr-FR", is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    door = context.new_page()
    browser_login(door, base, staff.email, PASSWORD)
    door.wait_for_url("**/equipe/")
    door.goto(f"{base}/equipe/activites/porte/")
    door.get_by_label("Code du billet").wait_for()
    _checked(door, axe_check, "door")
    door.get_by_label("Code du billet").fill(booking.code.replace("-", "").lower())
    door.get_by_role("button", name="Noter l'entrée").click()
    door.get_by_text("Entrée notée : Inès.").wait_for()
    _checked(door, axe_check, "door after the scan")
    context.close()
    booking.refresh_from_db()
    assert booking.attended_at is not None and booking.attended_by == staff

    # After the session, the member rates it and sees the points.
    with time_machine.travel(session.ends_at + timedelta(hours=1), tick=True):
        page.goto(f"{base}/activites/billets/{booking.code}/")
        page.get_by_text("Entrée notée", exact=True).wait_for()
        page.get_by_role("link", name="Noter cette séance").click()
        page.get_by_role("heading", name=re.compile("^Notez votre séance du")).wait_for()
        assert page.get_by_text("25 points à gagner.").is_visible()
        _checked(page, axe_check, "rating form")
        page.get_by_text("4 ★").click()
        page.get_by_label("Votre commentaire").fill("Des trésors incroyables, merci !")
        page.get_by_role("button", name="Envoyer ma note").click()
        page.get_by_text("Merci pour votre note ! +25 points · votre solde : 55 points.").wait_for()
        assert page.get_by_text("Des trésors incroyables, merci !").is_visible()
        assert page.get_by_text("4,0 sur 5 — 1 note").is_visible()
        _checked(page, axe_check, "activity after rating")
        page.goto(f"{base}/mon-club/points/")
        page.get_by_text("Visite des réserves").first.wait_for()
        assert page.get_by_text("+25").first.is_visible()
        _checked(page, axe_check, "my points")
    assert Rating.objects.get(member=member).stars == 4 and balance_of(member=member) == 55
