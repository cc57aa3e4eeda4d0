"""The poll on "Mon club": which one, voting from it, its bars, and never a stale page from the page cache."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from club.members.tests.factories import MemberFactory, MuseumFactory
from surveys.models import Survey
from surveys.services import submission_create
from surveys.tests.pages_data import poll_build

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _page(client) -> str:
    response = client.get(reverse("club:dashboard"))
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _vote(client, poll, label: str):
    return client.post(
        reverse("surveys:poll_vote", args=[poll.survey.slug]),
        {f"q{poll.q('poll').pk}": poll.c("poll", label).pk, "next": reverse("club:dashboard")},
    )


def test_mon_club_shows_the_soonest_closing_poll_not_yet_answered(client):
    now = timezone.now()
    later = poll_build(slug="plus-tard", title="Plus tard", closes_at=now + timedelta(days=9))
    poll_build(slug="bientot", title="Bientôt", closes_at=now + timedelta(days=2))
    museum = MuseumFactory()
    others = poll_build(slug="autres", title="Pour d'autres", closes_at=now + timedelta(days=1),
                        audience=Survey.Audience.MUSEUM_FANS)  # fmt: skip
    others.survey.audience_museums.add(museum)
    member = MemberFactory()
    client.force_login(member)
    html = _page(client)
    assert "Bientôt" in html and "Plus tard" not in html and "Pour d" not in html
    assert html.count('class="card poll-card"') == 1
    # Answered yesterday: it gives way to the next one.
    soon = Survey.objects.get(slug="bientot")
    from surveys.models import Participation

    Participation.objects.create(member=member, survey=soon, answered_on=timezone.localdate() - timedelta(days=1))
    html = _page(client)
    assert "Plus tard" in html and "Bientôt" not in html
    assert later.survey.title in html


def test_voting_from_mon_club_comes_back_to_it_with_the_bars_never_a_stale_page(client, ledger_is_consistent):
    poll = poll_build(slug="horaires", title="Nos horaires", labels=("Oui", "Non"))
    member = MemberFactory()
    client.force_login(member)
    first = _page(client)
    assert "Voter (+10 points)" in first
    assert _page(client) == first  # the same page (served from the page cache)
    voted = _vote(client, poll, "Oui")
    assert voted.url == reverse("club:dashboard")
    after = _page(client)  # drawn again for the message, then the vote's own state
    assert "Merci pour votre vote ! +10 points. Votre solde : 10 points." in after
    assert "Oui : 100 % (1 vote)" in after and "Voter (+10 points)" not in after
    cached = _page(client)
    assert "Oui : 100 % (1 vote)" in cached and "Voter (+10 points)" not in cached
    assert "<strong>10</strong> points" in cached
    # Another member votes: the bars of the cached page follow.
    submission_create(
        member=MemberFactory(), survey=poll.survey, answers={str(poll.q("poll").pk): poll.c("poll", "Non").pk}
    )
    again = _page(client)
    assert "Oui : 50 % (1 vote)" in again and "Non : 50 % (1 vote)" in again
    ledger_is_consistent()


def test_mon_club_marks_the_members_own_choice_in_a_named_poll_at_no_query_more(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    poll = poll_build(slug="horaires", title="Nos horaires", labels=("Oui", "Non"))
    member = MemberFactory()
    client.force_login(member)
    _page(client)
    _vote(client, poll, "Non")
    _page(client)  # the message
    with CaptureQueriesContext(connection) as drawn:
        html = _page(client)
    assert "Non : 100 % (1 vote) — votre choix" in html and html.count("votre choix") == 1
    with CaptureQueriesContext(connection) as cached:
        assert _page(client) == html
    # Served from the page cache: the same queries as before (club/dashboard/tests/test_query_budgets.py);
    # drawn, one more reads the member's picks.
    assert not [query for query in cached if "surveys_answer" in query["sql"]]
    assert len([query for query in drawn if "surveys_answer" in query["sql"]]) == 1


def test_a_poll_with_results_after_the_close_says_when(client, clock):
    closes = datetime(2026, 11, 20, 18, 30, tzinfo=PARIS)
    poll = poll_build(slug="expo", results=Survey.Results.AFTER_CLOSE, closes_at=closes)
    client.force_login(MemberFactory())
    _page(client)
    _vote(client, poll, "Non")
    _page(client)  # the message
    html = _page(client)
    assert "Merci pour votre vote ! Résultats le 20 novembre à 18 h 30." in html and "poll-bars" not in html
    # The next day, the answered poll is no longer shown.
    clock.shift(timedelta(days=1))
    assert "poll-card" not in _page(client)


def test_a_vote_elsewhere_shows_on_mon_club_at_once(client):
    poll = poll_build(slug="horaires", points=0)  # no points: only the poll's own state can tell the pages apart
    member = MemberFactory()
    client.force_login(member)
    assert ">Voter</button>" in _page(client)
    assert ">Voter</button>" in _page(client)  # from the cache
    phone = Client()
    phone.force_login(member)
    _vote(phone, poll, "Oui")
    html = _page(client)
    assert "Vous avez voté" in html and "Oui : 100 % (1 vote)" in html


def test_mon_club_without_a_poll_shows_none(client):
    client.force_login(MemberFactory())
    assert "poll-card" not in _page(client)
