"""The "Participer" hub: what is open to the member (surveys, polls), an invitation for visitors, the menu entry."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from club.members.tests.factories import MemberFactory, MuseumFactory
from surveys.models import Draft, Participation, Survey
from surveys.tests.pages_data import Kind, poll_build, question, survey_build

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
HUB = "/participer/"


def _one_question(slug: str, **fields):
    return survey_build(slug=slug, pages=[[question("q", Kind.RATING)]], **fields)


def test_the_hub_lives_at_participer():
    assert reverse("participate:hub") == HUB


def test_visitors_are_invited_to_join(client):
    _one_question("cartels", title="Nos cartels sont-ils clairs ?")
    html = client.get(HUB).content.decode()
    assert "Réservé aux membres du club" in html and reverse("account_signup") in html
    assert "Nos cartels sont-ils clairs ?" not in html


def test_an_unverified_member_is_asked_to_verify(client):
    client.force_login(MemberFactory(verified=False))
    assert client.get(HUB).url == reverse("members:verify_needed")


def test_a_member_sees_the_open_surveys_meant_for_them_with_points_date_and_state(client, clock):
    museum = MuseumFactory(name="Musée des Beaux-Arts", slug="beaux-arts")
    closes = datetime(2026, 12, 12, 18, 0, tzinfo=PARIS)
    member = MemberFactory(favourite_museum=museum)
    _one_question("cartels", title="Nos cartels", museum=museum, closes_at=closes, points=25)
    _one_question("secret", title="Enquête anonyme", anonymous=True)
    started = _one_question("commencee", title="Enquête commencée")
    Draft.objects.create(member=member, survey=started.survey, answers={}, page=1)
    done = _one_question("faite", title="Enquête faite")
    Participation.objects.create(member=member, survey=done.survey, answered_on=timezone.localdate())
    fans = _one_question("fans", title="Pour les fans", audience=Survey.Audience.MUSEUM_FANS)
    fans.survey.audience_museums.add(museum)
    others = _one_question("autres", title="Pour les autres", audience=Survey.Audience.MUSEUM_FANS)
    others.survey.audience_museums.add(MuseumFactory())
    now = timezone.now()
    _one_question("close", title="Déjà close", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
    _one_question("future", title="Pas encore", opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9))
    client.force_login(member)
    html = client.get(HUB).content.decode()
    for title in ("Nos cartels", "Enquête anonyme", "Enquête commencée", "Enquête faite", "Pour les fans"):
        assert title in html
    for title in ("Pour les autres", "Déjà close", "Pas encore"):
        assert title not in html

    def item(slug: str) -> str:
        return re.search(
            rf'<article class="card list-item">(?:(?!</article>).)*?/{slug}/(?:(?!</article>).)*</article>', html, re.S
        ).group(0)

    cartels = item("cartels")
    assert "Musée des Beaux-Arts" in cartels and "+25 points" in cartels
    assert "Jusqu&#x27;au 12 décembre à 18 h" in cartels
    assert "Anonyme" in item("secret") and "Anonyme" not in cartels
    assert "Reprendre" in item("commencee") and "Répondu" in item("faite")
    assert "+40 points" in item("secret")  # the earning rule's default
    assert "point" not in item("faite")  # answered: what it paid is on its thank-you, not a promise here
    # Every title reads as a link to its survey (the whole card is one).
    assert re.search(
        r'<a class="card-link" href="/participer/enquetes/cartels/">.*?<h2>Nos cartels</h2>', cartels, re.S
    )


def test_dates_on_the_hub_keep_their_capitals_in_english(client, clock):
    closes = datetime(2027, 1, 5, 22, 27, tzinfo=PARIS)
    _one_question("cartels", title="Nos cartels", closes_at=closes)
    client.force_login(MemberFactory(preferred_language="en"))
    html = client.get(HUB).content.decode()
    assert "Until 5 January 2027 at 22:27" in html and "january" not in html
    client.force_login(MemberFactory(preferred_language="fr"))
    assert "Jusqu&#x27;au 5 janvier 2027 à 22 h 27" in client.get(HUB).content.decode()


def test_open_polls_are_quick_votes_on_the_hub(client):
    poll = poll_build(slug="horaires", text="Ouvrir le jeudi soir ?")
    client.force_login(MemberFactory())
    html = client.get(HUB).content.decode()
    assert "Ouvrir le jeudi soir ?" in html and "Voter (+10 points)" in html
    assert f'action="{reverse("surveys:poll_vote", args=["horaires"])}"' in html
    assert f'name="next" value="{HUB}"' in html
    assert f'name="q{poll.q("poll").pk}"' in html


def test_nothing_open_shows_the_empty_state(client):
    client.force_login(MemberFactory())
    html = client.get(HUB).content.decode()
    assert 'class="empty-state"' in html and "Rien à remplir pour le moment" in html


def test_the_menu_has_participer_between_mon_club_and_the_shop_marked_on_survey_pages(client):
    _one_question("cartels")
    client.force_login(MemberFactory())
    for path in (HUB, reverse("surveys:detail", args=["cartels"]), reverse("surveys:answer", args=["cartels", 1])):
        html = client.get(path).content.decode()
        nav = html.split('id="site-nav"', 1)[1].split("</nav>", 1)[0]
        labels = re.findall(r"<a href=\"[^\"]*\"(?: aria-current=\"page\")?>([^<]+)", nav)
        assert labels.index("Mon club") < labels.index("Participer") < labels.index("Boutique")
        assert f'<a href="{HUB}" aria-current="page">Participer</a>' in nav
    assert 'aria-current="page">Participer' not in client.get(reverse("shop:shop")).content.decode()


def test_the_hub_costs_the_same_queries_for_one_or_twenty_surveys_and_polls(client):
    member = MemberFactory()
    client.force_login(member)

    def count() -> int:
        client.get(HUB)  # caches warmed (earning rules)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HUB).status_code == 200
        return len(queries)

    def add(number: int) -> None:
        for n in range(number):
            slug = f"s{Survey.objects.count()}"
            _one_question(slug)
            poll = poll_build(slug=f"p{slug}")
            if n % 2 == 0:  # voted in (half of them, and the first): their bars show
                Participation.objects.create(member=member, survey=poll.survey, answered_on=timezone.localdate())

    add(1)
    few = count()
    add(19)
    many = count()
    assert few == many
    # session, user, open surveys and polls, the polls' questions, their choices, their counters, the member's
    # own picks in the named polls they voted in (to mark "votre choix"), unread count, the seats offered to
    # the member, the next sessions to book
    assert few == 10


def test_the_hub_lists_the_next_sessions_and_the_seats_offered_at_the_same_cost(client):
    from museums.events import services as events
    from museums.events.tests.factories import SessionFactory

    member = MemberFactory()
    client.force_login(member)
    full = SessionFactory(capacity=1, activity__title_fr="Nuit des réserves")
    holder = MemberFactory()
    ticket = events.booking_create(member=holder, session=full)
    events.waitlist_join(member=member, session=full)
    events.booking_cancel(booking=ticket, by=holder)  # the seat is offered to the member

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(HUB)
        return len(queries), response.content.decode()

    few, page = count()
    assert "Une place vous attend" in page and "Nuit des réserves" in page
    for _ in range(8):
        SessionFactory()
    many, page = count()
    assert few == many and page.count("list-item") >= 6
