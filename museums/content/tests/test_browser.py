"""Content in the system Chromium: a member watches a video visit to the end on a phone; pages checked with axe."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from club.core.testing import browser_login
from club.members.tests.factories import PASSWORD, MemberFactory
from museums.content.models import Comment, Progress
from museums.content.tests.factories import ContentFactory, SeriesFactory
from rewards.ledger.selectors import balance_of
from rewards.ledger.services import earning_rules_ensure_defaults

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MEDIA = Path(__file__).resolve().parents[1] / "demo_media"


def _fits(page, label: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{label}: {overflow}px wider than the screen"


def _video_visit(series):
    content = ContentFactory(
        kind="video_visit", series=series, series_position=1, points=15, title_fr="Les réserves en vidéo",
        transcript_fr="Bienvenue dans les réserves du musée.",
    )  # fmt: skip
    content.video.save("visite.webm", ContentFile((MEDIA / "visite.webm").read_bytes()), save=False)
    content.captions.save("visite.vtt", ContentFile((MEDIA / "visite.vtt").read_bytes()), save=False)
    content.save()
    return content


def test_a_member_opens_a_video_visit_on_a_phone_watches_it_to_the_end_and_sees_the_points(
    phone_page, live_server, axe_check
):
    earning_rules_ensure_defaults()
    page, base = phone_page, live_server.url
    series = SeriesFactory(title_fr="Visites en vidéo")
    content = _video_visit(series)
    member = MemberFactory(display_name="Inès")
    browser_login(page, base, member.email, PASSWORD)
    page.wait_for_url("**/mon-club/")
    page.goto(f"{base}/contenus/")
    _fits(page, "list")
    axe_check(page, "content list")
    page.get_by_role("link", name="Les réserves en vidéo").click()
    page.wait_for_url(f"**{content.get_absolute_url()}")
    assert page.get_by_text("15 points à gagner").is_visible()
    _fits(page, "item")
    axe_check(page, "video visit")
    page.locator("summary", has_text="Transcription").click()
    assert page.get_by_text("Bienvenue dans les réserves du musée.").is_visible()
    # Watch it (muted and fast, as a test may): every milestone goes to the club's own API, then the points.
    page.evaluate(
        "() => { const v = document.getElementById('content-video'); v.muted = true; v.playbackRate = 4; v.play(); }"
    )
    page.get_by_text("Vidéo regardée jusqu’au bout !").wait_for(timeout=20_000)
    assert page.get_by_text("+15 points").is_visible()
    assert Progress.objects.get(member=member, content=content).furthest == 100
    assert balance_of(member=member) == 15
    # Like it and say a word.
    page.get_by_role("button", name="J'aime · 0").click()
    page.get_by_role("button", name="Vous aimez · 1 j'aime").wait_for()
    page.get_by_label("Votre commentaire").fill("Magnifique, merci !")
    page.get_by_role("button", name="Publier").click()
    page.get_by_text("Votre commentaire est publié.").wait_for()
    assert Comment.objects.filter(member=member, body="Magnifique, merci !").exists()
    axe_check(page, "item after comment")
    # The series: follow it.
    page.goto(f"{base}{series.get_absolute_url()}")
    page.get_by_role("button", name="Suivre la série").click()
    page.get_by_text("Vous suivez cette série").wait_for()
    _fits(page, "series")
    axe_check(page, "series")


def test_a_visitor_sees_the_teaser_and_an_embed_loads_nothing_before_a_tap(page, live_server, axe_check):
    base = live_server.url
    secret = ContentFactory(title_fr="Dans les coulisses", members_only=True, body_html_fr="<p>Réservé.</p>")
    embedded = ContentFactory(
        title_fr="Entretien", members_only=False, embed_provider="youtube", embed_id="M7lc1UVf-VE"
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base}{secret.get_absolute_url()}")
    assert page.get_by_role("heading", name="La suite est réservée aux membres du club").is_visible()
    axe_check(page, "teaser")
    page.goto(f"{base}{embedded.get_absolute_url()}")
    assert page.get_by_role("button", name="Lancer la vidéo (YouTube)").is_visible()
    axe_check(page, "embed placeholder")
    assert not [url for url in requested if "youtube" in url]
    page.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(status=200, body="<p>player</p>"))
    page.get_by_role("button", name="Lancer la vidéo (YouTube)").click()
    frame = page.locator("iframe.embed-frame")
    frame.wait_for()
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/M7lc1UVf-VE")
